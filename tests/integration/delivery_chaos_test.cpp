// lambda-relay's delivery engine against a misbehaving upstream, end to end: the real lambda-emulator
// runs the real lambda-relay, whose LAMBDA_RELAY_BATCH_URL points at a scripted ChaosUpstream. The
// simulated function's log lines carry unique ids (request id, line number); what the upstream accepted
// is parsed back into ids and compared with what the invokes produced.
#include "chaos_upstream.hpp"
#include "emulator_run.hpp"

#include "telemetry/timestamp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lambda_relay::testing {
namespace {

using namespace std::chrono_literals;

// Scheduling noise allowed on top of a time limit (ASan build, 2 shared cores).
constexpr double kSlackMs = 100;

struct Work {
  int invokes = 50;
  int lines = 20;           // log lines per invoke
  int line_bytes = 0;       // padding of each line's message (0: ~30 bytes)
  int duration_ms = 1;      // the function's run time
};

std::vector<std::string> invoke_args(const Work& work) {
  const auto payload = R"({"action":"ok","duration_ms":)" + std::to_string(work.duration_ms) + R"(,"log_lines":)" +
                       std::to_string(work.lines) + R"(,"line_bytes":)" + std::to_string(work.line_bytes) + "}";
  std::vector<std::string> args;
  for (int i = 0; i < work.invokes; ++i) args.insert(args.end(), {"--invoke", payload});
  return args;
}

// The emulator running lambda-relay with its batch upstream at `upstream`, plus `env` for lambda-relay.
std::vector<std::string> relay_args(const ExtensionsDir& extensions, const ChaosUpstream& upstream, const Work& work,
                                    const std::vector<std::string>& env) {
  std::vector<std::string> args{"--extensions-dir", extensions.path().string(), "--quiet",
                                "--env", "LAMBDA_RELAY_BATCH_URL=" + upstream.url("/batch")};
  for (const auto& e : env) args.insert(args.end(), {"--env", e});
  const auto invokes = invoke_args(work);
  args.insert(args.end(), invokes.begin(), invokes.end());
  return args;
}

// Function lines of the simulated function: "<time>\t<requestId>\tINFO\tsimulated work <i> of <n> (ok)...".
using LineId = std::pair<std::string, int>;

std::optional<LineId> line_id(std::string_view text) {
  const auto first_tab = text.find('\t');
  const auto second_tab = text.find('\t', first_tab + 1);
  const auto work = text.find("simulated work ");
  if (first_tab == std::string_view::npos || second_tab == std::string_view::npos || work == std::string_view::npos) {
    return std::nullopt;
  }
  return LineId{std::string(text.substr(first_tab + 1, second_tab - first_tab - 1)),
                std::atoi(std::string(text.substr(work + 15, 12)).c_str())};
}

struct Delivered {
  std::map<LineId, int> lines;  // how many times each function line arrived
  std::size_t bodies = 0;
  std::size_t bytes = 0;
  std::size_t malformed = 0;  // bodies that are not JSON arrays of events
};

// Parses every accepted body as the JSON array lambda-relay POSTs (simdjson, independent of its decoder).
Delivered collect(const std::vector<AcceptedBody>& accepted) {
  Delivered out;
  simdjson::dom::parser parser;
  for (const auto& a : accepted) {
    ++out.bodies;
    out.bytes += a.body.size();
    simdjson::dom::array events;
    if (parser.parse(a.body).get_array().get(events)) {
      ++out.malformed;
      continue;
    }
    for (auto event : events) {
      std::string_view type;
      std::string_view record;
      if (event["type"].get_string().get(type) || type != "function") continue;
      if (event["record"].get_string().get(record)) continue;
      if (auto id = line_id(record)) ++out.lines[*id];
    }
  }
  return out;
}

struct Tally {
  std::size_t expected = 0;
  std::size_t missing = 0;
  std::size_t duplicated = 0;
  std::size_t unexpected = 0;
};

Tally tally(const Json& report, int lines, const Delivered& delivered) {
  Tally t;
  std::size_t found = 0;
  for (const auto& invoke : report["invokes"].items()) {
    const std::string request_id(invoke["request_id"].str());
    for (int line = 1; line <= lines; ++line) {
      ++t.expected;
      const auto it = delivered.lines.find({request_id, line});
      if (it == delivered.lines.end()) {
        ++t.missing;
        continue;
      }
      ++found;
      if (it->second != 1) ++t.duplicated;
    }
  }
  t.unexpected = delivered.lines.size() - found;
  return t;
}

Json relay(const Json& report) {
  for (const auto& e : report["extensions"].items()) {
    if (e["name"].str() == "lambda-relay") return e;
  }
  throw std::runtime_error("no lambda-relay in the report");
}

// lambda-relay's own log lines, as the emulator captured them.
std::vector<std::string> relay_log(const Json& report) {
  std::vector<std::string> lines;
  for (const auto& e : report["platform_events"].items()) {
    if (e["type"].str() != "extension" || e["record"].is_object()) continue;
    const std::string text(e["record"].str());
    if (text.starts_with("[lambda-relay]")) lines.push_back(text);
  }
  return lines;
}

// The shutdown accounting line of the batch upstream: "delivery batch: <n> accepted, <n> sent (...".
std::vector<std::string> summary_lines(const std::vector<std::string>& log) {
  std::vector<std::string> out;
  std::copy_if(log.begin(), log.end(), std::back_inserter(out),
               [](const auto& line) { return line.find("delivery batch:") != std::string::npos; });
  return out;
}

// The number in front of `label` in a summary line ("12 refused (full)" for "refused (full)").
std::optional<long> count_before(const std::string& line, const std::string& label) {
  for (auto at = line.find(" " + label); at != std::string::npos; at = line.find(" " + label, at + 1)) {
    auto digits = at;
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(line[digits - 1])) != 0) --digits;
    if (digits < at) return std::stol(line.substr(digits, at - digits));
  }
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + '\n';
  return out;
}

