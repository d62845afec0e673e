// The emulator's Telemetry/Logs API delivery, seen from a real subscribing extension process.
#include "emulator_run.hpp"

#include "telemetry/timestamp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

namespace lambda_relay::testing {
namespace {

namespace fs = std::filesystem;

struct Recorded {
  std::vector<std::string> batches;  // raw JSON arrays as POSTed
  simdjson::dom::parser parser;
  std::vector<std::string> types;         // every event's type, in arrival order
  std::vector<std::string> record_kinds;  // "string" or "object" for function records
};

fs::path temp_file() {
  std::random_device rd;
  return fs::temp_directory_path() / ("lambda-relay-recorder-" + std::to_string(rd()) + ".ndjson");
}

void read_recording(const fs::path& path, Recorded& out) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    out.batches.push_back(line);
    simdjson::dom::element batch;
    ASSERT_FALSE(out.parser.parse(line).get(batch)) << "a POSTed batch is not JSON: " << line;
    Json json(batch);
    for (const auto& event : json.items()) {
      out.types.emplace_back(event["type"].str());
      if (event["type"].str() == "function") {
        out.record_kinds.push_back(event["record"].is_object() ? "object" : "string");
      }
    }
  }
}

std::vector<std::string> emitted_types(const Json& report, bool platform, bool function, bool extension) {
  std::vector<std::string> out;
  for (const auto& e : platform_events(report)) {
    const bool keep = e.type == "function" ? function : e.type == "extension" ? extension : platform;
    if (keep) out.push_back(e.type);
  }
  return out;
}

TEST(TelemetryDelivery, EverySubscribedEventArrivesOnceInOrderIncludingInitReplay) {
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "5", "--quiet", "--env",
                "RECORDER_OUT=" + out.string()},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Recorded recorded;
  read_recording(out, recorded);
  fs::remove(out);
  // Everything the platform emitted reached the subscriber, in order: platform.initStart came before the
  // subscription and was replayed; the last report was flushed before SHUTDOWN. (The extension's own
  // lines after SHUTDOWN may miss the last batch, as in Lambda: only platform and function are compared.)
  std::vector<std::string> received;
  for (const auto& t : recorded.types) {
    if (t != "extension") received.push_back(t);
  }
  EXPECT_EQ(received, emitted_types(run.report, true, true, false));
  ASSERT_FALSE(recorded.types.empty());
  EXPECT_EQ(recorded.types.front(), "platform.initStart");
  const auto subscriber = run.report["telemetry"]["subscribers"].at(0);
  EXPECT_EQ(subscriber["failed_posts"].i64(), 0);
  EXPECT_EQ(subscriber["dropped_events"].i64(), 0);
}

// A runtime that fails at once can end Init between an extension's registration and its subscription.
// As in RIE, only a successful Init closes subscriptions: a subscription made during the failed Init's
// teardown is accepted and gets that Init's events. The recorder forces the order by subscribing only
// after event/next has given it the failed Init's SHUTDOWN, then leaves once initReport has arrived.
TEST(TelemetryDelivery, ASubscriptionDuringAFailedInitsTeardownGetsThatInitsEvents) {
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--runtime-cmd", "/bin/sh -c 'exit 3'",
                "--env", "RECORDER_OUT=" + out.string(), "--env", "RECORDER_TYPES=platform", "--env",
                "RECORDER_SUBSCRIBE=after-first-event"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Recorded recorded;
  read_recording(out, recorded);
  fs::remove(out);
  const auto recorder = run.report["extensions"].at(0);
  EXPECT_EQ(recorder["exit_code"].i64(), 0) << "2: subscription refused; otherwise initReport never came\n"
                                            << run.output;
  EXPECT_EQ(recorder["shutdown_reason"].str(), "spindown");
  EXPECT_FALSE(recorder["missed_shutdown_deadline"].boolean());
  ASSERT_FALSE(recorded.types.empty()) << run.output;
  EXPECT_EQ(recorded.types.front(), "platform.initStart");
  EXPECT_NE(std::find(recorded.types.begin(), recorded.types.end(), "platform.initReport"), recorded.types.end());
}

// A subscriber buffering longer than the emulator waits before freezing: the sandbox freezes with its
// events queued, and their buffering timeout passes while frozen. They go out after the thaw (the
// emulator once spun forever on its one thread here, so the thaw never came).
TEST(TelemetryDelivery, EventsWhoseBufferingTimeoutPassesWhileFrozenGoOutAfterTheThaw) {
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "2", "--idle-ms", "1500", "--quiet",
                "--env", "RECORDER_OUT=" + out.string(), "--env", "RECORDER_TYPES=platform", "--env",
                "RECORDER_TIMEOUT_MS=1000"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Recorded recorded;
  read_recording(out, recorded);
  fs::remove(out);
  EXPECT_EQ(recorded.types, emitted_types(run.report, true, false, false));
}

