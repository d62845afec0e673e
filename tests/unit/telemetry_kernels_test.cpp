// The decoder's kernels (the generic one, and haswell on AVX2 CPUs) decode everything alike, and a
// PaddedBatch decodes like the same bytes given as a string_view, whatever its padding holds.
#include "telemetry_samples.hpp"

#include "telemetry/decode_kernel.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::telemetry {
namespace {

// Everything decode() tells its caller about one batch.
struct Outcome {
  bool ok = false;
  std::string failure;  // the Error's message when !ok
  std::size_t decoded = 0;
  std::vector<Event> events;
  std::vector<DecodeError> errors;
  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& outcome, std::ostream* out) {
  *out << (outcome.ok ? "ok" : "failed: " + outcome.failure) << ", " << outcome.decoded << " events";
  for (const auto& error : outcome.errors) *out << "; [" << error.index << " @" << error.offset << "] " << error.message;
}

// The batch is copied into a buffer of its own followed by kBatchPadding bytes of `fill` (or, for
// fill 'r', of varied bytes), so that the padded path cannot lean on what follows the text.
Outcome decode_through(DecodeKernel kernel, std::string_view batch, bool padded, char fill = ' ') {
  std::string buffer(batch);
  for (std::size_t i = 0; i < kBatchPadding; ++i) {
    buffer.push_back(fill == 'r' ? static_cast<char>((batch.size() * 31 + i * 7919) % 256) : fill);
  }
  const std::string_view text(buffer.data(), batch.size());
  Outcome outcome;
  auto result = decode_with(kernel, text, padded, [&](const Event& event) { outcome.events.push_back(event); });
  outcome.ok = result.ok();
  if (result.ok()) {
    outcome.decoded = result->decoded;
    outcome.errors = result->errors;
  } else {
    outcome.failure = result.error().message;
  }
  return outcome;
}

const std::string kStart = R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"requestId":"a"}})";
const std::string kLog = R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":"hello\n"})";

// Batches that exercise the decoder's paths: the shared samples (each event alone, the batch, and the
// batch cut short at many places), the fuzzer's seeds, and hand-made malformed ones.
std::vector<std::string> corpus() {
  std::vector<std::string> batches;
  if (const auto dir = test::samples_dir()) {
    for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("platform.", 0) != 0 && name.rfind("function.", 0) != 0 && name.rfind("extension.", 0) != 0 &&
          name != "telemetry-batch.json") {
        continue;  // the Extensions API samples are not telemetry
      }
      const std::string text = test::read_file(entry.path());
      if (name == "telemetry-batch.json") {
        batches.push_back(text);
        for (std::size_t cut = 1; cut < text.size(); cut += 97) batches.push_back(text.substr(0, cut));
      } else {
        batches.push_back("[" + text + "]");
        batches.push_back("[" + text + "," + text + "]");
      }
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(LAMBDA_RELAY_FUZZ_SEEDS_DIR)) {
    batches.push_back(test::read_file(entry.path()));
  }
  const std::vector<std::string> made = {
      "[]", " [ ] ", "", "   ", "{}", "42", "[1, \"x\", null, [], {}]",
      "[" + kStart + "," + kLog + "]",
      "[" + kStart + "," + kLog + "] trailing",
      "[" + kStart + "," + kLog,
      "[" + kStart + R"(,{"time":"2025-06-10T14:03:11.737Z" "type":"x"},)" + kLog + "]",
      R"([{"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"request\u0049d":"r\"q\\"}}])",
      R"([{"record":{"requestId":"r","version":"$LATEST"},"time":"2025-06-10T14:03:11.737Z","type":"platform.start"}])",
      R"([{"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"requestId":"r","metrics":)"
      R"({"durationMs":1e400,"billedDurationMs":439.0,"memorySizeMB":-0,"maxMemoryUsedMB":18446744073709551616}}}])",
      R"([{"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"metrics":{"durationMs":"105.468"}}}])",
      R"([{"time":"2025-06-10T14:03:11.741Z","type":"function","record":{"level":30,"message":{"a":[1,2.5,true,null]}}}])",
      R"([{"time":"2025-06-10T14:03:11.741Z","type":"x.y","record":{"deep":[[[["\ud83d\ude00"]]]]},"extra":tru}])",
      "[" + kStart + ",{\"time\":\"\xff\"}]",
      "[\"\xc3\x28\"]",
      "[" + kStart + ",\"unterminated]",
      std::string(1000, '[') + std::string(999, ']'),
  };
  batches.insert(batches.end(), made.begin(), made.end());
  return batches;
}

