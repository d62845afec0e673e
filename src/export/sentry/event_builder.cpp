#include "export/sentry/event_builder.hpp"

#include "json/writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>

#ifndef LAMBDA_RELAY_VERSION
#define LAMBDA_RELAY_VERSION "0.0.0"
#endif

namespace lambda_relay::exporters::sentry {
namespace {

using insight::Failure;
using insight::FailureKind;

constexpr std::size_t kMaxTagValue = 200;  // Sentry cuts tag values there

double unix_seconds(telemetry::Timestamp time) {
  return static_cast<double>(time.time_since_epoch().count()) / 1e6;
}

double seconds(telemetry::Milliseconds ms) { return ms.count() / 1000.0; }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// encodeURIComponent, as @sentry/aws-serverless builds its links.
std::string uri_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' ||
        c == '(' || c == ')') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string masked(std::string text, const EventOptions& options) {
  if (options.redactor != nullptr) options.redactor->redact_text(text);
  return text;
}

std::string cut(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// Sentry breadcrumb levels from what runtimes write.
std::string_view breadcrumb_level(const std::optional<std::string>& level) {
  if (!level) return "info";
  std::string l(*level);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  // OpenTelemetry's short names carry a digit ("WARN2"): the prefix decides.
  if (starts_with(l, "FATAL") || l == "CRITICAL") return "fatal";
  if (starts_with(l, "ERROR")) return "error";
  if (starts_with(l, "WARN")) return "warning";
  if (starts_with(l, "DEBUG") || starts_with(l, "TRACE")) return "debug";
  return "info";
}

std::string_view trace_status(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout:
    case FailureKind::init_timeout: return "deadline_exceeded";
    case FailureKind::out_of_memory: return "resource_exhausted";
    default: return "internal_error";
  }
}

// "python:3.12.v48" → {"python", "3.12"}; "provided:al2023.v12" → {"provided", ""}.
std::pair<std::string_view, std::string_view> runtime_name_version(std::string_view runtime_version) {
  const auto colon = runtime_version.find(':');
  const auto name = runtime_version.substr(0, colon);
  if (colon == std::string_view::npos) return {name, {}};
  auto rest = runtime_version.substr(colon + 1);
  std::size_t end = 0;
  while (end < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[end])) || rest[end] == '.')) ++end;
  auto version = rest.substr(0, end);
  while (!version.empty() && version.back() == '.') version.remove_suffix(1);
  return {name, version};
}

// The account id is the ARN's fifth field: arn:aws:lambda:us-east-1:123456789012:function:orders-api.
std::optional<std::string_view> account_of(std::string_view arn) {
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  const auto end = arn.find(':', start);
  if (end == std::string_view::npos || end == start) return std::nullopt;
  return arn.substr(start, end - start);
}

std::string init_description(const Failure& f) {
  return fmt::format("{}, phase {}", f.initialization_type.value_or("on-demand"), f.init_phase.value_or("init"));
}

std::string invalid_response_text(std::string_view type) {
  if (type == "Function.ResponseSizeTooLarge") return "The response exceeded Lambda's maximum payload size";
  if (type == "Runtime.TruncatedResponse") return "The runtime's response stream was cut short";
  if (type == "Runtime.InvalidResponseModeHeader") return "The runtime sent an invalid response mode header";
  return fmt::format("Lambda rejected the function's response ({})", type);
}

std::string function_name_of(const Failure& f, const config::FunctionEnvironment& facts) {
  return !facts.function_name.empty() ? facts.function_name : f.function_name.value_or("");
}

// Lambda's tracing.spanId when it names a span of its own; when it repeats the X-Ray Parent (as the
// emulator's does) it is the caller's span, and a span cannot be its own parent: derive one instead.
std::string span_id_of(const Failure& f) {
  if (f.span_id && f.span_id != f.parent_span_id) return *f.span_id;
  return span_id_for(f.request_id.value_or(f.trace_id.value_or("")));
}

void write_trace_context(json::Writer& w, const Failure& f) {
  if (!f.trace_id) return;
  const std::string span_id = span_id_of(f);
  w.key("trace").begin_object().field("trace_id", *f.trace_id).field("span_id", span_id);
  if (f.parent_span_id) w.field("parent_span_id", *f.parent_span_id);
  w.field("op", "function.aws.lambda").field("status", trace_status(f.kind)).end_object();
}

