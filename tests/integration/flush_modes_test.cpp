// LAMBDA_RELAY_FLUSH under the emulator: the real lambda-relay delivering JSON batches to the
// emulator's embedded sink, which counts for every invocation how many newer invocations had started
// when its platform.start arrived ("invocations late"). That is what each mode promises.
#include "emulator_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace lambda_relay::testing {
namespace {

constexpr int kInvokes = 8;

struct FlushRun {
  std::map<int, std::int64_t> late;  // invocations late → how many invocations
  std::vector<double> post_runtime_ms;
};

FlushRun run_with_flush(const std::string& mode) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", std::to_string(kInvokes), "--sink",
                "--quiet", "--env", "LAMBDA_RELAY_FLUSH=" + mode},
               run);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.report["violations"].items().empty()) << run.output;
  FlushRun out;
  const auto sinks = run.report["sinks"].items();
  if (sinks.empty()) {
    ADD_FAILURE() << "no sink in the report";
    return out;
  }
  const auto late = sinks[0]["invocations_late"];
  for (int n = 0; n < kInvokes; ++n) {
    if (late.has(std::to_string(n))) out.late[n] = late[std::to_string(n)].i64();
  }
  for (const auto& invoke : run.report["invokes"].items()) out.post_runtime_ms.push_back(invoke["post_runtime_ms"].f64());
  return out;
}

std::int64_t delivered(const FlushRun& run) {
  std::int64_t n = 0;
  for (const auto& [late, count] : run.late) n += count;
  return n;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

TEST(FlushModes, EndDeliversEveryInvocationBeforeTheNextOneStarts) {
  const auto run = run_with_flush("end");
  EXPECT_EQ(run.late, (std::map<int, std::int64_t>{{0, kInvokes}}));
}

TEST(FlushModes, ContinuousDeliversEachInvocationDuringTheNextWithoutHoldingTheFunction) {
  const auto run = run_with_flush("continuous");
  // Sent while the next invocation runs, after its previous one's platform.report arrived (often in
  // the same Telemetry API batch as the new platform.start, which then is not late at all).
  EXPECT_EQ(delivered(run), kInvokes);
  for (const auto& [late, count] : run.late) EXPECT_LE(late, 1) << count << " invocations " << late << " late";
  const auto end = run_with_flush("end");
  EXPECT_LT(median(run.post_runtime_ms), median(end.post_runtime_ms))
      << "end waits for platform.runtimeDone after the function; continuous does not";
}

TEST(FlushModes, AdaptiveStartsAtTheEndAndIsNeverMoreThanOneInvocationLate) {
  const auto run = run_with_flush("adaptive");
  EXPECT_EQ(delivered(run), kInvokes);
  EXPECT_GE(run.late.count(0) ? run.late.at(0) : 0, 3) << "the cold start and the first sparse-looking invokes";
  for (const auto& [late, count] : run.late) EXPECT_LE(late, 1) << count << " invocations " << late << " late";
}

TEST(FlushModes, PeriodicHoldsDataUntilTheIntervalPassesOrShutdown) {
  const auto run = run_with_flush("periodic,600000");
  EXPECT_EQ(delivered(run), kInvokes) << "everything arrives by SHUTDOWN";
  std::int64_t held = 0;
  for (const auto& [late, count] : run.late) held += late >= 2 ? count : 0;
  EXPECT_EQ(held, kInvokes - 2) << "all but the last two waited for SHUTDOWN";
}

// With no upstream configured there is nothing to flush: an end flush would still hold every invocation
// until platform.runtimeDone arrived (here a second later, with a long buffering timeout).
TEST(FlushModes, WithNowhereToSendNoInvocationWaitsForTheFunctionsTelemetry) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "3", "--quiet", "--env",
                "LAMBDA_RELAY_FLUSH=end", "--env", "LAMBDA_RELAY_BUFFER_TIMEOUT_MS=1000"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const auto& invoke : run.report["invokes"].items()) {
    EXPECT_LT(invoke["post_runtime_ms"].f64(), 500) << run.output;
  }
}

}  // namespace
}  // namespace lambda_relay::testing
