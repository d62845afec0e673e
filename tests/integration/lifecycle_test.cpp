// lambda-relay's lifecycle under the real emulator: real processes, real sockets, real freezes.
#include "emulator_run.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace lambda_relay::testing {
namespace {

const Json* find_extension(const Json& report, std::string_view name, int instance, Json& out) {
  for (const auto& e : report["extensions"].items()) {
    if (e["name"].str() == name && e["instance"].i64() == instance) {
      out = e;
      return &out;
    }
  }
  return nullptr;
}

TEST(LambdaRelayUnderEmulator, ColdStartTwentyInvokesAndShutdownWithinDeadlines) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "20", "--quiet"}, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  Json relay;
  ASSERT_NE(find_extension(run.report, "lambda-relay", 1, relay), nullptr) << run.output;
  EXPECT_TRUE(relay["register_ms"].is_number()) << "never registered\n" << run.output;
  EXPECT_TRUE(relay["ready_ms"].is_number()) << "never called event/next\n" << run.output;
  EXPECT_TRUE(relay["init_error"].is_null());
  EXPECT_EQ(relay["exit_code"].i64(), 0);
  EXPECT_FALSE(relay["missed_shutdown_deadline"].boolean());
  EXPECT_EQ(relay["shutdown_reason"].str(), "spindown");
  EXPECT_LT(relay["shutdown_exit_ms"].f64(), 2000.0);
  std::vector<std::string_view> events;
  for (const auto& ev : relay["events"].items()) events.push_back(ev.str());
  EXPECT_EQ(events, (std::vector<std::string_view>{"INVOKE", "SHUTDOWN"}));
  std::vector<std::string_view> features;
  for (const auto& f : relay["accept_features"].items()) features.push_back(f.str());
  EXPECT_EQ(features, (std::vector<std::string_view>{"accountId"}));

  const auto invokes = run.report["invokes"].items();
  EXPECT_EQ(invokes.size(), 20U);
  for (const auto& invoke : invokes) EXPECT_EQ(invoke["status"].str(), "success") << run.output;
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
}

TEST(LambdaRelayUnderEmulator, ErrorTimeoutResetAndSuppressedInitFollowTheLambdaContract) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--timeout-ms", "500", "--quiet",
                "--invoke", R"({"action":"ok"})", "--invoke", R"({"action":"error"})",
                "--invoke", R"({"action":"timeout"})", "--invoke", R"({"action":"ok"})"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::vector<std::string_view> statuses;
  std::vector<bool> suppressed;
  for (const auto& invoke : run.report["invokes"].items()) {
    statuses.push_back(invoke["status"].str());
    suppressed.push_back(invoke["suppressed_init"].boolean());
  }
  EXPECT_EQ(statuses, (std::vector<std::string_view>{"success", "error", "timeout", "success"}));
  EXPECT_EQ(suppressed, (std::vector<bool>{false, false, false, true}));

  Json first;
  Json second;
  ASSERT_NE(find_extension(run.report, "lambda-relay", 1, first), nullptr);
  ASSERT_NE(find_extension(run.report, "lambda-relay", 2, second), nullptr) << "no new process after the reset";
  EXPECT_EQ(first["shutdown_reason"].str(), "timeout");
  EXPECT_EQ(first["exit_code"].i64(), 0);
  EXPECT_EQ(second["shutdown_reason"].str(), "spindown");
  EXPECT_EQ(second["exit_code"].i64(), 0);
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
}

