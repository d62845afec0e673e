// OTLP encoding throughput of the hand-written encoders (export/otlp): protobuf and JSON bodies of the
// three signals, the telemetry → OTLP mapping, and gzip for scale. Requests come from the shared spec
// sample mapped 20 times (980 events: 980 log records, 400 spans; the metrics request is its 8 series).
// otlp_lite_bench.cpp measures protobuf-lite on the same requests.
#include "export/otlp/json_encoder.hpp"
#include "export/otlp/proto_encoder.hpp"
#include "otlp_requests.hpp"
#include "support/gzip.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace lambda_relay;  // NOLINT(google-build-using-namespace): a benchmark

const bench::SampleRequests& requests() {
  static const auto r = bench::sample_requests(20);
  return r;
}

template <typename Request, typename Encode>
void encode(benchmark::State& state, const Request& request, std::size_t items, const Encode& encode_one) {
  if (!requests().ok) {
    state.SkipWithError("shared spec sample not found");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = encode_one(request);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(items) * state.iterations());
  state.counters["body_bytes"] = static_cast<double>(bytes);
}

void BM_ProtoLogs(benchmark::State& state) {
  encode(state, requests().logs, requests().logs.records.size(), [](const auto& r) { return otlp::encode_proto(r); });
}
void BM_JsonLogs(benchmark::State& state) {
  encode(state, requests().logs, requests().logs.records.size(), [](const auto& r) { return otlp::encode_json(r); });
}
void BM_ProtoTraces(benchmark::State& state) {
  encode(state, requests().traces, requests().traces.spans.size(), [](const auto& r) { return otlp::encode_proto(r); });
}
void BM_JsonTraces(benchmark::State& state) {
  encode(state, requests().traces, requests().traces.spans.size(), [](const auto& r) { return otlp::encode_json(r); });
}
void BM_ProtoMetrics(benchmark::State& state) {
  encode(state, requests().metrics, requests().metrics.metrics.size(), [](const auto& r) { return otlp::encode_proto(r); });
}
void BM_JsonMetrics(benchmark::State& state) {
  encode(state, requests().metrics, requests().metrics.metrics.size(), [](const auto& r) { return otlp::encode_json(r); });
}

// What one flush after the sample costs end to end: 49 decoded events mapped, then taken as three
// requests and encoded as protobuf.
void BM_MapAndEncodeSample(benchmark::State& state) {
  const auto batch = bench::read_telemetry_sample();
  auto decoded = telemetry::decode_batch(batch);
  if (batch.empty() || !decoded) {
    state.SkipWithError("shared spec sample not found");
    return;
  }
  for (auto _ : state) {
    otlp::TelemetryMapper mapper(bench::bench_mapper_options());
    for (const auto& event : decoded->events) mapper.add(event);
    mapper.finish();
    auto logs = otlp::encode_proto(*mapper.take_logs());
    auto traces = otlp::encode_proto(*mapper.take_traces());
    auto metrics = otlp::encode_proto(*mapper.take_metrics());
    benchmark::DoNotOptimize(logs);
    benchmark::DoNotOptimize(traces);
    benchmark::DoNotOptimize(metrics);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(decoded->events.size()) * state.iterations());
}

void BM_GzipProtoLogs(benchmark::State& state) {
  if (!requests().ok) {
    state.SkipWithError("shared spec sample not found");
    return;
  }
  const auto body = otlp::encode_proto(requests().logs);
  std::size_t compressed = 0;
  for (auto _ : state) {
    auto out = support::gzip(body);
    compressed = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(body.size()) * state.iterations());
  state.counters["ratio"] = static_cast<double>(body.size()) / static_cast<double>(compressed);
}

BENCHMARK(BM_ProtoLogs);
BENCHMARK(BM_JsonLogs);
BENCHMARK(BM_ProtoTraces);
BENCHMARK(BM_JsonTraces);
BENCHMARK(BM_ProtoMetrics);
BENCHMARK(BM_JsonMetrics);
BENCHMARK(BM_MapAndEncodeSample);
BENCHMARK(BM_GzipProtoLogs);

}  // namespace

BENCHMARK_MAIN();
