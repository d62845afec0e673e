// Issue 6 end to end: the real lambda-emulator runs the real lambda-relay with SENTRY_DSN, an OTLP
// endpoint and a JSON batch URL pointed at local sinks, while the simulated function (or a command
// runtime) fails in every way only the platform sees. The sinks must hold exactly one Sentry event per
// failure (none for normal invokes or for an error the function reported itself), OTLP metrics, spans
// and log records that add up to the scenario, and no secret the function logged, unmasked.
//
// Each emulator run is shared by the tests of its fixture (one run per scenario, kept short).
#include "emulator_run.hpp"
#include "http_sink.hpp"
#include "otlp_wire.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lambda_relay::testing {
namespace {

constexpr std::string_view kFunction = "scenario-fn";
constexpr std::string_view kEnvironment = "scenario-env";
constexpr std::string_view kRelease = "scenario-fn@1.2.3";
constexpr std::string_view kSentryKey = "scenariokey";
constexpr std::string_view kArn = "arn:aws:lambda:us-east-1:123456789012:function:scenario-fn";

// What the function logs: an AWS secret access key and a bearer token, as they show up in real logs.
constexpr std::string_view kSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSCENARIOKEY";
constexpr std::string_view kBearerToken = "tok_live_4f1c2d3e4f5a6b7c8d9e";
std::string secret_line() {
  return "connecting with aws_secret_access_key=" + std::string(kSecretKey) + " and Authorization: Bearer " +
         std::string(kBearerToken);
}
// ...as it must arrive anywhere: each secret masked once, the rest as it was.
constexpr std::string_view kMaskedLine =
    "connecting with aws_secret_access_key=[Filtered] and Authorization: Bearer [Filtered]";

// The masked line, and not followed by anything a second masking would leave ("[Filtered]]").
bool has_masked_line(std::string_view text) {
  const auto at = text.find(kMaskedLine);
  if (at == std::string_view::npos) return false;
  const auto after = text.substr(at + kMaskedLine.size(), 1);
  return after != "]" && after != "[";
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

// ---- the run ------------------------------------------------------------------------------------

struct Upstreams {
  HttpSink sentry;
  HttpSink otlp;
  HttpSink batch;

  [[nodiscard]] std::string dsn() const { return "http://" + std::string(kSentryKey) + "@" + sentry.url("").substr(7) + "/42"; }
  // lambda-relay's variables for these upstreams. No relay ports unless a scenario needs the relay:
  // failure events go to SENTRY_DSN whether the relay runs or not.
  [[nodiscard]] std::vector<std::string> environment(const std::string& ingest_ports) const {
    return {"SENTRY_DSN=" + dsn(),
            "SENTRY_ENVIRONMENT=" + std::string(kEnvironment),
            "SENTRY_RELEASE=" + std::string(kRelease),
            "OTEL_EXPORTER_OTLP_ENDPOINT=" + otlp.url("/otlp"),
            "LAMBDA_RELAY_BATCH_URL=" + batch.url("/batch"),
            "LAMBDA_RELAY_INGEST_PORTS=" + ingest_ports};
  }
  // Every request body any upstream received.
  [[nodiscard]] std::vector<std::string> all_bodies() const {
    std::vector<std::string> out;
    for (const auto* sink : {&sentry, &otlp, &batch}) {
      const auto bodies = sink->bodies();
      out.insert(out.end(), bodies.begin(), bodies.end());
    }
    return out;
  }
};

// The emulator with lambda-relay as its one extension, `args` and --env for every upstream variable.
void run_scenario(const Upstreams& upstreams, const std::vector<std::string>& args, EmulatorRun& run,
                  const std::vector<std::string>& extra_env = {}, const std::string& ingest_ports = "") {
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  std::vector<std::string> all{"--extensions-dir", extensions.path().string(), "--quiet", "--function-name",
                               std::string(kFunction)};
  for (const auto& e : upstreams.environment(ingest_ports)) all.insert(all.end(), {"--env", e});
  for (const auto& e : extra_env) all.insert(all.end(), {"--env", e});
  all.insert(all.end(), args.begin(), args.end());
  run_emulator(all, run);
}

// One invocation as the platform reported it.
struct Invocation {
  std::string request_id;
  std::string status;
  std::string error_type;
  std::string trace_id;   // from the X-Ray header's Root, 32 hex
  std::string parent_id;  // its Parent
  bool suppressed_init = false;
};

std::string xray_field(std::string_view header, std::string_view key) {
  const auto at = header.find(std::string(key) + "=");
  if (at == std::string_view::npos) return {};
  const auto start = at + key.size() + 1;
  return std::string(header.substr(start, header.find(';', start) - start));
}

std::vector<Invocation> invocations(const Json& report) {
  std::map<std::string, std::string> xray;  // request id → X-Ray header (platform.start)
  for (const auto& e : report["platform_events"].items()) {
    if (e["type"].str() != "platform.start") continue;
    xray[std::string(e["record"]["requestId"].str())] = std::string(e["record"]["tracing"]["value"].str());
  }
  std::vector<Invocation> out;
  for (const auto& i : report["invokes"].items()) {
    Invocation inv;
    inv.request_id = std::string(i["request_id"].str());
    inv.status = std::string(i["status"].str());
    if (!i["error_type"].is_null()) inv.error_type = std::string(i["error_type"].str());
    const auto root = xray_field(xray[inv.request_id], "Root");  // 1-<8 hex>-<24 hex>
    if (root.size() == 35) inv.trace_id = root.substr(2, 8) + root.substr(11);
    inv.parent_id = xray_field(xray[inv.request_id], "Parent");
    inv.suppressed_init = i["suppressed_init"].boolean();
    out.push_back(std::move(inv));
  }
  return out;
}

std::string log_stream(const Json& report) {
  for (const auto& e : report["platform_events"].items()) {
    if (e["type"].str() == "platform.initStart") return std::string(e["record"]["instanceId"].str());
  }
  return {};
}

// The function's log lines as the platform emitted them (text, or the JSON object's text).
std::vector<std::string> function_lines(const Json& report) {
  std::vector<std::string> out;
  for (const auto& e : report["platform_events"].items()) {
    if (e["type"].str() != "function") continue;
    out.emplace_back(e["record"].is_object() ? std::string(e["record"]["message"].str()) : std::string(e["record"].str()));
  }
  return out;
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

// ---- Sentry -------------------------------------------------------------------------------------

// One envelope as the Sentry sink received it: header, item header and event, each parsed.
struct SentryEnvelope {
  std::string target;
  std::string auth;
  std::string body;
  std::size_t event_bytes = 0;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;
  Json header;
  Json item;
  Json event;
};

Json parse_into(SentryEnvelope& envelope, std::string_view text, const std::string& what) {
  auto& parser = envelope.parsers.emplace_back(std::make_unique<simdjson::dom::parser>());
  simdjson::dom::element element;
  if (parser->parse(text.data(), text.size()).get(element)) {
    throw std::runtime_error("the envelope's " + what + " is not JSON: " + std::string(text));
  }
  return Json(element, what);
}

std::vector<std::unique_ptr<SentryEnvelope>> sentry_envelopes(const HttpSink& sink) {
  const auto bodies = sink.bodies();
  const auto headers = sink.headers();
  const auto targets = sink.targets();
  std::vector<std::unique_ptr<SentryEnvelope>> out;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto envelope = std::make_unique<SentryEnvelope>();
    envelope->body = bodies[i];
    envelope->target = targets[i];
    envelope->auth = std::string(headers[i]["X-Sentry-Auth"]);
    const std::string_view body = envelope->body;
    const auto first = body.find('\n');
    const auto second = body.find('\n', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) {
      throw std::runtime_error("not an envelope: " + envelope->body);
    }
    auto payload = body.substr(second + 1);
    if (!payload.empty() && payload.back() == '\n') payload.remove_suffix(1);
    envelope->event_bytes = payload.size();
    envelope->header = parse_into(*envelope, body.substr(0, first), "header");
    envelope->item = parse_into(*envelope, body.substr(first + 1, second - first - 1), "item");
    envelope->event = parse_into(*envelope, payload, "event");
    out.push_back(std::move(envelope));
  }
  return out;
}

const SentryEnvelope* event_for(const std::vector<std::unique_ptr<SentryEnvelope>>& envelopes,
                                std::string_view request_id) {
  for (const auto& e : envelopes) {
    const auto lambda = e->event["contexts"]["aws.lambda"];
    if (lambda.has("aws_request_id") && lambda["aws_request_id"].str() == request_id) return e.get();
  }
  return nullptr;
}

std::vector<std::string> breadcrumb_messages(const Json& event) {
  std::vector<std::string> out;
  if (!event.has("breadcrumbs")) return out;
  for (const auto& b : event["breadcrumbs"]["values"].items()) out.emplace_back(b["message"].str());
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

struct ExpectedEvent {
  std::string level;
  std::string type;
  std::string kind;
};

// What every failure event carries, whatever the failure.
void expect_common_event_shape(const SentryEnvelope& e, const ExpectedEvent& expected) {
  SCOPED_TRACE(expected.kind);
  EXPECT_EQ(e.target, "/api/42/envelope/");
  EXPECT_TRUE(e.auth.starts_with("Sentry sentry_key=" + std::string(kSentryKey) + ", sentry_version=7, sentry_client=lambda-relay/"))
      << e.auth;
  EXPECT_EQ(e.item["type"].str(), "event");
  EXPECT_EQ(static_cast<std::size_t>(e.item["length"].i64()), e.event_bytes);
  EXPECT_EQ(e.header["event_id"].str(), e.event["event_id"].str());
  EXPECT_EQ(e.event["event_id"].str().size(), 32U);

  const auto& event = e.event;
  EXPECT_EQ(event["level"].str(), expected.level);
  EXPECT_EQ(event["environment"].str(), kEnvironment);
  EXPECT_EQ(event["release"].str(), kRelease);
  const auto exception = event["exception"]["values"].at(0);
  EXPECT_EQ(exception["type"].str(), expected.type);
  EXPECT_FALSE(exception["value"].str().empty());
  EXPECT_EQ(exception["mechanism"]["type"].str(), "lambda_relay");
  EXPECT_FALSE(exception["mechanism"]["handled"].boolean());
  EXPECT_TRUE(exception["mechanism"]["synthetic"].boolean());

  const auto tags = event["tags"];
  EXPECT_EQ(tags["aws_region"].str(), "us-east-1");
  EXPECT_EQ(tags["function"].str(), kFunction);
  EXPECT_EQ(tags["errorType"].str(), expected.type);
  EXPECT_EQ(tags["failure_kind"].str(), expected.kind);

  const auto fingerprint = event["fingerprint"].items();
  ASSERT_EQ(fingerprint.size(), 3U);
  EXPECT_EQ(fingerprint[0].str(), "lambda-relay");
  EXPECT_EQ(fingerprint[1].str(), kFunction);
  EXPECT_EQ(fingerprint[2].str(), expected.kind);

  const auto lambda = event["contexts"]["aws.lambda"];
  EXPECT_EQ(lambda["function_name"].str(), kFunction);
  EXPECT_EQ(lambda["function_version"].str(), "$LATEST");
  const auto logs = event["contexts"]["aws.cloudwatch.logs"];
  EXPECT_EQ(logs["log_group"].str(), "/aws/lambda/scenario-fn");
  EXPECT_TRUE(logs["url"].str().starts_with(
      "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/%2Faws%2Flambda%2Fscenario-fn"))
      << logs["url"].str();
}

// An invocation's failure event: its request id, trace, ARN and log stream.
void expect_invocation_event(const SentryEnvelope& e, const Invocation& inv, const std::string& stream,
                             const ExpectedEvent& expected) {
  expect_common_event_shape(e, expected);
  SCOPED_TRACE(expected.kind);
  const auto contexts = e.event["contexts"];
  EXPECT_EQ(contexts["aws.lambda"]["aws_request_id"].str(), inv.request_id);
  EXPECT_EQ(contexts["aws.lambda"]["invoked_function_arn"].str(), kArn);
  EXPECT_TRUE(contexts["aws.lambda"].has("remaining_time_in_millis"));
  EXPECT_TRUE(contexts["aws.lambda"].has("execution_duration_in_millis"));
  EXPECT_EQ(contexts["aws.cloudwatch.logs"]["log_stream"].str(), stream);
  EXPECT_TRUE(contexts["aws.cloudwatch.logs"]["url"].str().ends_with("?filterPattern=\"" + inv.request_id + "\""))
      << contexts["aws.cloudwatch.logs"]["url"].str();
  EXPECT_EQ(contexts["trace"]["trace_id"].str(), inv.trace_id);
  EXPECT_EQ(contexts["trace"]["parent_span_id"].str(), inv.parent_id);
  EXPECT_EQ(contexts["trace"]["span_id"].str().size(), 16U);
  EXPECT_NE(contexts["trace"]["span_id"].str(), contexts["trace"]["parent_span_id"].str()) << "a span is not its own parent";
  EXPECT_EQ(contexts["trace"]["op"].str(), "function.aws.lambda");
}

// ---- OTLP ---------------------------------------------------------------------------------------

struct Otlp {
  std::vector<otlp_wire::LogRecord> logs;
  std::vector<otlp_wire::Span> spans;
  std::vector<otlp_wire::MetricPoint> points;
  std::size_t malformed = 0;
};

Otlp decode_otlp(const HttpSink& sink) {
  Otlp out;
  const auto bodies = sink.bodies();
  const auto targets = sink.targets();
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto append = [&out](auto decoded, auto& into) {
      if (!decoded) {
        ++out.malformed;
        return;
      }
      into.insert(into.end(), decoded->begin(), decoded->end());
    };
    if (targets[i] == "/otlp/v1/logs") append(otlp_wire::decode_logs(bodies[i]), out.logs);
    else if (targets[i] == "/otlp/v1/traces") append(otlp_wire::decode_traces(bodies[i]), out.spans);
    else if (targets[i] == "/otlp/v1/metrics") append(otlp_wire::decode_metrics(bodies[i]), out.points);
    else ++out.malformed;
  }
  return out;
}

// A cumulative counter summed over lambda-relay's processes (each reset starts a new one, with its own
// start time): the last value each process sent.
std::int64_t counter_total(const Otlp& otlp, std::string_view name) {
  std::map<std::uint64_t, const otlp_wire::MetricPoint*> last;  // by start time
  for (const auto& p : otlp.points) {
    if (p.name != name || p.histogram) continue;
    auto& slot = last[p.start_unix_nano];
    if (slot == nullptr || p.time_unix_nano >= slot->time_unix_nano) slot = &p;
  }
  std::int64_t total = 0;
  for (const auto& [start, point] : last) total += point->value;
  return total;
}

// A cumulative histogram's count over the processes, and the largest value recorded.
std::pair<std::uint64_t, double> histogram_total(const Otlp& otlp, std::string_view name) {
  std::map<std::uint64_t, const otlp_wire::MetricPoint*> last;
  for (const auto& p : otlp.points) {
    if (p.name != name || !p.histogram) continue;
    auto& slot = last[p.start_unix_nano];
    if (slot == nullptr || p.time_unix_nano >= slot->time_unix_nano) slot = &p;
  }
  std::uint64_t count = 0;
  double max = 0;
  for (const auto& [start, point] : last) {
    count += point->count;
    max = std::max(max, point->max);
  }
  return {count, max};
}

std::vector<const otlp_wire::Span*> invocation_spans(const Otlp& otlp) {
  std::vector<const otlp_wire::Span*> out;
  for (const auto& s : otlp.spans) {
    if (s.kind == 2) out.push_back(&s);  // SERVER
  }
  return out;
}

std::vector<const otlp_wire::Span*> init_spans(const Otlp& otlp) {
  std::vector<const otlp_wire::Span*> out;
  for (const auto& s : otlp.spans) {
    if (s.name == "init " + std::string(kFunction)) out.push_back(&s);
  }
  return out;
}

std::string attribute(const otlp_wire::Attributes& attributes, std::string_view key) {
  const auto it = attributes.find(key);
  return it == attributes.end() ? std::string() : it->second;
}

// ---- JSON batches -------------------------------------------------------------------------------

// The `function` records of every batch, as text (a JSON object record as its raw JSON).
std::vector<std::string> batch_function_records(const HttpSink& sink, std::size_t& malformed) {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  for (const auto& body : sink.bodies()) {
    simdjson::dom::array events;
    if (parser.parse(body).get_array().get(events)) {
      ++malformed;
      continue;
    }
    for (auto event : events) {
      std::string_view type;
      if (event["type"].get_string().get(type) || type != "function") continue;
      simdjson::dom::element record;
      if (event["record"].get(record)) continue;
      std::string_view text;
      out.push_back(record.get_string().get(text) ? simdjson::minify(record) : std::string(text));
    }
  }
  return out;
}

void expect_no_raw_secret_anywhere(const Upstreams& upstreams) {
  std::size_t bodies = 0;
  for (const auto& body : upstreams.all_bodies()) {
    ++bodies;
    EXPECT_FALSE(contains(body, kSecretKey)) << "the AWS secret key reached an upstream unmasked:\n" << body;
    EXPECT_FALSE(contains(body, kBearerToken)) << "the bearer token reached an upstream unmasked:\n" << body;
  }
  EXPECT_GT(bodies, 0U);
}

// =================================================================================================
// Invocation failures: one sandbox through a normal cold start and invokes, a function error (its own
// SDK's business), a timeout, an out-of-memory kill, a crash, a platform fault and a normal invoke
// after them. The failures reset the sandbox: lambda-relay runs as five processes one after another.

enum Step { kCold, kSecretOk, kFunctionError, kTimeout, kOom, kCrash, kPlatform, kAfter, kSteps };

std::vector<std::string> invocation_failure_payloads() {
  const auto secret = secret_line();
  return {
      R"({"action":"ok","log_lines":2})",
      R"({"action":"ok","log_lines":1,"log":")" + secret + R"("})",
      R"({"action":"error","log_lines":1})",
      R"({"action":"timeout","log_lines":2})",
      R"({"action":"oom","log_lines":1})",
      R"({"action":"crash","log_lines":2,"log":")" + secret + R"("})",
      R"({"action":"platform_failure","duration_ms":20,"log_lines":1})",
      R"({"action":"ok","log_lines":1})",
  };
}

class InvocationFailures : public ::testing::Test {
 protected:
  struct Shared {
    Upstreams upstreams;
    EmulatorRun run;
    std::vector<Invocation> invokes;
    std::vector<std::unique_ptr<SentryEnvelope>> events;
    Otlp otlp;
  };

  static void SetUpTestSuite() {
    shared_ = std::make_unique<Shared>();
    std::vector<std::string> args{"--timeout-ms", "2000", "--memory", "320", "--idle-ms", "10"};
    for (const auto& p : invocation_failure_payloads()) args.insert(args.end(), {"--invoke", p});
    // Flushing at the end of every invocation (adaptive would switch to flushing at the start after
    // three quick invokes): the timeout then meets lambda-relay holding the invocation to the deadline.
    run_scenario(shared_->upstreams, args, shared_->run, {"LAMBDA_RELAY_FLUSH=end"});
    shared_->invokes = invocations(shared_->run.report);
    shared_->events = sentry_envelopes(shared_->upstreams.sentry);
    shared_->otlp = decode_otlp(shared_->upstreams.otlp);
  }
  static void TearDownTestSuite() { shared_.reset(); }
  void SetUp() override {
    ASSERT_EQ(shared_->run.exit_code, 0) << shared_->run.output;
    ASSERT_EQ(shared_->invokes.size(), static_cast<std::size_t>(kSteps)) << shared_->run.output;
  }

  static const Invocation& invoke(Step step) { return shared_->invokes[static_cast<std::size_t>(step)]; }

  static std::unique_ptr<Shared> shared_;  // one emulator run for the suite
};

std::unique_ptr<InvocationFailures::Shared> InvocationFailures::shared_;

TEST_F(InvocationFailures, TheEmulatorPlayedTheScenario) {
  const auto& run = shared_->run;
  EXPECT_EQ(invoke(kCold).status, "success");
  EXPECT_EQ(invoke(kFunctionError).error_type, "SimulatedError");
  EXPECT_EQ(invoke(kTimeout).status, "timeout");
  EXPECT_EQ(invoke(kOom).error_type, "Runtime.OutOfMemory");
  EXPECT_EQ(invoke(kCrash).error_type, "Runtime.ExitError");
  EXPECT_EQ(invoke(kPlatform).status, "failure");
  EXPECT_EQ(invoke(kPlatform).error_type, "Sandbox.Failure");
  EXPECT_EQ(invoke(kAfter).status, "success");
  EXPECT_EQ(check_event_order(platform_events(run.report)), "");
  EXPECT_TRUE(run.report["violations"].items().empty()) << run.output;
  std::vector<std::string> reasons;
  for (const auto& e : run.report["extensions"].items()) reasons.emplace_back(e["shutdown_reason"].str());
  EXPECT_EQ(reasons, (std::vector<std::string>{"timeout", "failure", "failure", "failure", "spindown"}));
}

// A timed-out invocation leaves lambda-relay no time to send before its deadline; the reset's SHUTDOWN
// follows at once. A request started then would be cut and, to an upstream that does not de-duplicate,
// never sent again ("unconfirmed"): nothing may be started.
TEST_F(InvocationFailures, NoRequestIsCutWhenAnInvocationTimesOut) {
  const auto log = relay_log(shared_->run.report);
  std::size_t accounting = 0;
  for (const auto& line : log) {
    EXPECT_FALSE(contains(line, "were cut at the flush timeout")) << line;
    if (!contains(line, "] INFO delivery ")) continue;
    ++accounting;
    EXPECT_TRUE(contains(line, " 0 unconfirmed (0 items),")) << line;
  }
  EXPECT_EQ(accounting, 5U * 5U) << "five upstreams in each of the five lambda-relay processes\n" << joined(log);
}

TEST_F(InvocationFailures, ExactlyOneSentryEventPerPlatformFailureAndNoneForNormalInvokesOrTheFunctionsOwnError) {
  const auto& events = shared_->events;
  std::vector<std::string> ids;
  for (const auto& e : events) ids.emplace_back(e->event["contexts"]["aws.lambda"]["aws_request_id"].str());
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected{invoke(kTimeout).request_id, invoke(kOom).request_id, invoke(kCrash).request_id,
                                    invoke(kPlatform).request_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected) << events.size() << " events\n" << shared_->run.output;
}

TEST_F(InvocationFailures, TimeoutEventIsAnErrorWithTheTaskTimedOutMessage) {
  const auto* e = event_for(shared_->events, invoke(kTimeout).request_id);
  ASSERT_NE(e, nullptr);
  expect_invocation_event(*e, invoke(kTimeout), log_stream(shared_->run.report), {"error", "Sandbox.Timedout", "timeout"});
  EXPECT_TRUE(e->event["exception"]["values"].at(0)["value"].str().starts_with("Task timed out after "))
      << e->event["exception"]["values"].at(0)["value"].str();
  EXPECT_EQ(e->event["contexts"]["aws.lambda"]["remaining_time_in_millis"].i64(), 0);
  EXPECT_EQ(e->event["contexts"]["trace"]["status"].str(), "deadline_exceeded");
  const auto crumbs = breadcrumb_messages(e->event);
  EXPECT_TRUE(std::any_of(crumbs.begin(), crumbs.end(), [](const auto& m) { return contains(m, "simulated work 2 of 2 (timeout)"); }))
      << joined(crumbs);
}

TEST_F(InvocationFailures, OutOfMemoryEventIsFatalWithTheMemoryFigures) {
  const auto* e = event_for(shared_->events, invoke(kOom).request_id);
  ASSERT_NE(e, nullptr);
  expect_invocation_event(*e, invoke(kOom), log_stream(shared_->run.report), {"fatal", "Runtime.OutOfMemory", "out_of_memory"});
  EXPECT_EQ(e->event["exception"]["values"].at(0)["value"].str(), "Function ran out of memory (max used 320 MB of 320 MB)");
  EXPECT_EQ(e->event["contexts"]["lambda_relay"]["memory_size_mb"].i64(), 320);
  EXPECT_EQ(e->event["contexts"]["trace"]["status"].str(), "resource_exhausted");
}

TEST_F(InvocationFailures, CrashEventIsFatalWithTheLogTailMaskedAsBreadcrumbs) {
  const auto* e = event_for(shared_->events, invoke(kCrash).request_id);
  ASSERT_NE(e, nullptr);
  expect_invocation_event(*e, invoke(kCrash), log_stream(shared_->run.report), {"fatal", "Runtime.ExitError", "crash"});
  const auto crumbs = breadcrumb_messages(e->event);
  const auto secret = std::find_if(crumbs.begin(), crumbs.end(), [](const auto& m) { return contains(m, "connecting with"); });
  ASSERT_NE(secret, crumbs.end()) << joined(crumbs);
  EXPECT_TRUE(has_masked_line(*secret)) << *secret;
  EXPECT_TRUE(std::any_of(crumbs.begin(), crumbs.end(), [](const auto& m) { return contains(m, "simulated work 2 of 2 (crash)"); }))
      << joined(crumbs);
}

TEST_F(InvocationFailures, PlatformFailureEventIsAnErrorTaggedAsThePlatforms) {
  const auto* e = event_for(shared_->events, invoke(kPlatform).request_id);
  ASSERT_NE(e, nullptr);
  expect_invocation_event(*e, invoke(kPlatform), log_stream(shared_->run.report),
                          {"error", "Sandbox.Failure", "platform_failure"});
  EXPECT_EQ(e->event["exception"]["values"].at(0)["value"].str(), "Lambda platform failure (Sandbox.Failure, status failure)");
  EXPECT_EQ(e->event["tags"]["lambda_platform_failure"].str(), "true");
}

TEST_F(InvocationFailures, FaasMetricsCountTheScenarioAcrossTheResets) {
  const auto& otlp = shared_->otlp;
  EXPECT_EQ(otlp.malformed, 0U);
  EXPECT_EQ(counter_total(otlp, "faas.invocations"), 3) << "the three successful invokes";
  EXPECT_EQ(counter_total(otlp, "faas.errors"), 4) << "function error, OOM, crash, platform failure";
  EXPECT_EQ(counter_total(otlp, "faas.timeouts"), 1);
  EXPECT_EQ(counter_total(otlp, "faas.coldstarts"), 1) << "the suppressed inits after resets are not cold starts";
  EXPECT_EQ(histogram_total(otlp, "faas.invoke_duration").first, static_cast<std::uint64_t>(kSteps));
  const auto [memory_reports, memory_max] = histogram_total(otlp, "faas.mem_usage");
  EXPECT_EQ(memory_reports, static_cast<std::uint64_t>(kSteps));
  EXPECT_EQ(memory_max, 320.0 * 1048576) << "the OOM report's maxMemoryUsedMB, in bytes";
  EXPECT_EQ(histogram_total(otlp, "faas.init_duration").first, 5U) << "the cold start and four suppressed inits";
}

TEST_F(InvocationFailures, OneServerSpanPerInvocationWithErrorStatusAndTypeOnFailures) {
  const auto spans = invocation_spans(shared_->otlp);
  std::map<std::string, const otlp_wire::Span*> by_request;
  for (const auto* s : spans) by_request[attribute(s->attributes, "faas.invocation_id")] = s;
  EXPECT_EQ(spans.size(), static_cast<std::size_t>(kSteps));
  const std::map<Step, std::string> error_types{{kFunctionError, "SimulatedError"}, {kTimeout, "timeout"},
                                                {kOom, "Runtime.OutOfMemory"},        {kCrash, "Runtime.ExitError"},
                                                {kPlatform, "Sandbox.Failure"}};
  for (int step = 0; step < kSteps; ++step) {
    const auto& inv = invoke(static_cast<Step>(step));
    SCOPED_TRACE("invoke " + std::to_string(step) + " " + inv.request_id);
    const auto it = by_request.find(inv.request_id);
    ASSERT_NE(it, by_request.end());
    const auto& span = *it->second;
    EXPECT_EQ(span.name, kFunction);
    EXPECT_EQ(span.trace_id, inv.trace_id);
    EXPECT_EQ(span.parent_span_id, inv.parent_id);
    const auto expected = error_types.find(static_cast<Step>(step));
    if (expected == error_types.end()) {
      EXPECT_NE(span.status_code, 2);
      EXPECT_EQ(attribute(span.attributes, "error.type"), "");
    } else {
      EXPECT_EQ(span.status_code, 2) << "ERROR";
      EXPECT_EQ(attribute(span.attributes, "error.type"), expected->second);
    }
    // The first invocation after every Init is a cold one, the suppressed inits after resets included
    // (faas.coldstarts counts only the on-demand Init: upstream-protocols.md §5).
    EXPECT_EQ(attribute(span.attributes, "faas.coldstart"), step == kCold || inv.suppressed_init ? "true" : "false");
  }
  EXPECT_EQ(init_spans(shared_->otlp).size(), 5U);
}

TEST_F(InvocationFailures, EveryFunctionLineIsOneOtlpLogRecordOfItsInvocation) {
  const auto& otlp = shared_->otlp;
  std::multiset<std::string> emitted;
  for (const auto& line : function_lines(shared_->run.report)) emitted.insert(line);
  std::multiset<std::string> exported;
  for (const auto& r : otlp.logs) {
    if (attribute(r.attributes, "type") == "function") exported.insert(r.body);
  }
  // The secret line is exported masked; everything else as it was logged.
  const auto secret = secret_line();
  std::multiset<std::string> expected;
  for (const auto& line : emitted) expected.insert(contains(line, secret) ? std::string() : line);
  std::multiset<std::string> got;
  for (const auto& line : exported) got.insert(contains(line, "connecting with") ? std::string() : line);
  EXPECT_EQ(got, expected);

  std::size_t reports = 0;
  for (const auto& r : otlp.logs) reports += attribute(r.attributes, "type") == "platform.report" ? 1U : 0U;
  EXPECT_EQ(reports, static_cast<std::size_t>(kSteps));

  // The work lines carry their invocation's id and trace.
  for (const auto step : {kCold, kTimeout, kCrash}) {
    const auto& inv = invoke(step);
    const auto it = std::find_if(otlp.logs.begin(), otlp.logs.end(), [&](const auto& r) {
      return contains(r.body, inv.request_id) && contains(r.body, "simulated work 1 of");
    });
    ASSERT_NE(it, otlp.logs.end()) << inv.request_id;
    EXPECT_EQ(attribute(it->attributes, "faas.invocation_id"), inv.request_id);
    EXPECT_EQ(it->trace_id, inv.trace_id);
  }
}

TEST_F(InvocationFailures, TheSecretLineArrivesMaskedAtTheBatchSinkAndInOtlpLogs) {
  std::size_t malformed = 0;
  const auto records = batch_function_records(shared_->upstreams.batch, malformed);
  EXPECT_EQ(malformed, 0U);
  std::vector<std::string> masked;
  std::copy_if(records.begin(), records.end(), std::back_inserter(masked),
               [](const auto& r) { return contains(r, "connecting with"); });
  ASSERT_EQ(masked.size(), 2U) << "the secret line of the normal invoke and of the crash";
  for (const auto& r : masked) EXPECT_TRUE(has_masked_line(r)) << r;
  std::size_t otlp_masked = 0;
  for (const auto& r : shared_->otlp.logs) {
    if (!contains(r.body, "connecting with")) continue;
    ++otlp_masked;
    EXPECT_TRUE(has_masked_line(r.body)) << r.body;
  }
  EXPECT_EQ(otlp_masked, 2U);
  expect_no_raw_secret_anywhere(shared_->upstreams);
}

// =================================================================================================
// Init failures: a handler that cannot be found (the cold start and the suppressed init that repeats
// it inside the next invoke), and a runtime that crashes during Init after logging a secret (JSON log
// format, so the line is a structured record).

TEST(InitFailures, AnInvalidHandlerIsOneFatalEventPerInitAttemptAndCountsAsErrors) {
  Upstreams upstreams;
  EmulatorRun run;
  run_scenario(upstreams, {"--init-error", "Runtime.HandlerNotFound", "--invoke", R"({"action":"ok"})"}, run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.report["init"].items().size(), 2U) << run.output;

  const auto events = sentry_envelopes(upstreams.sentry);
  ASSERT_EQ(events.size(), 2U) << run.output;
  std::set<std::string> phases;
  for (const auto& e : events) {
    expect_common_event_shape(*e, {"fatal", "Runtime.HandlerNotFound", "invalid_handler"});
    phases.insert(std::string(e->event["tags"]["init_phase"].str()));
    EXPECT_EQ(e->event["contexts"]["aws.cloudwatch.logs"]["log_stream"].str(), log_stream(run.report));
    const auto crumbs = breadcrumb_messages(e->event);
    EXPECT_TRUE(std::any_of(crumbs.begin(), crumbs.end(), [](const auto& m) { return contains(m, "simulated function initialising"); }))
        << joined(crumbs);
  }
  EXPECT_EQ(phases, (std::set<std::string>{"init", "invoke"}));

  const auto otlp = decode_otlp(upstreams.otlp);
  EXPECT_EQ(otlp.malformed, 0U);
  EXPECT_EQ(counter_total(otlp, "faas.coldstarts"), 1);
  EXPECT_EQ(counter_total(otlp, "faas.errors"), 2);
  EXPECT_EQ(counter_total(otlp, "faas.invocations"), 0);
  const auto inits = init_spans(otlp);
  ASSERT_EQ(inits.size(), 2U);
  for (const auto* span : inits) {
    EXPECT_EQ(span->status_code, 2);
    EXPECT_EQ(attribute(span->attributes, "error.type"), "Runtime.HandlerNotFound");
  }
}

TEST(InitFailures, ARuntimeCrashingInInitIsAFatalInitErrorWithItsLastWordsMasked) {
  Upstreams upstreams;
  EmulatorRun run;
  // A command runtime that logs a JSON record with the secret and exits during Init.
  const std::string record = R"({"timestamp":"2025-06-10T14:03:11.000Z","level":"ERROR","message":")" + secret_line() +
                             R"(","errorType":"Error"})";
  run_scenario(upstreams,
               {"--log-format", "json", "--runtime-cmd", "/bin/sh -c 'echo \"$0\"; exit 3' '" + record + "'",
                "--invoke", R"({"action":"ok"})"},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto events = sentry_envelopes(upstreams.sentry);
  ASSERT_EQ(events.size(), 2U) << "the cold start and the suppressed init\n" << run.output;
  for (const auto& e : events) {
    expect_common_event_shape(*e, {"fatal", "Runtime.ExitError", "init_error"});
    const auto crumbs = breadcrumb_messages(e->event);
    ASSERT_EQ(crumbs.size(), 1U) << joined(crumbs);
    EXPECT_TRUE(has_masked_line(crumbs[0])) << crumbs[0];
    EXPECT_EQ(e->event["breadcrumbs"]["values"].at(0)["level"].str(), "error");
  }
  std::size_t malformed = 0;
  const auto records = batch_function_records(upstreams.batch, malformed);
  EXPECT_EQ(malformed, 0U);
  ASSERT_EQ(records.size(), 2U);
  for (const auto& r : records) {
    EXPECT_TRUE(has_masked_line(r)) << r;
    EXPECT_TRUE(r.starts_with("{")) << "the structured record stays an object: " << r;
  }
  const auto otlp = decode_otlp(upstreams.otlp);
  std::size_t function_records = 0;
  for (const auto& r : otlp.logs) {
    if (attribute(r.attributes, "type") != "function") continue;
    ++function_records;
    EXPECT_EQ(r.body, kMaskedLine) << "the message of the structured record";
    EXPECT_EQ(r.severity_text, "ERROR");
  }
  EXPECT_EQ(function_records, 2U);
  expect_no_raw_secret_anywhere(upstreams);
}

