// Telemetry batch decoding throughput. The batches are built from the shared spec sample
// (samples/telemetry-batch.json, 49 events of a cold start, invokes, a timeout, an OOM and resets):
//   - compact: the events re-encoded without white space, as Lambda POSTs them;
//   - pretty:  the sample file's own indented text;
// repeated to at least 1 MB, plus one realistic small POST of 20 events.
#include <lambda_relay/decode.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Every heap allocation of the process is counted, to show that decoding a batch allocates nothing
// once the decoder's buffers have grown (counter allocs_per_batch).
namespace {
std::size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace lambda_relay::telemetry;

std::string read_sample() {
  const auto path = std::filesystem::path(LAMBDA_RELAY_SHARED_DIR) / "spec" / "samples" / "telemetry-batch.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sample's events as compact JSON, one string each.
std::vector<std::string> compact_events() {
  std::vector<std::string> events;
  const std::string sample = read_sample();
  if (sample.empty()) return events;
  auto decoded = decode_batch(sample);
  if (!decoded) return events;
  for (const auto& event : decoded->events) events.push_back(encode(event));
  return events;
}

// The text between the sample's outer brackets (its events with their indentation).
std::string pretty_events() {
  const std::string sample = read_sample();
  const auto open = sample.find('[');
  const auto close = sample.rfind(']');
  if (open == std::string::npos || close == std::string::npos) return {};
  return sample.substr(open + 1, close - open - 1);
}

// "[" + whole copies of `parts` until the batch holds at least `min_bytes` + "]".
std::string repeat_to(const std::vector<std::string>& parts, std::size_t min_bytes) {
  std::string batch = "[";
  while (!parts.empty() && batch.size() < min_bytes) {
    for (const auto& part : parts) {
      if (batch.size() > 1) batch += ',';
      batch += part;
    }
  }
  batch += ']';
  return batch;
}

// "[" + the first `count` of `parts` + "]".
std::string first_events(const std::vector<std::string>& parts, std::size_t count) {
  std::string batch = "[";
  for (std::size_t i = 0; i < count && i < parts.size(); ++i) {
    if (i > 0) batch += ',';
    batch += parts[i];
  }
  batch += ']';
  return batch;
}

void run_decode(benchmark::State& state, const std::string& batch) {
  if (batch.size() < 3) {
    state.SkipWithError("shared spec samples not found");
    return;
  }
  std::size_t events = 0;
  (void)decode(batch, [](const Event&) {});  // warm-up: the buffers grow to this batch's size
  const std::size_t allocations_before = g_allocations;
  for (auto _ : state) {
    std::size_t bytes_seen = 0;
    auto summary = decode(batch, [&](const Event& event) { bytes_seen += event.type_text.size(); });
    benchmark::DoNotOptimize(bytes_seen);
    if (!summary || !summary->errors.empty()) {
      state.SkipWithError("the batch did not decode cleanly");
      return;
    }
    events = summary->decoded;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events));
  state.counters["allocs_per_batch"] =
      static_cast<double>(g_allocations - allocations_before) / static_cast<double>(state.iterations());
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
  state.counters["events"] = static_cast<double>(events);
}

void BM_DecodeLargeCompact(benchmark::State& state) {
  static const std::string batch = repeat_to(compact_events(), 1 << 20);
  run_decode(state, batch);
}
BENCHMARK(BM_DecodeLargeCompact);

void BM_DecodeLargePretty(benchmark::State& state) {
  static const std::string batch = repeat_to({pretty_events()}, 1 << 20);
  run_decode(state, batch);
}
BENCHMARK(BM_DecodeLargePretty);

// One POST of a realistic size: 20 events (an invoke's platform events and its log lines).
void BM_DecodeSmallCompact(benchmark::State& state) {
  static const std::string batch = first_events(compact_events(), 20);
  run_decode(state, batch);
}
BENCHMARK(BM_DecodeSmallCompact);

// The convenience API: every event copied into a vector.
void BM_DecodeBatchCopiesSmall(benchmark::State& state) {
  static const std::string batch = first_events(compact_events(), 20);
  if (batch.size() < 3) {
    state.SkipWithError("shared spec samples not found");
    return;
  }
  for (auto _ : state) {
    auto decoded = decode_batch(batch);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}
BENCHMARK(BM_DecodeBatchCopiesSmall);

void BM_EncodeSampleEvents(benchmark::State& state) {
  const std::string sample = read_sample();
  auto decoded = decode_batch(sample);
  if (sample.empty() || !decoded) {
    state.SkipWithError("shared spec samples not found");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& event : decoded->events) {
      const std::string json = encode(event);
      bytes += json.size();
      benchmark::DoNotOptimize(json.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(decoded->events.size()));
}
BENCHMARK(BM_EncodeSampleEvents);

}  // namespace

BENCHMARK_MAIN();