// (ctest runs the Telemetry tests a second time with SIMDJSON_FORCE_IMPLEMENTATION=fallback.)
TEST(TelemetryKernels, HaswellKernelIsSelectedWhenSupportedUnlessSimdjsonIsForcedToFallback) {
  EXPECT_TRUE(kernel_supported(DecodeKernel::generic));
  const char* forced = std::getenv("SIMDJSON_FORCE_IMPLEMENTATION");
  const bool fallback = forced != nullptr && std::string_view(forced) == "fallback";
  const DecodeKernel expected =
      kernel_supported(DecodeKernel::haswell) && !fallback ? DecodeKernel::haswell : DecodeKernel::generic;
  EXPECT_EQ(selected_kernel(), expected);
}

TEST(TelemetryKernels, HaswellAndGenericKernelsDecodeTheCorpusIdentically) {
  if (!kernel_supported(DecodeKernel::haswell)) GTEST_SKIP() << "no haswell kernel in this build or on this CPU";
  std::size_t events = 0;
  for (const std::string& batch : corpus()) {
    const Outcome generic = decode_through(DecodeKernel::generic, batch, false);
    EXPECT_EQ(decode_through(DecodeKernel::haswell, batch, false), generic) << batch;
    EXPECT_EQ(decode_through(DecodeKernel::haswell, batch, true), generic) << batch;
    events += generic.events.size();
  }
  if (test::samples_dir()) {
    EXPECT_GT(events, 1000U);  // the corpus did reach the decoder's event paths
  }
}

TEST(TelemetryKernels, HaswellAndGenericKernelsDecodeSingleEventsIdentically) {
  if (!kernel_supported(DecodeKernel::haswell)) GTEST_SKIP() << "no haswell kernel in this build or on this CPU";
  for (const std::string& batch : corpus()) {
    // The batch's first element alone (or the whole text when it is no array).
    const std::string_view json = batch.size() > 2 && batch.front() == '[' ? std::string_view(batch).substr(1) : batch;
    const auto generic = decode_event_with(DecodeKernel::generic, json);
    const auto haswell = decode_event_with(DecodeKernel::haswell, json);
    ASSERT_EQ(haswell.ok(), generic.ok()) << json;
    if (generic.ok()) {
      EXPECT_EQ(*haswell, *generic) << json;
    } else {
      EXPECT_EQ(haswell.error().message, generic.error().message) << json;
    }
  }
}

TEST(TelemetryKernels, PaddedBatchDecodesLikeACopyWhateverThePaddingHolds) {
  for (const DecodeKernel kernel : {DecodeKernel::generic, DecodeKernel::haswell}) {
    if (!kernel_supported(kernel)) continue;
    for (const std::string& batch : corpus()) {
      const Outcome copied = decode_through(kernel, batch, false);
      for (const char fill : {' ', '\0', '"', ']', '}', ',', ':', '1', '-', 't', '\\', '{', '[', 'r'}) {
        EXPECT_EQ(decode_through(kernel, batch, true, fill), copied) << "fill " << static_cast<int>(fill) << ": " << batch;
      }
    }
  }
}

TEST(TelemetryKernels, PublicPaddedOverloadDecodesAStringWithSpareCapacity) {
  std::string body = "[" + kStart + "," + kLog + "]";
  body.reserve(body.size() + kBatchPadding);
  ASSERT_TRUE(has_batch_padding(body));
  std::vector<EventType> types;
  const auto result = decode(PaddedBatch{body}, [&](const Event& event) { types.push_back(event.type); });
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->decoded, 2U);
  EXPECT_TRUE(result->errors.empty());
  EXPECT_EQ(types, (std::vector<EventType>{EventType::platform_start, EventType::function}));
}

}  // namespace
}  // namespace lambda_relay::telemetry
