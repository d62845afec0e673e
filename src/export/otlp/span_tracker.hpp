// Spans from platform telemetry, per the FaaS semantic conventions:
//   - one SERVER span per invocation, named after the function, from platform.start to the end of
//     platform.runtimeDone (start + durationMs), in the trace of the X-Ray header (Root → trace id,
//     Parent → parent span id, Sampled → the sampled flag); a fresh random span id. Attributes
//     faas.invocation_id, faas.coldstart, faas.trigger=other, cloud.resource_id, aws.lambda.invoked_arn;
//     on failure status ERROR with error.type (the errorType, or "timeout").
//   - INTERNAL children from runtimeDone's spans (responseLatency, responseDuration, runtimeOverhead)
//     and report's (extensionOverhead).
//   - an INTERNAL "init <function>" span per Init (from initStart to initStart + initReport's
//     durationMs) in a trace of its own, as opentelemetry-lambda does; the cold invocation that follows
//     links to it. "restore <function>" likewise for SnapStart.
// An invocation's span is complete at its platform.report; finish() closes whatever is still open.
#pragma once

#include "export/otlp/ids.hpp"
#include "export/otlp/model.hpp"

#include <lambda_relay/telemetry.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::otlp {

// The trace context a log record carries: the span of its invocation (or of the Init in progress).
struct LogContext {
  TraceId trace_id{};
  SpanId span_id{};
  bool sampled = false;
  std::string request_id;  // empty for an Init
  std::string version;     // the function version the invocation runs (START/END lines)
};

class SpanTracker {
 public:
  // At most `max_open` invocations are tracked at once (Managed Instances run several); beyond that
  // the oldest is closed as it is.
  SpanTracker(IdGenerator& ids, std::size_t max_open = 64);

  void set_function(std::string name, std::string version);
  // From the Extensions API INVOKE event, which usually arrives before platform.start.
  void invoke(std::string request_id, std::string invoked_arn, std::optional<std::string> xray_header);

  void init_start(std::uint64_t time, const telemetry::InitStart& record);
  void init_runtime_done(std::uint64_t time, const telemetry::InitRuntimeDone& record);
  void init_report(std::uint64_t time, const telemetry::InitReport& record);
  void restore_start(std::uint64_t time, const telemetry::RestoreStart& record);
  void restore_runtime_done(std::uint64_t time, const telemetry::RestoreRuntimeDone& record);
  void restore_report(std::uint64_t time, const telemetry::RestoreReport& record);
  void start(std::uint64_t time, const telemetry::Start& record);
  void runtime_done(std::uint64_t time, const telemetry::RuntimeDone& record);
  void report(std::uint64_t time, const telemetry::Report& record);
  // Closes the open Init and invocations (SHUTDOWN: their remaining events will not come).
  void finish();

  // The context of a record of `request_id` (when the record names one), else of the invocation in
  // progress, else of the Init in progress; nothing outside of those.
  [[nodiscard]] const LogContext* context(std::optional<std::string_view> request_id) const;

  [[nodiscard]] std::size_t finished() const noexcept { return finished_.size(); }
  [[nodiscard]] std::vector<Span> take_finished();

 private:
  struct Phase {  // an Init or a SnapStart restore
    Span span;
    std::vector<Span> children;
    LogContext context;
  };
  struct Invocation {
    Span span;
    std::vector<Span> children;
    LogContext context;
    bool runtime_done = false;
    std::uint64_t last_time = 0;
  };
  struct PendingInvoke {
    std::string request_id;
    std::string invoked_arn;
    std::optional<std::string> xray_header;
  };

  void open_phase(std::uint64_t time, std::string name, bool coldstart);
  void phase_outcome(const telemetry::Named<telemetry::Status>& status, const std::optional<std::string>& error_type);
  void close_phase();
  Invocation& open_invocation(std::uint64_t time, const std::string& request_id,
                              const std::optional<telemetry::TraceContext>& tracing,
                              const std::optional<std::string>& version, const std::optional<std::string>& function_arn);
  Invocation* find(std::string_view request_id);
  const Invocation* find(std::string_view request_id) const;
  void outcome(Invocation& invocation, const telemetry::Named<telemetry::Status>& status,
               const std::optional<std::string>& error_type, std::optional<double> duration_ms);
  void add_children(const Span& parent, const std::vector<telemetry::Span>& spans, std::vector<Span>& out);
  void close(std::deque<Invocation>::iterator invocation);

  IdGenerator& ids_;
  std::size_t max_open_;
  std::string function_name_;
  std::string function_version_;
  std::optional<Phase> phase_;
  std::optional<SpanLink> cold_link_;  // the last Init (or restore), for the next invocation
  bool coldstart_pending_ = false;
  std::deque<Invocation> open_;  // in order of start
  std::string current_;          // request id of the latest started invocation
  std::deque<PendingInvoke> invokes_;
  std::vector<Span> finished_;
};

// Nanoseconds since the epoch (0 for times before it).
[[nodiscard]] std::uint64_t unix_nanos(telemetry::Timestamp time) noexcept;

}  // namespace lambda_relay::otlp
