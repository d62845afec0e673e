// lambda-relay's telemetry path end to end: the emulator's Telemetry API → lambda-relay's listener and
// decoder → JSON batch dispatch → a local HTTP upstream.
#include "emulator_run.hpp"
#include "http_sink.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace lambda_relay::testing {
namespace {

// Function lines of the simulated function: "<time>\t<requestId>\tINFO\tsimulated work <i> of <n> (ok)".
struct LineId {
  std::string request_id;
  int line = 0;
  auto operator<=>(const LineId&) const = default;
};

std::optional<LineId> line_id(std::string_view text) {
  const auto first_tab = text.find('\t');
  const auto second_tab = text.find('\t', first_tab + 1);
  const auto work = text.find("simulated work ");
  if (first_tab == std::string_view::npos || second_tab == std::string_view::npos || work == std::string_view::npos) {
    return std::nullopt;
  }
  LineId id{std::string(text.substr(first_tab + 1, second_tab - first_tab - 1)), 0};
  id.line = std::atoi(std::string(text.substr(work + 15)).c_str());
  return id;
}

struct Delivered {
  std::map<LineId, int> function_lines;  // how many times each line arrived
  std::vector<telemetry::Event> events;
  std::size_t decode_errors = 0;
};

Delivered collect(const HttpSink& sink) {
  Delivered out;
  for (const auto& body : sink.bodies()) {
    auto batch = telemetry::decode_batch(body);
    if (!batch) {
      ++out.decode_errors;
      continue;
    }
    out.decode_errors += batch->errors.size();
    for (auto& event : batch->events) {
      if (event.type == telemetry::EventType::function) {
        if (auto id = line_id(std::get<telemetry::LogRecord>(event.record).text)) ++out.function_lines[*id];
      }
      out.events.push_back(std::move(event));
    }
  }
  return out;
}

std::vector<std::string> request_ids(const Json& report) {
  std::vector<std::string> ids;
  for (const auto& invoke : report["invokes"].items()) ids.emplace_back(invoke["request_id"].str());
  return ids;
}

TEST(TelemetryPipeline, EveryFunctionLineOfFiftyInvokesArrivesExactlyOnceIncludingTheLastInvoke) {
  HttpSink sink;
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  std::vector<std::string> args{"--extensions-dir", extensions.path().string(), "--quiet",
                                "--env", "LAMBDA_RELAY_BATCH_URL=" + sink.url("/batch")};
  for (int i = 0; i < 50; ++i) args.insert(args.end(), {"--invoke", R"({"action":"ok","duration_ms":1,"log_lines":20})"});
  EmulatorRun run;
  run_emulator(args, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto delivered = collect(sink);
  EXPECT_EQ(delivered.decode_errors, 0U);
  const auto ids = request_ids(run.report);
  ASSERT_EQ(ids.size(), 50U);
  std::size_t missing = 0;
  std::size_t duplicated = 0;
  for (const auto& id : ids) {
    for (int line = 1; line <= 20; ++line) {
      const auto it = delivered.function_lines.find({id, line});
      if (it == delivered.function_lines.end()) ++missing;
      else if (it->second != 1) ++duplicated;
    }
  }
  EXPECT_EQ(missing, 0U) << "of 1000 lines";
  EXPECT_EQ(duplicated, 0U);
  EXPECT_EQ(delivered.function_lines.size(), 1000U);
  // One POST per flush, never one per event: at most two flushes per invoke (at its start and, in
  // end mode, at its end), plus SHUTDOWN.
  EXPECT_LE(sink.bodies().size(), 2 * 50U + 1);
  // The last invoke's platform.report came in during SHUTDOWN and was delivered too.
  const bool last_report = std::any_of(delivered.events.begin(), delivered.events.end(), [&](const auto& e) {
    const auto* report = std::get_if<telemetry::Report>(&e.record);
    return report != nullptr && report->request_id == ids.back();
  });
  EXPECT_TRUE(last_report);
  Json relay;
  for (const auto& e : run.report["extensions"].items()) relay = e;
  EXPECT_EQ(relay["exit_code"].i64(), 0);
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;
}

TEST(TelemetryPipeline, AwsExampleVariableNamesWorkAndBatchesHoldAtLeastTheMinimum) {
  HttpSink sink;
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "10", "--env",
                "DISPATCH_POST_URI=" + sink.url("/"), "--env", "DISPATCH_MIN_BATCH_SIZE=25"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto bodies = sink.bodies();
  ASSERT_FALSE(bodies.empty());
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i) {  // the last one is the shutdown flush
    auto batch = telemetry::decode_batch(bodies[i]);
    ASSERT_TRUE(batch);
    EXPECT_GE(batch->events.size(), 25U) << "batch " << i;
  }
}

TEST(TelemetryPipeline, OwnLogLinesAreNeverExportedEvenWhenSubscribedToExtensionLogs) {
  HttpSink sink;
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "5", "--env",
                "LAMBDA_RELAY_BATCH_URL=" + sink.url("/batch"), "--env",
                "LAMBDA_RELAY_TELEMETRY_TYPES=platform,function,extension", "--env", "LAMBDA_RELAY_LOG_LEVEL=debug"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto delivered = collect(sink);
  ASSERT_FALSE(delivered.events.empty());
  for (const auto& e : delivered.events) {
    if (e.type != telemetry::EventType::extension) continue;
    EXPECT_FALSE(std::get<telemetry::LogRecord>(e.record).text.starts_with("[lambda-relay]"))
        << std::get<telemetry::LogRecord>(e.record).text;
  }
  // ...and the relay did log (the filter, not silence, keeps them out).
  std::size_t own_lines = 0;
  for (const auto& e : platform_events(run.report)) {
    if (e.type == "extension") ++own_lines;
  }
  EXPECT_GT(own_lines, 0U);
}

TEST(TelemetryPipeline, SubscribesWithTheNewestSchemaVersion) {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "1"}, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto subscriber = run.report["telemetry"]["subscribers"].at(0);
  EXPECT_EQ(subscriber["name"].str(), "lambda-relay");
  EXPECT_EQ(subscriber["schema_version"].str(), "2025-01-29");
  std::vector<std::string_view> types;
  for (const auto& t : subscriber["types"].items()) types.push_back(t.str());
  EXPECT_EQ(types, (std::vector<std::string_view>{"platform", "function"}));
}

