// The Sentry error event built for a platform-detected failure, checked field by field, and its
// envelope's framing.
#include "export/sentry/event_builder.hpp"
#include "export/sentry/failure_exporter.hpp"

#include <simdjson.h>

#include <gtest/gtest.h>

#include <chrono>

namespace lambda_relay::exporters::sentry {
namespace {

using insight::Failure;
using insight::FailureKind;
using namespace std::chrono_literals;

config::FunctionEnvironment orders_api() {
  config::FunctionEnvironment facts;
  facts.function_name = "orders-api";
  facts.function_version = "$LATEST";
  facts.region = "us-east-1";
  facts.memory_size_mb = 128;
  return facts;  // no log group or stream: extensions do not get them
}

telemetry::Timestamp at_ms(std::int64_t ms) { return telemetry::Timestamp(std::chrono::milliseconds(ms)); }

Failure timeout() {
  Failure f;
  f.kind = FailureKind::timeout;
  f.phase = insight::FailurePhase::invoke;
  f.error_type = "Sandbox.Timedout";
  f.status = "timeout";
  f.detected_by = "platform.runtimeDone+platform.report";
  f.time = at_ms(1749564245311);
  f.started = at_ms(1749564242310);
  f.request_id = "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e";
  f.xray_header = "Root=1-684839d2-0f1e2d3c4b5a69788796a5b4;Parent=9e8d7c6b5a4f3e2d;Sampled=1";
  f.trace_id = "684839d20f1e2d3c4b5a69788796a5b4";
  f.parent_span_id = "9e8d7c6b5a4f3e2d";
  f.span_id = "c3d4e5f60718293a";
  f.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live";
  f.function_version = "$LATEST";
  f.duration = telemetry::Milliseconds(3000.52);
  f.billed_duration_ms = 3001;
  f.memory_size_mb = 128;
  f.max_memory_used_mb = 61;
  f.initialization_type = "on-demand";
  f.init_phase = "init";
  f.runtime_version = "python:3.12.v48";
  f.function_name = "orders-api";
  f.log_stream = "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4";
  f.log_tail = {{at_ms(1749564242312), "[INFO]\tGET /orders/report?range=365d", std::string("INFO")},
                {at_ms(1749564243000), "[WARNING]\tslow query, password=hunter2", std::string("WARN2")}};
  return f;
}

struct Parsed {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  explicit Parsed(const std::string& json) {
    EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  }
  std::string str(const char* pointer) {
    std::string_view v;
    if (doc.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return "<absent>";
    return std::string(v);
  }
  double num(const char* pointer) {
    double v = -1;
    if (doc.at_pointer(pointer).get_double().get(v) != simdjson::SUCCESS) {
      std::int64_t i = -1;
      if (doc.at_pointer(pointer).get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
    }
    return v;
  }
  bool boolean(const char* pointer) {
    bool v = false;
    EXPECT_EQ(doc.at_pointer(pointer).get_bool().get(v), simdjson::SUCCESS) << pointer;
    return v;
  }
  bool has(const char* pointer) {
    simdjson::dom::element e;
    return doc.at_pointer(pointer).get(e) == simdjson::SUCCESS;
  }
  std::size_t size(const char* pointer) {
    simdjson::dom::array a;
    if (doc.at_pointer(pointer).get_array().get(a) != simdjson::SUCCESS) return 0;
    return a.size();
  }
};

TEST(SentryEvent, TimeoutEventCarriesEveryFieldInTheSdksShape) {
  const insight::Redactor redactor;
  EventOptions options{.dsn = "", .environment = "staging", .release = std::string("orders-api@1.8.2"),
                       .redactor = &redactor};
  Parsed e(build_event(timeout(), orders_api(), options, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(e.str("/event_id"), "0123456789abcdef0123456789abcdef");
  EXPECT_DOUBLE_EQ(e.num("/timestamp"), 1749564245.311);
  EXPECT_EQ(e.str("/platform"), "python");
  EXPECT_EQ(e.str("/level"), "error");
  EXPECT_EQ(e.str("/logger"), "lambda-relay");
  EXPECT_EQ(e.str("/transaction"), "orders-api");
  EXPECT_EQ(e.str("/environment"), "staging");
  EXPECT_EQ(e.str("/release"), "orders-api@1.8.2");

  EXPECT_EQ(e.size("/exception/values"), 1U);
  EXPECT_EQ(e.str("/exception/values/0/type"), "Sandbox.Timedout");
  EXPECT_EQ(e.str("/exception/values/0/value"), "Task timed out after 3.00 seconds");
  EXPECT_EQ(e.str("/exception/values/0/mechanism/type"), "lambda_relay");
  EXPECT_FALSE(e.boolean("/exception/values/0/mechanism/handled"));
  EXPECT_TRUE(e.boolean("/exception/values/0/mechanism/synthetic"));
  EXPECT_EQ(e.str("/exception/values/0/mechanism/data/failure_kind"), "timeout");

  EXPECT_EQ(e.str("/tags/aws_region"), "us-east-1");
  EXPECT_EQ(e.str("/tags/function"), "orders-api");
  EXPECT_EQ(e.str("/tags/errorType"), "Sandbox.Timedout");
  EXPECT_EQ(e.str("/tags/failure_kind"), "timeout");
  EXPECT_FALSE(e.has("/tags/init_phase"));

  EXPECT_EQ(e.str("/contexts/trace/trace_id"), "684839d20f1e2d3c4b5a69788796a5b4");
  EXPECT_EQ(e.str("/contexts/trace/span_id"), "c3d4e5f60718293a");
  EXPECT_EQ(e.str("/contexts/trace/parent_span_id"), "9e8d7c6b5a4f3e2d");
  EXPECT_EQ(e.str("/contexts/trace/status"), "deadline_exceeded");

  EXPECT_EQ(e.str("/contexts/aws.lambda/aws_request_id"), "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e");
  EXPECT_EQ(e.str("/contexts/aws.lambda/function_name"), "orders-api");
  EXPECT_EQ(e.str("/contexts/aws.lambda/function_version"), "$LATEST");
  EXPECT_EQ(e.str("/contexts/aws.lambda/invoked_function_arn"),
            "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live");
  EXPECT_DOUBLE_EQ(e.num("/contexts/aws.lambda/execution_duration_in_millis"), 3000.52);
  EXPECT_DOUBLE_EQ(e.num("/contexts/aws.lambda/remaining_time_in_millis"), 0);

  EXPECT_EQ(e.str("/contexts/aws.cloudwatch.logs/log_group"), "/aws/lambda/orders-api");
  EXPECT_EQ(e.str("/contexts/aws.cloudwatch.logs/log_stream"), "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4");
  EXPECT_EQ(e.str("/contexts/aws.cloudwatch.logs/url"),
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/"
            "%2Faws%2Flambda%2Forders-api/log-events/2025%2F06%2F10%2F%5B%24LATEST%5D3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4"
            "?filterPattern=\"f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e\"");

  EXPECT_EQ(e.str("/contexts/cloud_resource/cloud.provider"), "aws");
  EXPECT_EQ(e.str("/contexts/cloud_resource/cloud.platform"), "aws_lambda");
  EXPECT_EQ(e.str("/contexts/cloud_resource/cloud.region"), "us-east-1");
  EXPECT_EQ(e.str("/contexts/cloud_resource/cloud.account.id"), "123456789012");
  EXPECT_EQ(e.str("/contexts/runtime/name"), "python");
  EXPECT_EQ(e.str("/contexts/runtime/version"), "3.12");
  EXPECT_EQ(e.str("/contexts/lambda_relay/failure_kind"), "timeout");
  EXPECT_EQ(e.str("/contexts/lambda_relay/detected_by"), "platform.runtimeDone+platform.report");
  EXPECT_DOUBLE_EQ(e.num("/contexts/lambda_relay/max_memory_used_mb"), 61);
  EXPECT_DOUBLE_EQ(e.num("/contexts/lambda_relay/billed_duration_ms"), 3001);

  ASSERT_EQ(e.size("/breadcrumbs/values"), 2U);
  EXPECT_EQ(e.str("/breadcrumbs/values/0/message"), "[INFO]\tGET /orders/report?range=365d");
  EXPECT_EQ(e.str("/breadcrumbs/values/0/level"), "info");
  EXPECT_EQ(e.str("/breadcrumbs/values/0/category"), "function.log");
  EXPECT_DOUBLE_EQ(e.num("/breadcrumbs/values/0/timestamp"), 1749564242.312);
  EXPECT_EQ(e.str("/breadcrumbs/values/1/message"), "[WARNING]\tslow query, password=[Filtered]");
  EXPECT_EQ(e.str("/breadcrumbs/values/1/level"), "warning");

  ASSERT_EQ(e.size("/fingerprint"), 3U);
  EXPECT_EQ(e.str("/fingerprint/0"), "lambda-relay");
  EXPECT_EQ(e.str("/fingerprint/1"), "orders-api");
  EXPECT_EQ(e.str("/fingerprint/2"), "timeout");
  EXPECT_EQ(e.str("/sdk/name"), "lambda-relay");
  EXPECT_NE(e.str("/sdk/version"), "<absent>");
  EXPECT_FALSE(e.has("/user"));
  EXPECT_FALSE(e.has("/request"));
  EXPECT_FALSE(e.has("/server_name"));
}

TEST(SentryEvent, LevelsFollowTheFailureKind) {
  EXPECT_EQ(level_for(FailureKind::invalid_handler), "fatal");
  EXPECT_EQ(level_for(FailureKind::init_error), "fatal");
  EXPECT_EQ(level_for(FailureKind::init_timeout), "fatal");
  EXPECT_EQ(level_for(FailureKind::out_of_memory), "fatal");
  EXPECT_EQ(level_for(FailureKind::crash), "fatal");
  EXPECT_EQ(level_for(FailureKind::restore_error), "fatal");
  EXPECT_EQ(level_for(FailureKind::timeout), "error");
  EXPECT_EQ(level_for(FailureKind::platform_failure), "error");
  EXPECT_EQ(level_for(FailureKind::invalid_response), "error");
}

TEST(SentryEvent, ExceptionTextPerKind) {
  Failure f = timeout();
  f.kind = FailureKind::out_of_memory;
  f.error_type = "Runtime.ExitError";
  f.max_memory_used_mb = 128;
  EXPECT_EQ(exception_text(f).type, "Runtime.OutOfMemory");
  EXPECT_EQ(exception_text(f).value, "Function ran out of memory (max used 128 MB of 128 MB)");

  f.kind = FailureKind::crash;
  EXPECT_EQ(exception_text(f).type, "Runtime.ExitError");
  EXPECT_EQ(exception_text(f).value, "Runtime exited without providing a reason");
  f.error_message = "Runtime exited with error: signal: segmentation fault";
  EXPECT_EQ(exception_text(f).value, "Runtime exited with error: signal: segmentation fault");

  Failure init;
  init.kind = FailureKind::invalid_handler;
  init.phase = insight::FailurePhase::init;
  init.error_type = "Runtime.HandlerNotFound";
  init.status = "error";
  init.initialization_type = "on-demand";
  init.init_phase = "invoke";
  EXPECT_EQ(exception_text(init).value, "Lambda init failed: error (on-demand, phase invoke)");
  init.error_message = "app.handler is undefined or not exported";
  EXPECT_EQ(exception_text(init).value, "app.handler is undefined or not exported");
  init.kind = FailureKind::init_timeout;
  init.duration = telemetry::Milliseconds(10000);
  EXPECT_EQ(exception_text(init).value, "Lambda init timed out after 10.00 seconds (on-demand, phase invoke)");

  Failure platform;
  platform.kind = FailureKind::platform_failure;
  platform.error_type = "Sandbox.Failure";
  platform.status = "failure";
  EXPECT_EQ(exception_text(platform).value, "Lambda platform failure (Sandbox.Failure, status failure)");
}

TEST(SentryEvent, InitFailureHasNoRequestButInitTagsAndAFatalLevel) {
  Failure f;
  f.kind = FailureKind::invalid_handler;
  f.phase = insight::FailurePhase::init;
  f.error_type = "Runtime.ImportModuleError";
  f.status = "error";
  f.detected_by = "platform.initReport";
  f.time = at_ms(1749564191735);
  f.init_phase = "init";
  f.initialization_type = "on-demand";
  f.runtime_version = "nodejs:22.mainline.v122";
  f.log_stream = "2025/06/10/[$LATEST]3f1c";
  Parsed e(build_event(f, orders_api(), EventOptions{}, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(e.str("/level"), "fatal");
  EXPECT_EQ(e.str("/platform"), "node");
  EXPECT_EQ(e.str("/environment"), "production");
  EXPECT_FALSE(e.has("/release"));
  EXPECT_EQ(e.str("/tags/init_phase"), "init");
  EXPECT_FALSE(e.has("/contexts/trace"));
  EXPECT_FALSE(e.has("/contexts/aws.lambda/aws_request_id"));
  EXPECT_FALSE(e.has("/contexts/aws.lambda/remaining_time_in_millis"));
  EXPECT_FALSE(e.has("/contexts/aws.lambda/execution_duration_in_millis"));
  EXPECT_EQ(e.str("/contexts/aws.cloudwatch.logs/url"),
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/"
            "%2Faws%2Flambda%2Forders-api/log-events/2025%2F06%2F10%2F%5B%24LATEST%5D3f1c");
  EXPECT_FALSE(e.has("/breadcrumbs"));
  EXPECT_EQ(e.str("/fingerprint/2"), "invalid_handler");
}

TEST(SentryEvent, RemainingTimeComesFromTheInvokeDeadline) {
  Failure f = timeout();
  f.kind = FailureKind::crash;
  f.error_type = "Runtime.ExitError";
  f.status = "error";
  f.duration = telemetry::Milliseconds(1000);
  f.deadline = *f.started + std::chrono::milliseconds(3000);
  Parsed e(build_event(f, orders_api(), EventOptions{}, "0123456789abcdef0123456789abcdef"));
  EXPECT_DOUBLE_EQ(e.num("/contexts/aws.lambda/remaining_time_in_millis"), 2000);
  EXPECT_EQ(e.str("/contexts/trace/status"), "internal_error");
}

TEST(SentryEvent, DerivesASpanIdWhenTheTelemetryHadNone) {
  Failure f = timeout();
  f.span_id.reset();
  Parsed e(build_event(f, orders_api(), EventOptions{}, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(e.str("/contexts/trace/span_id"), span_id_for(*f.request_id));
  EXPECT_EQ(span_id_for(*f.request_id).size(), 16U);
  EXPECT_NE(span_id_for("a"), span_id_for("b"));
}

// The emulator's tracing.spanId repeats the X-Ray Parent: used as it is, the event's span would be
// its own parent.
TEST(SentryEvent, DerivesASpanIdWhenTheTelemetrysSpanIdIsTheParent) {
  Failure f = timeout();
  f.span_id = f.parent_span_id;
  Parsed e(build_event(f, orders_api(), EventOptions{}, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(e.str("/contexts/trace/span_id"), span_id_for(*f.request_id));
  EXPECT_EQ(e.str("/contexts/trace/parent_span_id"), *f.parent_span_id);
}

TEST(SentryEvent, PlatformFromRuntimeVersionOrExecutionEnvironment) {
  EXPECT_EQ(platform_for("python:3.12.v48", std::nullopt), "python");
  EXPECT_EQ(platform_for("java:21.v27", std::nullopt), "java");
  EXPECT_EQ(platform_for("dotnet:8.v30", std::nullopt), "csharp");
  EXPECT_EQ(platform_for("ruby:3.3.v12", std::nullopt), "ruby");
  EXPECT_EQ(platform_for("provided:al2023.v12", std::nullopt), "native");
  EXPECT_EQ(platform_for(std::nullopt, "AWS_Lambda_nodejs20.x"), "node");
  EXPECT_EQ(platform_for(std::nullopt, "AWS_Lambda_Image"), "other");
  EXPECT_EQ(platform_for(std::nullopt, std::nullopt), "other");
}

TEST(SentryEvent, CloudWatchUrlUsesThePartitionsConsole) {
  EXPECT_EQ(cloudwatch_logs_url("cn-north-1", "/aws/lambda/f", "s", std::nullopt),
            "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/"
            "%2Faws%2Flambda%2Ff/log-events/s");
  EXPECT_EQ(cloudwatch_logs_url("us-gov-west-1", "g", "", std::nullopt),
            "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#logsV2:log-groups/log-group/g");
}

TEST(SentryEnvelope, HasHeaderEventItemWithItsLengthAndTheEvent) {
  EventOptions options;
  options.dsn = "https://e3b7c1f4a9d2480e8c6f5b1a7d3e9c20@o1.ingest.sentry.io/42";
  const auto sent_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1749564246000));
  const std::string envelope =
      build_envelope(timeout(), orders_api(), options, "0123456789abcdef0123456789abcdef", sent_at);
  const auto first = envelope.find('\n');
  const auto second = envelope.find('\n', first + 1);
  ASSERT_NE(second, std::string::npos);
  Parsed header(envelope.substr(0, first));
  EXPECT_EQ(header.str("/event_id"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(header.str("/sent_at"), "2025-06-10T14:04:06.000Z");
  EXPECT_EQ(header.str("/dsn"), "https://e3b7c1f4a9d2480e8c6f5b1a7d3e9c20@o1.ingest.sentry.io/42");
  EXPECT_EQ(header.str("/sdk/name"), "lambda-relay");
  Parsed item(envelope.substr(first + 1, second - first - 1));
  EXPECT_EQ(item.str("/type"), "event");
  EXPECT_EQ(item.str("/content_type"), "application/json");
  const auto length = static_cast<std::size_t>(item.num("/length"));
  const std::string payload = envelope.substr(second + 1, length);
  EXPECT_EQ(envelope.size(), second + 1 + length + 1);
  EXPECT_EQ(envelope.back(), '\n');
  EXPECT_EQ(payload.find('\n'), std::string::npos);
  Parsed event(payload);
  EXPECT_EQ(event.str("/event_id"), "0123456789abcdef0123456789abcdef");
}

TEST(SentryEnvelope, EventIdsAreFreshLowercaseHex) {
  const auto a = new_event_id();
  const auto b = new_event_id();
  EXPECT_EQ(a.size(), 32U);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(SentryFailureExporter, MakesAnErrorCategoryEnvelopePayloadWithTheAuthHeaders) {
  EventOptions options;
  options.dsn = "https://key@o1.ingest.sentry.io/42";
  const FailureExporter::Headers auth{{"X-Sentry-Auth", "Sentry sentry_key=key, sentry_version=7"}};
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(1749564246000));
  const FailureExporter exporter(
      orders_api(), options, auth, [now] { return now; }, [] { return std::string(32, 'a'); });
  const auto payload = exporter.payload(timeout());
  EXPECT_EQ(payload.content_type, "application/x-sentry-envelope");
  EXPECT_EQ(payload.category, "error");
  EXPECT_EQ(payload.items, 1U);
  EXPECT_EQ(payload.headers, auth);
  EXPECT_EQ(payload.body, build_envelope(timeout(), orders_api(), options, std::string(32, 'a'), now));
}

}  // namespace
}  // namespace lambda_relay::exporters::sentry
