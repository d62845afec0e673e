#include "export/otlp/platform_log.hpp"

#include "insight/log_severity.hpp"

#include <fmt/format.h>

#include <type_traits>
#include <variant>

namespace lambda_relay::otlp {
namespace {

using namespace telemetry;  // NOLINT(google-build-using-namespace): the record types

constexpr int kDebug = 5;
constexpr int kInfo = 9;
constexpr int kWarn = 13;
constexpr int kError = 17;
constexpr int kFatal = 21;

bool failed(const Named<Status>& status) { return status.value != Status::success; }
int severity_of(const Named<Status>& status) { return failed(status) ? kError : kInfo; }

void append_error_type(std::string& body, const std::optional<std::string>& error_type) {
  if (error_type) fmt::format_to(std::back_inserter(body), " Error Type: {}", *error_type);
}

std::string words(const std::vector<std::string>& items) { return fmt::format("[{}]", fmt::join(items, " ")); }

std::string runtime_version_text(std::string_view event, const std::optional<std::string>& version,
                                 const std::optional<std::string>& arn) {
  std::string body(event);
  if (version) fmt::format_to(std::back_inserter(body), " Runtime Version: {}", *version);
  if (arn) fmt::format_to(std::back_inserter(body), " Runtime Version ARN: {}", *arn);
  return body;
}

LogLine line(const InitStart& r, std::string_view) {
  return {runtime_version_text("INIT_START", r.runtime_version, r.runtime_version_arn), kInfo};
}

LogLine line(const InitRuntimeDone& r, std::string_view) {
  auto body = fmt::format("INIT_RUNTIME_DONE Status: {}", r.status.text);
  append_error_type(body, r.error_type);
  return {std::move(body), severity_of(r.status)};
}

LogLine line(const InitReport& r, std::string_view) {
  auto body = fmt::format("INIT_REPORT Initialization Type: {} Phase: {}", r.initialization_type.text, r.phase.text);
  if (r.status) fmt::format_to(std::back_inserter(body), " Status: {}", r.status->text);
  fmt::format_to(std::back_inserter(body), " Duration: {:.2f} ms", r.duration.count());
  append_error_type(body, r.error_type);
  return {std::move(body), r.status ? severity_of(*r.status) : kInfo};
}

LogLine line(const Start& r, std::string_view version) {
  return {fmt::format("START RequestId: {} Version: {}", r.request_id, r.version.value_or(std::string(version))), kInfo};
}

LogLine line(const RuntimeDone& r, std::string_view version) {
  auto body = fmt::format("END RequestId: {} Version: {}", r.request_id, version);
  if (failed(r.status)) fmt::format_to(std::back_inserter(body), " Status: {}", r.status.text);
  append_error_type(body, r.error_type);
  return {std::move(body), severity_of(r.status)};
}

LogLine line(const Report& r, std::string_view) {
  const auto& m = r.metrics;
  auto body = fmt::format("REPORT RequestId: {} Duration: {:.2f} ms", r.request_id, m.duration.count());
  auto out = std::back_inserter(body);
  if (m.billed_duration_ms) fmt::format_to(out, " Billed Duration: {} ms", *m.billed_duration_ms);
  if (m.memory_size_mb) fmt::format_to(out, " Memory Size: {} MB", *m.memory_size_mb);
  if (m.max_memory_used_mb) fmt::format_to(out, " Max Memory Used: {} MB", *m.max_memory_used_mb);
  if (m.init_duration) fmt::format_to(out, " Init Duration: {:.2f} ms", m.init_duration->count());
  if (m.restore_duration) fmt::format_to(out, " Restore Duration: {:.2f} ms", m.restore_duration->count());
  if (failed(r.status)) fmt::format_to(out, " Status: {}", r.status.text);
  append_error_type(body, r.error_type);
  // Out of memory ends the execution environment: fatal rather than error.
  const int severity = r.error_type == "Runtime.OutOfMemory" ? kFatal : severity_of(r.status);
  return {std::move(body), severity};
}

LogLine line(const RestoreStart& r, std::string_view) {
  return {runtime_version_text("RESTORE_START", r.runtime_version, r.runtime_version_arn), kInfo};
}

LogLine line(const RestoreRuntimeDone& r, std::string_view) {
  auto body = fmt::format("RESTORE_RUNTIME_DONE Status: {}", r.status.text);
  append_error_type(body, r.error_type);
  return {std::move(body), severity_of(r.status)};
}

LogLine line(const RestoreReport& r, std::string_view) {
  auto body = fmt::format("RESTORE_REPORT Status: {}", r.status.text);
  if (r.duration) fmt::format_to(std::back_inserter(body), " Duration: {:.2f} ms", r.duration->count());
  append_error_type(body, r.error_type);
  return {std::move(body), severity_of(r.status)};
}

LogLine line(const PlatformExtension& r, std::string_view) {
  auto body = fmt::format("EXTENSION Name: {} State: {} Events: {}", r.name, r.state, words(r.events));
  append_error_type(body, r.error_type);
  return {std::move(body), r.error_type ? kError : kInfo};
}

LogLine line(const LogsDropped& r, std::string_view) {
  return {fmt::format("LOGS_DROPPED DroppedRecords: {} DroppedBytes: {} Reason: {}", r.dropped_records, r.dropped_bytes,
                      r.reason),
          kWarn};
}

LogLine line(const End& r, std::string_view) { return {fmt::format("END RequestId: {}", r.request_id), kInfo}; }

LogLine line(const UnknownRecord& r, std::string_view) { return {r.json, 0}; }

LogLine subscription_line(std::string_view prefix, const Subscription& r) {
  return {fmt::format("{}: {} {} Types: {}", prefix, r.name, r.state, words(r.types)), kDebug};
}

LogLine log_record_line(const Event& event, const telemetry::LogRecord& r) {
  if (event.type == EventType::platform_fault) return {r.text, kError};
  if (!r.structured) return {r.text, insight::severity_from_line(r.text)};
  // JSON log format: the message is the body (the other keys become attributes); without a message,
  // the whole object is.
  const int severity = r.level ? insight::severity_from_level(*r.level) : 0;
  return {r.text.empty() ? r.json : r.text, severity};
}

}  // namespace

LogLine describe(const Event& event, std::string_view version) {
  return std::visit(
      [&](const auto& record) -> LogLine {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, Subscription>) {
          return subscription_line(event.type == EventType::platform_logs_subscription ? "LOGS" : "TELEMETRY", record);
        } else if constexpr (std::is_same_v<T, telemetry::LogRecord>) {
          return log_record_line(event, record);
        } else {
          return line(record, version);
        }
      },
      event.record);
}

}  // namespace lambda_relay::otlp