TEST(TelemetryPipeline, FallsBackToAnOlderSchemaVersionWhenThePlatformRejectsTheNewest) {
  HttpSink sink;
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "2", "--schema-versions",
                "2022-07-01,2022-12-13", "--env", "LAMBDA_RELAY_BATCH_URL=" + sink.url("/batch")},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto subscriber = run.report["telemetry"]["subscribers"].at(0);
  EXPECT_EQ(subscriber["schema_version"].str(), "2022-12-13");
  EXPECT_GT(collect(sink).events.size(), 0U) << "subscribed, but nothing was delivered";
}

TEST(ExampleExtension, TelemetryPrinterReceivesEveryPlatformAndFunctionEventOfARun) {
  ExtensionsDir extensions;
  extensions.add("telemetry-printer", TELEMETRY_PRINTER_PATH);
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--quiet", "--invokes", "5"}, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::multiset<std::string> emitted;
  std::multiset<std::string> printed;
  const std::string prefix = "[telemetry-printer] event ";
  for (const auto& e : run.report["platform_events"].items()) {
    const auto type = std::string(e["type"].str());
    if (type == "extension") {
      auto line = std::string(e["record"].str());
      if (line.starts_with(prefix)) printed.insert(line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size()));
    } else {
      emitted.insert(type);
    }
  }
  EXPECT_EQ(printed, emitted);
}

}  // namespace
}  // namespace lambda_relay::testing