void write_lambda_context(json::Writer& w, const Failure& f, const config::FunctionEnvironment& facts) {
  w.key("aws.lambda").begin_object();
  if (f.request_id) w.field("aws_request_id", *f.request_id);
  const std::string name = function_name_of(f, facts);
  if (!name.empty()) w.field("function_name", name);
  const std::string version = f.function_version.value_or(facts.function_version);
  if (!version.empty()) w.field("function_version", version);
  if (f.invoked_function_arn) w.field("invoked_function_arn", *f.invoked_function_arn);
  // An init failure's duration is the init's (lambda_relay.init_duration_ms), not an execution's.
  if (f.duration && f.phase == insight::FailurePhase::invoke) w.field("execution_duration_in_millis", f.duration->count());
  if (f.kind == FailureKind::timeout) {
    w.field("remaining_time_in_millis", std::int64_t{0});
  } else if (f.deadline && f.started && f.duration) {
    const auto ended = *f.started + std::chrono::duration_cast<telemetry::Timestamp::duration>(*f.duration);
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(*f.deadline - ended).count();
    w.field("remaining_time_in_millis", std::max<std::int64_t>(0, remaining));
  }
  w.end_object();
}

// Lambda gives the log group and stream names to the runtime, not to extensions: the group is then
// Lambda's default for the function, the stream platform.initStart's instanceId.
void write_logs_context(json::Writer& w, const Failure& f, const config::FunctionEnvironment& facts) {
  const std::string function_name = function_name_of(f, facts);
  const std::string group = !facts.log_group.empty()  ? facts.log_group
                            : !function_name.empty() ? "/aws/lambda/" + function_name
                                                     : std::string();
  if (group.empty()) return;
  const std::string stream = !facts.log_stream.empty() ? facts.log_stream : f.log_stream.value_or("");
  w.key("aws.cloudwatch.logs").begin_object().field("log_group", group);
  if (!stream.empty()) w.field("log_stream", stream);
  if (!facts.region.empty()) {
    std::optional<std::string_view> request;
    if (f.request_id) request = *f.request_id;
    w.field("url", cloudwatch_logs_url(facts.region, group, stream, request));
  }
  w.end_object();
}

void write_cloud_context(json::Writer& w, const Failure& f, const config::FunctionEnvironment& facts) {
  w.key("cloud_resource").begin_object().field("cloud.provider", "aws").field("cloud.platform", "aws_lambda");
  if (!facts.region.empty()) w.field("cloud.region", facts.region);
  if (f.invoked_function_arn) {
    if (auto account = account_of(*f.invoked_function_arn)) w.field("cloud.account.id", *account);
  }
  w.end_object();
  if (f.runtime_version) {
    const auto [name, version] = runtime_name_version(*f.runtime_version);
    w.key("runtime").begin_object().field("name", name);
    if (!version.empty()) w.field("version", version);
    w.field("raw_description", *f.runtime_version).end_object();
  }
}

// What lambda-relay saw, for the person reading the issue.
void write_failure_context(json::Writer& w, const Failure& f) {
  w.key("lambda_relay").begin_object();
  w.field("failure_kind", insight::to_string(f.kind)).field("phase", insight::to_string(f.phase));
  w.field("status", f.status).field("error_type", f.error_type).field("detected_by", f.detected_by);
  if (f.detail) w.field("detail", *f.detail);
  if (f.initialization_type) w.field("initialization_type", *f.initialization_type);
  if (f.init_phase) w.field("init_phase", *f.init_phase);
  if (f.duration) w.field("duration_ms", f.duration->count());
  if (f.init_duration) w.field("init_duration_ms", f.init_duration->count());
  if (f.billed_duration_ms) w.field("billed_duration_ms", *f.billed_duration_ms);
  if (f.memory_size_mb) w.field("memory_size_mb", *f.memory_size_mb);
  if (f.max_memory_used_mb) w.field("max_memory_used_mb", *f.max_memory_used_mb);
  if (f.xray_header) w.field("xray_trace_header", *f.xray_header);
  w.end_object();
}