TEST(TelemetryDelivery, FailedPostsAreRetriedAndNothingIsLost) {
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "3", "--quiet", "--env",
                "RECORDER_OUT=" + out.string(), "--env", "RECORDER_FAIL_FIRST=2", "--env", "RECORDER_TYPES=platform"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Recorded recorded;
  read_recording(out, recorded);
  fs::remove(out);
  EXPECT_EQ(recorded.types, emitted_types(run.report, true, false, false));
  EXPECT_EQ(run.report["telemetry"]["subscribers"].at(0)["failed_posts"].i64(), 2);
}

TEST(TelemetryDelivery, SchemaVersionDecidesWhetherJsonLogLinesAreObjectsOrStrings) {
  for (const auto& [schema, kind] : std::vector<std::pair<std::string, std::string>>{{"2022-07-01", "string"},
                                                                                       {"2022-12-13", "object"},
                                                                                       {"2025-01-29", "object"}}) {
    ExtensionsDir extensions;
    extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
    const auto out = temp_file();
    EmulatorRun run;
    run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "2", "--quiet", "--log-format", "json",
                  "--env", "RECORDER_OUT=" + out.string(), "--env", "RECORDER_SCHEMA=" + schema},
                 run);
    Recorded recorded;
    read_recording(out, recorded);
    fs::remove(out);
    ASSERT_FALSE(recorded.record_kinds.empty()) << schema;
    for (const auto& k : recorded.record_kinds) EXPECT_EQ(k, kind) << "schema " << schema;
  }
}

TEST(TelemetryDelivery, LogsApiSubscribersGetLegacyEventsWithoutTelemetryOnlyTypes) {
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "2", "--quiet", "--env",
                "RECORDER_OUT=" + out.string(), "--env", "RECORDER_API=logs", "--env", "RECORDER_TYPES=platform",
                "--env", "RECORDER_TIMEOUT_MS=100"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  Recorded recorded;
  read_recording(out, recorded);
  fs::remove(out);
  auto count = [&](std::string_view type) { return std::count(recorded.types.begin(), recorded.types.end(), type); };
  EXPECT_EQ(count("platform.start"), 2);
  EXPECT_EQ(count("platform.end"), 2);
  EXPECT_EQ(count("platform.report"), 2);
  EXPECT_EQ(count("platform.runtimeDone"), 0) << "runtimeDone needs Logs API schema 2021-03-18";
  EXPECT_EQ(count("platform.logsSubscription"), 1);
  EXPECT_EQ(count("platform.telemetrySubscription"), 0);
}

TEST(TelemetryDelivery, AnInvokesLastEventsGoOutWithinTheBufferingTimeoutSoTheSandboxFreezesPromptly) {
  // The sandbox freezes once telemetry is delivered (waiting at most 200 ms). A platform.report queued
  // while nothing else happens must still go out when its buffering timeout (25 ms) passes.
  ExtensionsDir extensions;
  extensions.add("telemetry-recorder", TELEMETRY_RECORDER_PATH);
  const auto out = temp_file();
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--invokes", "6", "--idle-ms", "20", "--quiet", "--env",
                "RECORDER_OUT=" + out.string(), "--env", "RECORDER_TYPES=platform", "--env", "RECORDER_TIMEOUT_MS=25"},
               run);
  fs::remove(out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::optional<telemetry::Timestamp> report_at;
  std::vector<double> gaps_ms;  // platform.report of one invoke to platform.start of the next
  for (const auto& e : run.report["platform_events"].items()) {
    const auto type = e["type"].str();
    const auto at = telemetry::parse_timestamp(e["time"].str());
    ASSERT_TRUE(at);
    if (type == "platform.report") report_at = *at;
    if (type == "platform.start" && report_at) gaps_ms.push_back(static_cast<double>((*at - *report_at).count()) / 1000.0);
  }
  ASSERT_EQ(gaps_ms.size(), 5U);
  for (const auto gap : gaps_ms) EXPECT_LT(gap, 20.0 + 130.0) << "idle 20 ms + buffering 25 ms, not the 200 ms cap";
}

}  // namespace
}  // namespace lambda_relay::testing
