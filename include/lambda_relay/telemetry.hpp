// Typed records for every Lambda Telemetry API event, of every schema version (2022-07-01,
// 2022-12-13, 2025-01-29). Field names follow the Telemetry API schema reference; durations are
// std::chrono, statuses and names are enums (with the original text kept for values Lambda may add).
// Anything the decoder does not know — an event type, a field — is kept, never rejected: a new Lambda
// release must not break decoding.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lambda_relay::telemetry {

using Milliseconds = std::chrono::duration<double, std::milli>;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

enum class EventType {
  platform_init_start,
  platform_init_runtime_done,
  platform_init_report,
  platform_start,
  platform_runtime_done,
  platform_report,
  platform_restore_start,
  platform_restore_runtime_done,
  platform_restore_report,
  platform_extension,
  platform_telemetry_subscription,
  platform_logs_subscription,  // Logs API equivalent of telemetrySubscription
  platform_logs_dropped,
  platform_end,    // Logs API only
  platform_fault,  // Logs API only (string record)
  function,
  extension,
  unknown,
};

enum class Status { success, error, failure, timeout, unknown };
enum class InitType { on_demand, provisioned_concurrency, snap_start, lambda_managed_instances, unknown };
enum class InitPhase { init, invoke, snap_start, unknown };
enum class SpanName { response_latency, response_duration, runtime_overhead, extension_overhead, unknown };