// =================================================================================================
// The relay: an envelope the function's SDK posts carries a secret in `extra` and the user's IP.

TEST(RelayedEnvelope, ArrivesAtSentryWithTheSecretMaskedAndTheUserIpRemoved) {
  Upstreams upstreams;
  EmulatorRun run;
  const auto port = std::to_string(free_port());
  const std::string fields = R"("extra":{"connection":")" + secret_line() + R"(","api_key":"k-)" + std::string(kBearerToken) +
                             R"("},"user":{"id":"u-17","ip_address":"203.0.113.7"})";
  run_scenario(upstreams, {"--runtime-cmd", RELAY_POSTING_RUNTIME_PATH, "--invokes", "2"}, run,
               {"RELAY_PORT=" + port, "RELAY_EVENT_FIELDS=" + fields}, port);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const auto& invoke : run.report["invokes"].items()) {
    EXPECT_EQ(invoke["response"].str(), "{\"relay_status\":200}");
  }
  const auto events = sentry_envelopes(upstreams.sentry);
  ASSERT_EQ(events.size(), 2U) << run.output;
  for (const auto& e : events) {
    EXPECT_TRUE(e->event["message"].str().starts_with("invocation "));
    EXPECT_EQ(e->event["extra"]["connection"].str(), kMaskedLine);
    EXPECT_EQ(e->event["extra"]["api_key"].str(), "[Filtered]");
    EXPECT_EQ(e->event["user"]["id"].str(), "u-17");
    EXPECT_FALSE(e->event["user"].has("ip_address")) << e->body;
    EXPECT_FALSE(contains(e->body, "203.0.113.7")) << e->body;
  }
  expect_no_raw_secret_anywhere(upstreams);
}

}  // namespace
}  // namespace lambda_relay::testing
