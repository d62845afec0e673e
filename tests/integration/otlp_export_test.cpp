// OTLP export end to end: the real lambda-relay under the emulator, with the standard OTEL_EXPORTER_*
// variables pointed at the emulator's embedded sink, delivers every signal.
#include "emulator_run.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::testing {
namespace {

TEST(OtlpExport, EverySignalReachesItsEndpointWithinTheRun) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "5", "--sink",
                "--invoke", R"({"action":"error"})"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.report["violations"].items().empty()) << run.output;
  const auto by_path = run.report["sinks"].at(0)["by_path"];
  for (const auto* path : {"/otlp/v1/logs", "/otlp/v1/traces", "/otlp/v1/metrics"}) {
    ASSERT_TRUE(by_path.has(path)) << path << " got nothing\n" << run.output;
    EXPECT_GE(by_path[path]["requests"].i64(), 1) << path;
    EXPECT_GT(by_path[path]["bytes"].i64(), 0) << path;
  }
  EXPECT_NE(run.output.find("delivery otlp-logs:"), std::string::npos) << "accounting line at shutdown";
}

}  // namespace
}  // namespace lambda_relay::testing