// "platform.initStart" ↔ EventType::platform_init_start, etc. Unknown text → EventType::unknown.
[[nodiscard]] EventType parse_event_type(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(EventType type) noexcept;
[[nodiscard]] Status parse_status(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Status status) noexcept;
[[nodiscard]] InitType parse_init_type(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(InitType type) noexcept;
[[nodiscard]] InitPhase parse_init_phase(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(InitPhase phase) noexcept;
[[nodiscard]] SpanName parse_span_name(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(SpanName name) noexcept;

// A field the decoder does not know, kept as its key and its raw JSON value (re-encoded verbatim).
struct UnknownField {
  std::string key;
  std::string json;
  bool operator==(const UnknownField&) const = default;
};
using UnknownFields = std::vector<UnknownField>;

struct TraceContext {
  std::optional<std::string> span_id;
  std::string type;   // "X-Amzn-Trace-Id"
  std::string value;  // "Root=1-...;Parent=...;Sampled=1" (may carry more keys, e.g. Lineage)
  UnknownFields unknown;
  bool operator==(const TraceContext&) const = default;
};

struct Span {
  SpanName name = SpanName::unknown;
  std::string name_text;  // as sent
  Timestamp start;
  Milliseconds duration{};
  UnknownFields unknown;
  bool operator==(const Span&) const = default;
};

// An enum value together with the text Lambda sent (kept for values newer than this library).
template <typename Enum>
struct Named {
  Enum value{};
  std::string text;
  bool operator==(const Named&) const = default;
};

struct InitStart {
  Named<InitType> initialization_type;
  Named<InitPhase> phase;
  std::optional<std::string> runtime_version;
  std::optional<std::string> runtime_version_arn;
  std::optional<std::string> function_name;
  std::optional<std::string> function_version;
  std::optional<std::string> instance_id;           // the CloudWatch log stream name
  std::optional<std::uint64_t> instance_max_memory;  // bytes in real payloads
  UnknownFields unknown;
  bool operator==(const InitStart&) const = default;
};

struct InitRuntimeDone {
  Named<InitType> initialization_type;
  std::optional<Named<InitPhase>> phase;  // absent in some 2022 payloads
  Named<Status> status;
  std::optional<std::string> error_type;
  std::vector<Span> spans;
  UnknownFields unknown;
  bool operator==(const InitRuntimeDone&) const = default;
};

struct InitReport {
  Named<InitType> initialization_type;
  Named<InitPhase> phase;
  std::optional<Named<Status>> status;  // added 2023/24
  std::optional<std::string> error_type;
  Milliseconds duration{};                         // metrics.durationMs
  std::optional<std::int64_t> billed_duration_ms;  // metrics.billedDurationMs (SnapStart)
  std::vector<Span> spans;
  UnknownFields unknown;          // unknown fields of the record
  UnknownFields unknown_metrics;  // unknown fields of record.metrics
  bool operator==(const InitReport&) const = default;
};

struct Start {
  std::string request_id;
  std::optional<std::string> version;
  std::optional<std::string> function_arn;
  std::optional<std::string> tenant_id;
  std::optional<TraceContext> tracing;
  UnknownFields unknown;
  bool operator==(const Start&) const = default;
};

struct RuntimeDone {
  std::string request_id;
  Named<Status> status;
  std::optional<std::string> error_type;
  std::optional<Milliseconds> duration;         // metrics.durationMs
  std::optional<std::uint64_t> produced_bytes;  // metrics.producedBytes
  std::vector<Span> spans;
  std::optional<TraceContext> tracing;
  std::optional<std::string> tenant_id;
  UnknownFields unknown;
  UnknownFields unknown_metrics;
  bool operator==(const RuntimeDone&) const = default;
};

struct ReportMetrics {
  Milliseconds duration{};
  std::optional<std::int64_t> billed_duration_ms;  // absent on Managed Instances
  std::optional<std::int64_t> memory_size_mb;
  std::optional<std::int64_t> max_memory_used_mb;
  std::optional<Milliseconds> init_duration;
  std::optional<Milliseconds> restore_duration;
  std::optional<std::int64_t> billed_restore_duration_ms;
  UnknownFields unknown;
  bool operator==(const ReportMetrics&) const = default;
};

struct Report {
  std::string request_id;
  Named<Status> status;
  std::optional<std::string> error_type;
  ReportMetrics metrics;
  std::vector<Span> spans;
  std::optional<TraceContext> tracing;
  std::optional<std::string> tenant_id;
  UnknownFields unknown;
  bool operator==(const Report&) const = default;
};

struct RestoreStart {
  std::optional<std::string> runtime_version;
  std::optional<std::string> runtime_version_arn;
  std::optional<std::string> function_name;
  std::optional<std::string> function_version;
  std::optional<std::string> instance_id;
  std::optional<std::uint64_t> instance_max_memory;
  UnknownFields unknown;
  bool operator==(const RestoreStart&) const = default;
};

struct RestoreRuntimeDone {
  Named<Status> status;
  std::optional<std::string> error_type;
  std::vector<Span> spans;
  UnknownFields unknown;
  bool operator==(const RestoreRuntimeDone&) const = default;
};

struct RestoreReport {
  Named<Status> status;
  std::optional<std::string> error_type;
  std::optional<Milliseconds> duration;
  std::optional<std::int64_t> billed_duration_ms;
  std::vector<Span> spans;
  UnknownFields unknown;
  UnknownFields unknown_metrics;
  bool operator==(const RestoreReport&) const = default;
};

struct PlatformExtension {
  std::string name;
  std::string state;  // Ready, ...
  std::vector<std::string> events;
  std::optional<std::string> error_type;
  UnknownFields unknown;
  bool operator==(const PlatformExtension&) const = default;
};

// platform.telemetrySubscription and platform.logsSubscription.
struct Subscription {
  std::string name;
  std::string state;
  std::vector<std::string> types;
  UnknownFields unknown;
  bool operator==(const Subscription&) const = default;
};

struct LogsDropped {
  std::uint64_t dropped_bytes = 0;
  std::uint64_t dropped_records = 0;
  std::string reason;
  UnknownFields unknown;
  bool operator==(const LogsDropped&) const = default;
};

// platform.end (Logs API).
struct End {
  std::string request_id;
  UnknownFields unknown;
  bool operator==(const End&) const = default;
};

// A `function` or `extension` log record, or a Logs-API `platform.fault` string. Text records (the
// default log format, and every record of schema 2022-07-01) arrive as strings: one trailing "\n" or
// "\r\n" is stripped. JSON-format records arrive as objects: the common keys are decoded, the object
// is kept whole in `json`.
struct LogRecord {
  bool structured = false;
  std::string text;  // the line, for text records; the "message" value for structured ones
  std::string json;  // the whole object, for structured records
  std::optional<std::string> timestamp;
  std::optional<std::string> level;
  std::optional<std::string> request_id;  // "requestId" (some runtimes write "AWSRequestId")
  bool operator==(const LogRecord&) const = default;
};

// An event whose type this library does not know: its record, verbatim.
struct UnknownRecord {
  std::string json;
  bool operator==(const UnknownRecord&) const = default;
};

using Record = std::variant<InitStart, InitRuntimeDone, InitReport, Start, RuntimeDone, Report, RestoreStart,
                            RestoreRuntimeDone, RestoreReport, PlatformExtension, Subscription, LogsDropped, End,
                            LogRecord, UnknownRecord>;

struct Event {
  Timestamp time;
  EventType type = EventType::unknown;
  std::string type_text;  // as sent ("platform.start")
  Record record;
  UnknownFields unknown;  // unknown fields of the envelope
  bool operator==(const Event&) const = default;
};

}  // namespace lambda_relay::telemetry