void write_tags(json::Writer& w, const Failure& f, const config::FunctionEnvironment& facts) {
  w.key("tags").begin_object();
  if (!facts.region.empty()) w.field("aws_region", cut(facts.region, kMaxTagValue));
  const std::string name = function_name_of(f, facts);
  if (!name.empty()) w.field("function", cut(name, kMaxTagValue));
  w.field("errorType", cut(f.error_type, kMaxTagValue));
  w.field("failure_kind", insight::to_string(f.kind));
  if (f.phase == insight::FailurePhase::init && f.init_phase) w.field("init_phase", cut(*f.init_phase, kMaxTagValue));
  if (f.kind == FailureKind::platform_failure) w.field("lambda_platform_failure", "true");
  w.end_object();
}

void write_breadcrumbs(json::Writer& w, const Failure& f, const EventOptions& options) {
  if (f.log_tail.empty()) return;
  w.key("breadcrumbs").begin_object().key("values").begin_array();
  for (const auto& line : f.log_tail) {
    w.begin_object()
        .field("timestamp", unix_seconds(line.time))
        .field("type", "default")
        .field("category", "function.log")
        .field("level", breadcrumb_level(line.level))
        .field("message", masked(line.text, options))
        .end_object();
  }
  w.end_array().end_object();
}

}  // namespace

std::string_view level_for(FailureKind kind) noexcept {
  switch (kind) {
    case FailureKind::timeout:
    case FailureKind::invalid_response:
    case FailureKind::platform_failure: return "error";
    default: return "fatal";
  }
}

ExceptionText exception_text(const Failure& f) {
  const auto& message = f.error_message;
  switch (f.kind) {
    case FailureKind::invalid_handler:
    case FailureKind::init_error:
      return {f.error_type, message ? *message : fmt::format("Lambda init failed: {} ({})", f.status, init_description(f))};
    case FailureKind::init_timeout:
      if (f.duration) {
        return {f.error_type,
                fmt::format("Lambda init timed out after {:.2f} seconds ({})", seconds(*f.duration), init_description(f))};
      }
      return {f.error_type, fmt::format("Lambda init timed out ({})", init_description(f))};
    case FailureKind::timeout:
      if (f.duration) return {f.error_type, fmt::format("Task timed out after {:.2f} seconds", seconds(*f.duration))};
      return {f.error_type, "Task timed out"};
    case FailureKind::out_of_memory:
      if (f.max_memory_used_mb && f.memory_size_mb) {
        return {"Runtime.OutOfMemory", fmt::format("Function ran out of memory (max used {} MB of {} MB)",
                                                   *f.max_memory_used_mb, *f.memory_size_mb)};
      }
      return {"Runtime.OutOfMemory", "Function ran out of memory"};
    case FailureKind::crash:
      if (message) return {f.error_type, *message};
      if (starts_with(f.error_type, "Extension.")) {
        return {f.error_type, fmt::format("An extension failed during the invocation ({})", f.error_type)};
      }
      return {f.error_type, "Runtime exited without providing a reason"};
    case FailureKind::invalid_response:
      return {f.error_type, message ? *message : invalid_response_text(f.error_type)};
    case FailureKind::platform_failure:
      return {f.error_type, fmt::format("Lambda platform failure ({}, status {})", f.error_type, f.status)};
    case FailureKind::restore_error:
      return {f.error_type, message ? *message : fmt::format("SnapStart restore failed: {}", f.status)};
  }
  return {f.error_type, f.status};
}

std::string_view platform_for(std::optional<std::string_view> runtime_version,
                              std::optional<std::string_view> execution_env) noexcept {
  std::string_view name;
  if (runtime_version) {
    name = runtime_version->substr(0, runtime_version->find(':'));
  } else if (execution_env && starts_with(*execution_env, "AWS_Lambda_")) {
    name = execution_env->substr(11);
  }
  if (starts_with(name, "python")) return "python";
  if (starts_with(name, "nodejs")) return "node";
  if (starts_with(name, "java")) return "java";
  if (starts_with(name, "ruby")) return "ruby";
  if (starts_with(name, "dotnet")) return "csharp";
  if (starts_with(name, "go")) return "go";
  if (starts_with(name, "provided")) return "native";  // OS-only runtimes run compiled code (Go, Rust, C++)
  return "other";
}