TEST(LambdaRelayUnderEmulator, InvalidConfigurationFailsInitWithAMessageNamingTheVariable) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "1", "--quiet", "--env",
                "LAMBDA_RELAY_LOG_FORMAT=yaml"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Json relay;
  ASSERT_NE(find_extension(run.report, "lambda-relay", 1, relay), nullptr);
  ASSERT_TRUE(relay["init_error"].is_object()) << run.output;
  EXPECT_EQ(relay["init_error"]["type"].str(), "Extension.ConfigInvalid");
  EXPECT_NE(relay["init_error"]["message"].str().find("LAMBDA_RELAY_LOG_FORMAT"), std::string_view::npos);
  // lambda-relay exits 1 after init/error; the emulator tears the failed sandbox down at the same time
  // and on a loaded machine may kill it first (then there is no exit code, only the signal).
  if (relay["exit_code"].is_number()) {
    EXPECT_EQ(relay["exit_code"].i64(), 1);
  }
  auto init = run.report["init"].at(0);
  EXPECT_EQ(init["status"].str(), "error");
  EXPECT_EQ(init["error_type"].str(), "Extension.InitError");
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
}

TEST(LambdaRelayUnderEmulator, NeverLogsTheFunctionsCredentials) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "2", "--env", "LAMBDA_RELAY_LOG_LEVEL=trace"}, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("[lambda-relay]"), std::string::npos) << "lambda-relay logged nothing at trace level";
  EXPECT_EQ(run.output.find("wJalrXUtnFEMI"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("IQoJb3JpZ2luX2VjEMULATOR"), std::string::npos) << run.output;
}

TEST(EmulatorContract, ExtensionThatIgnoresShutdownIsKilledAtTheDeadlineAndReported) {
  ExtensionsDir extensions;
  extensions.add("stubborn-extension", STUBBORN_EXTENSION_PATH);
  EmulatorRun run;
  const auto started = std::chrono::steady_clock::now();
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "1", "--quiet"}, run);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Json stubborn;
  ASSERT_NE(find_extension(run.report, "stubborn-extension", 1, stubborn), nullptr);
  EXPECT_TRUE(stubborn["missed_shutdown_deadline"].boolean());
  EXPECT_EQ(stubborn["exit_signal"].i64(), SIGKILL);
  EXPECT_GE(stubborn["shutdown_exit_ms"].f64(), 2000.0);
  EXPECT_EQ(run.report["violations"].items().size(), 1U);
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(EmulatorContract, StrictModeFailsARunWithViolations) {
  ExtensionsDir extensions;
  extensions.add("stubborn-extension", STUBBORN_EXTENSION_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "1", "--quiet", "--strict"}, run);
  EXPECT_EQ(run.exit_code, 3);
}

TEST(EmulatorContract, OutOfMemoryAndCrashResetTheSandboxWithTheirErrorTypes) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  // Filling 1 GiB (the sanitized runs' memory size) takes seconds on a loaded machine: a timeout long
  // enough that the OOM, not the timeout, ends the first invoke.
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--timeout", "20", "--invoke",
                R"({"action":"oom"})", "--invoke", R"({"action":"crash"})", "--invoke", R"({"action":"ok"})"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto invokes = run.report["invokes"].items();
  ASSERT_EQ(invokes.size(), 3U);
  EXPECT_EQ(invokes[0]["status"].str(), "error");
  EXPECT_EQ(invokes[0]["error_type"].str(), "Runtime.OutOfMemory");
  EXPECT_EQ(invokes[0]["max_memory_used_mb"].i64(), kDefaultTestMemoryMb) << "an OOM uses the whole memory size";
  EXPECT_EQ(invokes[1]["status"].str(), "error");
  EXPECT_EQ(invokes[1]["error_type"].str(), "Runtime.ExitError");
  EXPECT_TRUE(invokes[1]["suppressed_init"].boolean());
  EXPECT_EQ(invokes[2]["status"].str(), "success");
  EXPECT_TRUE(invokes[2]["suppressed_init"].boolean());
  Json first;
  ASSERT_NE(find_extension(run.report, "lambda-relay", 1, first), nullptr);
  EXPECT_EQ(first["shutdown_reason"].str(), "failure");
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
}

