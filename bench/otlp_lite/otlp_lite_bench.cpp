// protobuf-lite on the same requests as otlp_encode_bench.cpp, for the "by hand or protobuf-lite"
// decision (docs/architecture.md): serialising prebuilt messages, and filling them from the
// telemetry model first (what an implementation on protobuf-lite would do on every flush). The bodies
// must be the bytes the hand-written encoder produces (checked before measuring).
#include "export/otlp/proto_encoder.hpp"
#include "otlp_requests.hpp"
#include "to_lite.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace lambda_relay;  // NOLINT(google-build-using-namespace): a benchmark

const bench::SampleRequests& requests() {
  static const auto r = bench::sample_requests(20);
  return r;
}

template <typename Request>
void serialize_only(benchmark::State& state, const Request& request, std::size_t items) {
  if (!requests().ok) {
    state.SkipWithError("shared spec sample not found");
    return;
  }
  const auto message = bench::lite::to_lite(request);
  if (message.SerializeAsString() != otlp::encode_proto(request)) {
    state.SkipWithError("protobuf-lite and the hand-written encoder disagree");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = message.SerializeAsString();
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(items) * state.iterations());
}

template <typename Request>
void fill_and_serialize(benchmark::State& state, const Request& request, std::size_t items) {
  if (!requests().ok) {
    state.SkipWithError("shared spec sample not found");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = bench::lite::to_lite(request).SerializeAsString();
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(items) * state.iterations());
}

void BM_LiteSerializeLogs(benchmark::State& s) { serialize_only(s, requests().logs, requests().logs.records.size()); }
void BM_LiteSerializeTraces(benchmark::State& s) { serialize_only(s, requests().traces, requests().traces.spans.size()); }
void BM_LiteSerializeMetrics(benchmark::State& s) {
  serialize_only(s, requests().metrics, requests().metrics.metrics.size());
}
void BM_LiteFillAndSerializeLogs(benchmark::State& s) {
  fill_and_serialize(s, requests().logs, requests().logs.records.size());
}
void BM_LiteFillAndSerializeTraces(benchmark::State& s) {
  fill_and_serialize(s, requests().traces, requests().traces.spans.size());
}
void BM_LiteFillAndSerializeMetrics(benchmark::State& s) {
  fill_and_serialize(s, requests().metrics, requests().metrics.metrics.size());
}

BENCHMARK(BM_LiteSerializeLogs);
BENCHMARK(BM_LiteSerializeTraces);
BENCHMARK(BM_LiteSerializeMetrics);
BENCHMARK(BM_LiteFillAndSerializeLogs);
BENCHMARK(BM_LiteFillAndSerializeTraces);
BENCHMARK(BM_LiteFillAndSerializeMetrics);

}  // namespace

BENCHMARK_MAIN();
