// A failure of the function that only the platform sees: what FailureDetector reports and the Sentry
// event builder turns into an error event. Everything here comes from Telemetry API events (and, when
// the lead wires it, the Extensions API INVOKE event), never from inside the function.
#pragma once

#include <lambda_relay/telemetry.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::insight {

enum class FailureKind {
  invalid_handler,   // Runtime.HandlerNotFound, ImportModuleError, MalformedHandlerName, ... (init)
  init_error,        // init failed otherwise: the code threw or exited during init, an extension failed
  init_timeout,      // init ran past its limit
  timeout,           // the invocation ran past the function timeout
  out_of_memory,     // the runtime was OOM-killed (or died at its memory size, or logged an OOM)
  crash,             // the runtime (or an extension) exited during the invocation
  invalid_response,  // Lambda rejected the response (too large, truncated stream, bad mode header)
  platform_failure,  // status "failure": a Sandbox.* fault of the platform
  restore_error,     // SnapStart restore failed
};

enum class FailurePhase { init, invoke, restore };

[[nodiscard]] std::string_view to_string(FailureKind kind) noexcept;
[[nodiscard]] std::string_view to_string(FailurePhase phase) noexcept;

// One function log line kept for a failure's log tail.
struct LogLine {
  telemetry::Timestamp time;
  std::string text;                   // the line (the "message" of structured records), maybe cut
  std::optional<std::string> level;   // from JSON `level` or the runtime's text prefix, as written
  bool operator==(const LogLine&) const = default;
};

struct Failure {
  FailureKind kind = FailureKind::crash;
  FailurePhase phase = FailurePhase::invoke;
  // Lambda's errorType; for timeouts without one, "Sandbox.Timedout" (what the caller sees).
  std::string error_type;
  std::string status;                         // the Telemetry API status text ("error", "timeout", ...)
  std::optional<std::string> error_message;   // found in the log tail ("Unable to import module ...")
  std::string detected_by;                    // the event (and rule) that decided it, e.g. "platform.report"
  std::optional<std::string> detail;          // why the kind: "max memory used 128 MB of 128 MB", OOM line

  telemetry::Timestamp time;                        // when it was detected (time of the deciding event)
  std::optional<telemetry::Timestamp> started;      // platform.start / platform.initStart time

  // Invocation (absent for an init failure outside an invocation).
  std::optional<std::string> request_id;
  std::optional<std::string> xray_header;           // tracing.value, as sent
  std::optional<std::string> trace_id;              // 32 hex, from X-Ray Root
  std::optional<std::string> parent_span_id;        // 16 hex, X-Ray Parent
  std::optional<std::string> span_id;               // 16 hex, tracing.spanId (Lambda's own segment)
  std::optional<std::string> invoked_function_arn;  // INVOKE event, else platform.start functionArn
  std::optional<std::string> function_version;      // platform.start version
  std::optional<telemetry::Timestamp> deadline;     // INVOKE deadline, when the lead passes it

  // Durations and memory.
  std::optional<telemetry::Milliseconds> duration;       // runtimeDone (or report) durationMs; init: initReport
  std::optional<telemetry::Milliseconds> init_duration;  // initReport durationMs / report initDurationMs
  std::optional<std::int64_t> billed_duration_ms;
  std::optional<std::int64_t> memory_size_mb;
  std::optional<std::int64_t> max_memory_used_mb;

  // Init facts (of the init this failure belongs to, or the last init before the invocation).
  std::optional<std::string> initialization_type;   // "on-demand", ...
  std::optional<std::string> init_phase;            // "init" or "invoke" (a suppressed init)
  std::optional<std::string> runtime_version;       // "python:3.12.v48"
  std::optional<std::string> function_name;         // platform.initStart functionName
  std::optional<std::string> log_stream;            // platform.initStart instanceId

  std::vector<LogLine> log_tail;  // the last N function log lines of the invocation (or of the init)
};

}  // namespace lambda_relay::insight