std::string cloudwatch_logs_url(std::string_view region, std::string_view log_group, std::string_view log_stream,
                                std::optional<std::string_view> request_id) {
  std::string_view host = "console.aws.amazon.com";
  if (starts_with(region, "cn-")) host = "console.amazonaws.cn";
  if (starts_with(region, "us-gov-")) host = "console.amazonaws-us-gov.com";
  std::string url = fmt::format("https://{}/cloudwatch/home?region={}#logsV2:log-groups/log-group/{}", host, region,
                                uri_component(log_group));
  if (!log_stream.empty()) {
    url += "/log-events/";
    url += uri_component(log_stream);
    if (request_id) url += fmt::format("?filterPattern=\"{}\"", *request_id);
  }
  return url;
}

std::string span_id_for(std::string_view request_id) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (const char c : request_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  if (hash == 0) hash = 1;  // an all-zero span id is invalid
  return fmt::format("{:016x}", hash);
}

std::string sdk_client() { return fmt::format("{}/{}", kSdkName, LAMBDA_RELAY_VERSION); }

std::string new_event_id() {
  static std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", generator(), generator());
}

std::string build_event(const Failure& f, const config::FunctionEnvironment& facts, const EventOptions& options,
                        std::string_view event_id) {
  std::string out;
  json::Writer w(out);
  const std::string function_name = function_name_of(f, facts);
  std::optional<std::string_view> runtime;
  if (f.runtime_version) runtime = *f.runtime_version;
  std::optional<std::string_view> execution_env;
  if (!facts.execution_env.empty()) execution_env = facts.execution_env;
  auto exception = exception_text(f);

  w.begin_object();
  w.field("event_id", event_id).field("timestamp", unix_seconds(f.time));
  w.field("platform", platform_for(runtime, execution_env)).field("level", level_for(f.kind));
  w.field("logger", kSdkName);
  if (!function_name.empty()) w.field("transaction", function_name);
  w.field("environment", options.environment);
  if (options.release) w.field("release", *options.release);

  w.key("exception").begin_object().key("values").begin_array().begin_object();
  w.field("type", exception.type).field("value", masked(std::move(exception.value), options));
  w.key("mechanism").begin_object().field("type", "lambda_relay").field("handled", false).field("synthetic", true);
  w.field("description", fmt::format("detected by lambda-relay from {}", f.detected_by));
  w.key("data").begin_object().field("failure_kind", insight::to_string(f.kind)).end_object();
  w.end_object();  // mechanism
  w.end_object().end_array().end_object();  // exception

  write_tags(w, f, facts);
  w.key("contexts").begin_object();
  write_trace_context(w, f);
  write_lambda_context(w, f, facts);
  write_logs_context(w, f, facts);
  write_cloud_context(w, f, facts);
  write_failure_context(w, f);
  w.end_object();
  write_breadcrumbs(w, f, options);
  w.key("fingerprint").begin_array().value("lambda-relay").value(function_name).value(insight::to_string(f.kind)).end_array();
  w.key("sdk").begin_object().field("name", kSdkName).field("version", LAMBDA_RELAY_VERSION).end_object();
  w.end_object();
  return out;
}

std::string build_envelope(const Failure& f, const config::FunctionEnvironment& facts, const EventOptions& options,
                           std::string_view event_id, std::chrono::system_clock::time_point sent_at) {
  const std::string event = build_event(f, facts, options, event_id);
  std::string out;
  json::Writer header(out);
  header.begin_object().field("event_id", event_id).field("sent_at", json::iso8601(sent_at));
  if (!options.dsn.empty()) header.field("dsn", options.dsn);
  header.key("sdk").begin_object().field("name", kSdkName).field("version", LAMBDA_RELAY_VERSION).end_object();
  header.end_object();
  out += '\n';
  json::Writer item(out);
  item.begin_object().field("type", "event").field("content_type", "application/json");
  item.field("length", static_cast<std::uint64_t>(event.size())).end_object();
  out += '\n';
  out += event;
  out += '\n';
  return out;
}

}  // namespace lambda_relay::exporters::sentry