TEST(EmulatorContract, RuntimeInitErrorFailsInitAndIsRetriedAsASuppressedInit) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--init-error", "Runtime.HandlerNotFound",
                "--invokes", "1"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.report["runtime_init_error"]["type"].str(), "Runtime.HandlerNotFound");
  const auto inits = run.report["init"].items();
  ASSERT_EQ(inits.size(), 2U);
  EXPECT_EQ(inits[0]["phase"].str(), "init");
  EXPECT_EQ(inits[0]["error_type"].str(), "Runtime.HandlerNotFound");
  EXPECT_EQ(inits[1]["phase"].str(), "invoke");
  const auto invoke = run.report["invokes"].at(0);
  EXPECT_EQ(invoke["error_type"].str(), "Runtime.HandlerNotFound");
  Json relay;
  ASSERT_NE(find_extension(run.report, "lambda-relay", 1, relay), nullptr);
  EXPECT_EQ(relay["exit_code"].i64(), 0) << "lambda-relay must leave cleanly when Init fails elsewhere";
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
}

TEST(EmulatorContract, FreezesEveryProcessBetweenInvokes) {
  ExtensionsDir extensions;
  extensions.add("spinning-extension", SPINNING_EXTENSION_PATH);
  EmulatorRun run;
  // Three frozen periods of 400 ms (after Init and after each invoke): a spinner that kept running would
  // use at least 1,200 ms of CPU.
  const auto started = std::chrono::steady_clock::now();
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "2", "--idle-ms", "400"}, run);
  const double elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Json spinner;
  ASSERT_NE(find_extension(run.report, "spinning-extension", 1, spinner), nullptr);
  const double cpu_ms = spinner["cpu_ms"].f64();
  EXPECT_GE(elapsed_ms, 1200.0);
  EXPECT_LT(cpu_ms, elapsed_ms - 1200.0 + 200.0) << "the extension ran while the sandbox was frozen";
}

// Event order checker itself: it must reject what the spec forbids (a checker that accepts anything
// would make the tests above meaningless).
TEST(EventOrderChecker, RejectsAReportBeforeItsRuntimeDone) {
  std::vector<PlatformEvent> events{{"platform.initStart", "init", "", "", ""},
                                    {"platform.initRuntimeDone", "init", "", "success", ""},
                                    {"platform.initReport", "init", "", "success", ""},
                                    {"platform.start", "", "r1", "", ""},
                                    {"platform.report", "", "r1", "success", ""}};
  EXPECT_NE(check_event_order(events), "");
}

TEST(EventOrderChecker, RejectsAnInvokeAfterATimeoutWithoutASuppressedInit) {
  std::vector<PlatformEvent> events{{"platform.initStart", "init", "", "", ""},
                                    {"platform.initRuntimeDone", "init", "", "success", ""},
                                    {"platform.initReport", "init", "", "success", ""},
                                    {"platform.start", "", "r1", "", ""},
                                    {"platform.runtimeDone", "", "r1", "timeout", ""},
                                    {"platform.report", "", "r1", "timeout", ""},
                                    {"platform.start", "", "r2", "", ""},
                                    {"platform.runtimeDone", "", "r2", "success", ""},
                                    {"platform.report", "", "r2", "success", ""}};
  EXPECT_NE(check_event_order(events), "");
}

// SIGTERM outside Lambda (dev mode, or a local supervisor): lambda-relay leaves promptly with code 0.
TEST(LambdaRelaySignals, SigtermEndsDevModeWithExitCodeZero) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(ready[1], STDOUT_FILENO);
    ::setenv("LAMBDA_RELAY_DEV_MODE", "true", 1);
    ::execl(LAMBDA_RELAY_PATH, "lambda-relay", nullptr);
    ::_exit(127);
  }
  ::close(ready[1]);
  // Wait for its first log line ("dev mode ...") so that the signal handler is in place.
  char buffer[256];
  ASSERT_GT(::read(ready[0], buffer, sizeof buffer), 0);
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(ready[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace lambda_relay::testing