// When the last invoke's function finished (its platform.runtimeDone), on the system clock.
std::optional<std::chrono::system_clock::time_point> last_runtime_done(const Json& report) {
  std::optional<std::chrono::system_clock::time_point> out;
  for (const auto& e : report["platform_events"].items()) {
    if (e["type"].str() != "platform.runtimeDone") continue;
    if (auto t = telemetry::parse_timestamp(e["time"].str())) out = *t;
  }
  return out;
}

TEST(DeliveryChaos, EveryLineArrivesExactlyOnceThroughErrorsThrottlingResetsAndAnOutage) {
  // The issue's script: 503 ×3, 429 ×10, resets for 1 s, down for 1 s, healthy. The 429s say
  // "Retry-After: 0" so that ten of them do not cost ten seconds; honouring a real Retry-After is
  // RetryAfterIsHonouredAndNothingIsLost's job.
  ChaosUpstream upstream(ChaosScript().answer(503, 3).throttle(10, 0s).reset_for(1s).down_for(1s));
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  // 50 invokes of 30 ms, 30 ms apart, each held at most 100 ms: what fails is carried over from invoke
  // to invoke, and the run outlasts the script, so its tail meets a healthy upstream.
  const Work work{50, 20, 0, 30};
  auto args = relay_args(extensions, upstream, work, {"LAMBDA_RELAY_FLUSH_TIMEOUT_MS=100"});
  args.insert(args.end(), {"--idle-ms", "30"});
  EmulatorRun run;
  run_emulator(args, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  auto state = upstream.state();
  EXPECT_EQ(state.phase, 4U) << "the script was not played to the end (the test proves little): " << describe(state);
  EXPECT_EQ(state.answered[503], 3U);
  EXPECT_EQ(state.answered[429], 10U);
  EXPECT_GE(state.resets, 1U);
  const auto delivered = collect(upstream.accepted());
  EXPECT_EQ(delivered.malformed, 0U);
  const auto t = tally(run.report, work.lines, delivered);
  EXPECT_EQ(t.expected, 1000U);
  // Nothing is lost to errors, throttling, resets or the outage. The one loss the design accepts: a
  // request the flush cap cut after it was written in full is not sent again (the upstream may have
  // it, and this upstream does not de-duplicate). On a loaded machine the cap can meet a reset that
  // has not been read yet; every line lost then must be in the items lambda-relay reports unconfirmed.
  const auto log = relay_log(run.report);
  const auto summaries = summary_lines(log);
  ASSERT_EQ(summaries.size(), 1U) << joined(log);
  const auto unconfirmed_items = count_before(summaries[0], "items)").value_or(-1);
  ASSERT_GE(unconfirmed_items, 0) << summaries[0];
  EXPECT_LE(static_cast<long>(t.missing), unconfirmed_items)
      << "of " << t.expected << " lines; upstream: " << describe(state) << "; lambda-relay:\n" << joined(log);
  EXPECT_EQ(t.duplicated, 0U);
  EXPECT_EQ(t.unexpected, 0U);
  EXPECT_EQ(relay(run.report)["exit_code"].i64(), 0);
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;
}

TEST(DeliveryChaos, RetryAfterIsHonouredAndNothingIsLost) {
  ChaosUpstream upstream(ChaosScript().throttle(2, 1s));
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  const Work work{30, 20, 0, 30};
  auto args = relay_args(extensions, upstream, work, {"LAMBDA_RELAY_FLUSH_TIMEOUT_MS=100"});
  args.insert(args.end(), {"--idle-ms", "30"});
  EmulatorRun run;
  run_emulator(args, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  auto state = upstream.state();
  EXPECT_EQ(state.answered[429], 2U);
  // lambda-relay keeps two connections per upstream: a request already on its way on the other one
  // when the 429 went out may arrive "early"; one started after the 429 may not.
  EXPECT_LE(state.early_retries, 1U) << "requests came before the upstream's Retry-After: 1 had passed";
  const auto t = tally(run.report, work.lines, collect(upstream.accepted()));
  EXPECT_EQ(t.missing, 0U) << "of " << t.expected << " lines";
  EXPECT_EQ(t.duplicated, 0U);
}

TEST(DeliveryChaos, UpstreamDownForTheWholeRunHoldsNoInvokeBeyondTheCapAndReportsTheLossOnce) {
  constexpr int kCapMs = 200;
  ChaosUpstream upstream(ChaosScript().down_forever());
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  const Work work{20, 20, 0, 1};
  EmulatorRun run;
  run_emulator(relay_args(extensions, upstream, work, {"LAMBDA_RELAY_FLUSH_TIMEOUT_MS=" + std::to_string(kCapMs)}), run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto extension = relay(run.report);
  EXPECT_EQ(extension["exit_code"].i64(), 0) << run.output;
  EXPECT_FALSE(extension["missed_shutdown_deadline"].boolean());
  EXPECT_LT(extension["shutdown_exit_ms"].f64(), 2000.0) << "lambda-relay must be gone before the SHUTDOWN deadline";
  EXPECT_EQ(run.report["violations"].items().size(), 0U) << run.output;

  // The cap: the time lambda-relay keeps an invoke open after the function finished.
  std::size_t over_cap = 0;
  double longest_ms = 0;
  for (const auto& invoke : run.report["invokes"].items()) {
    const double held_ms = invoke["post_runtime_ms"].f64();
    if (held_ms > kCapMs + kSlackMs) ++over_cap;
    longest_ms = std::max(longest_ms, held_ms);
  }
  EXPECT_EQ(over_cap, 0U) << "of " << work.invokes << " invokes were held longer than " << kCapMs
                          << " ms (+ slack); the longest " << longest_ms << " ms";

  // Dozens of failed attempts, one account of the loss: the summary line, not a line per attempt.
  const auto log = relay_log(run.report);
  const auto summaries = summary_lines(log);
  ASSERT_EQ(summaries.size(), 1U) << joined(log);
  EXPECT_EQ(count_before(summaries[0], "sent"), 0L) << summaries[0];
  EXPECT_GT(count_before(summaries[0], "accepted").value_or(0), 0L) << summaries[0];
  const auto mentions = std::count_if(log.begin(), log.end(), [](const auto& l) {
    return l.find("batch") != std::string::npos;
  });
  EXPECT_LE(mentions, 3) << "the outage is logged when it starts and accounted for at shutdown, no more:\n"
                         << joined(log);
}

TEST(DeliveryChaos, ABacklogOfMegabytesReachesASlowUpstreamWithinOneAndAHalfSecondsOfShutdown) {
  ChaosUpstream upstream(ChaosScript().latency(50ms));
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  const Work work{20, 150, 1000, 1};  // 3,000 lines of 1 kB
  EmulatorRun run;
  run_emulator(relay_args(extensions, upstream, work,
                          {"LAMBDA_RELAY_FLUSH=periodic,600000", "LAMBDA_RELAY_MAX_BUFFER_BYTES=67108864"}),
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto accepted = upstream.accepted();
  const auto delivered = collect(accepted);
  EXPECT_GE(delivered.bytes, 3U * 1000 * 1000) << "the backlog is a few MB";
  const auto t = tally(run.report, work.lines, delivered);
  EXPECT_EQ(t.missing, 0U) << "of " << t.expected << " lines";
  EXPECT_EQ(t.duplicated, 0U);

  // Nothing went out before the last invoke ended (periodic, 10 minutes): it was all a backlog at SHUTDOWN.
  const auto last_done = last_runtime_done(run.report);
  ASSERT_TRUE(last_done);
  const auto early = std::count_if(accepted.begin(), accepted.end(), [&](const auto& a) { return a.wall < *last_done; });
  EXPECT_EQ(early, 0) << "of " << accepted.size() << " batches were delivered before the last invoke ended";
  // ...and lambda-relay exits only once it is delivered (or given up), so its exit bounds the delivery.
  const auto extension = relay(run.report);
  EXPECT_EQ(extension["exit_code"].i64(), 0);
  EXPECT_LE(extension["shutdown_exit_ms"].f64(), 1500.0);
  if (!accepted.empty()) {
    const std::chrono::duration<double, std::milli> last_after_done = accepted.back().wall - *last_done;
    EXPECT_LE(last_after_done.count(), 1500.0 + kSlackMs);
  }
}

TEST(DeliveryChaos, AFloodIntoASlowUpstreamStaysWithinTheMemoryBoundAndCountsWhatWasRefused) {
  // AddressSanitizer keeps freed memory in quarantine (256 MB), which would make RSS measure the bytes
  // that went through rather than the bytes held: both runs switch quarantine off.
  const char* inherited = std::getenv("ASAN_OPTIONS");
  const std::vector<std::string> environment{"ASAN_OPTIONS=" + std::string(inherited != nullptr ? inherited : "") +
                                             ":quarantine_size_mb=0"};
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);

  // What lambda-relay needs with nothing to hold: one quiet invoke.
  long baseline_kb = 0;
  {
    ChaosUpstream healthy(ChaosScript{});
    EmulatorRun run;
    run_emulator(relay_args(extensions, healthy, Work{1, 2, 0, 1}, {}), run, environment);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    baseline_kb = relay(run.report)["peak_rss_kb"].i64();
  }

  // An upstream that takes 256 kB/s (plus 50 ms a request) is offered 8 MB in 40 invokes of 200 lines
  // of 1 kB, each held at most 50 ms: some ten times what it can take, through a 1 MiB outbox (each
  // invoke's batch fits; a few of them fill it).
  constexpr std::size_t kBoundBytes = 1024 * 1024;
  ChaosUpstream upstream(ChaosScript().latency(50ms).bandwidth(256 * 1024));
  const Work flood{40, 200, 1000, 1};
  EmulatorRun run;
  run_emulator(relay_args(extensions, upstream, flood,
                          {"LAMBDA_RELAY_MAX_BUFFER_BYTES=" + std::to_string(kBoundBytes),
                           "LAMBDA_RELAY_FLUSH_TIMEOUT_MS=50"}),
               run, environment);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto extension = relay(run.report);
  EXPECT_EQ(extension["exit_code"].i64(), 0);
  const long peak_kb = extension["peak_rss_kb"].i64();
  // Measured against an unreachable upstream: +4.5 MB over the baseline with this 1 MiB outbox (one
  // Telemetry API batch decoded and encoded, the outbox), +14.4 MB holding the whole flood (64 MiB outbox).
  EXPECT_LE(peak_kb, baseline_kb + 8 * 1024) << "baseline " << baseline_kb << " kB";

  const auto log = relay_log(run.report);
  const auto summaries = summary_lines(log);
  ASSERT_EQ(summaries.size(), 1U) << joined(log);
  // What the upstream cannot take in time is dropped and counted: refused when the outbox is full, or
  // unconfirmed when the flush cap cut a request after it was written (not sent again: no duplicates).
  EXPECT_GT(count_before(summaries[0], "refused (full)").value_or(0) + count_before(summaries[0], "unconfirmed").value_or(0),
            0L)
      << summaries[0];
  // What lambda-relay counts as sent or unconfirmed (cut at the flush cap after being written in full,
  // never sent again) is what the upstream took (one more if lambda-relay left while waiting for the
  // answer to its last request).
  const auto sent = count_before(summaries[0], "sent").value_or(-1) +
                    count_before(summaries[0], "unconfirmed").value_or(-1);
  const auto taken = static_cast<long>(upstream.state().accepted);
  EXPECT_TRUE(taken == sent || taken == sent + 1) << summaries[0] << "; the upstream took " << taken;
  const auto t = tally(run.report, flood.lines, collect(upstream.accepted()));
  EXPECT_EQ(t.duplicated, 0U);
}

}  // namespace
}  // namespace lambda_relay::testing
