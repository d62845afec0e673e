// Lambda telemetry → OTLP logs, traces and metrics, with the FaaS semantic conventions
// (../shared/spec/upstream-protocols.md §4–§5):
//   logs     every event is a log record: platform events as CloudWatch-style lines (START, END,
//            REPORT, INIT_START, ...) with their severity, function and extension lines as logged
//            (severity from the JSON `level` or the text prefix); attribute `type` (the event type),
//            faas.invocation_id, and the trace and span ids of the invocation (or Init) they belong to;
//   traces   see SpanTracker;
//   metrics  see FaasMetrics;
// all under one resource (see build_resource). Records wait here until taken; take_* hand them over
// as OTLP requests for the encoders.
#pragma once

#include "export/otlp/faas_metrics.hpp"
#include "export/otlp/ids.hpp"
#include "export/otlp/model.hpp"
#include "export/otlp/resource.hpp"
#include "export/otlp/span_tracker.hpp"

#include <lambda_relay/extensions_api.hpp>
#include <lambda_relay/telemetry.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lambda_relay::otlp {

struct MapperOptions {
  ResourceInfo resource;
  // Observed times of log records and the time of metric points (tests pin it).
  std::function<telemetry::Timestamp()> clock;
  std::optional<std::uint64_t> id_seed;  // random ids from a fixed seed (tests)
  // Bounds on what waits to be taken (memory counts against the function); beyond them new records
  // and spans are dropped and counted. Log records are bounded by their approximate size.
  std::size_t max_log_bytes = 2 * 1024 * 1024;
  std::size_t max_spans = 5'000;
  // Signals nobody exports are not kept (spans are still followed: log records carry their ids).
  bool keep_logs = true;
  bool keep_spans = true;
};

class TelemetryMapper {
 public:
  explicit TelemetryMapper(MapperOptions options);

  // The account id from the extension registration (feature accountId): cloud.account.id.
  void set_account_id(std::string account_id);
  // The INVOKE event: the invoked ARN (aws.lambda.invoked_arn, cloud.resource_id) and the X-Ray header
  // when platform.start carries none.
  void on_invoke(const InvokeEvent& invoke);
  void add(const telemetry::Event& event);
  // SHUTDOWN: closes the Init and invocations still open, so their spans can be taken.
  void finish();

  [[nodiscard]] std::size_t pending_log_records() const noexcept { return logs_.size(); }
  // Approximate memory of the pending log records (their strings plus a fixed overhead each).
  [[nodiscard]] std::size_t pending_log_bytes() const noexcept { return log_bytes_; }
  [[nodiscard]] std::size_t pending_spans() const noexcept { return spans_.size() + tracker_.finished(); }
  [[nodiscard]] bool metrics_updated() const noexcept { return metrics_.updated(); }
  [[nodiscard]] std::uint64_t dropped_log_records() const noexcept { return dropped_logs_; }
  [[nodiscard]] std::uint64_t dropped_spans() const noexcept { return dropped_spans_; }

  // What is pending, as one request; nothing when there is nothing (metrics: nothing changed).
  [[nodiscard]] std::optional<LogsRequest> take_logs();
  [[nodiscard]] std::optional<TracesRequest> take_traces();
  [[nodiscard]] std::optional<MetricsRequest> take_metrics();

  [[nodiscard]] Resource resource() const { return build_resource(resource_info_); }
  [[nodiscard]] static InstrumentationScope scope();

 private:
  void learn(const telemetry::Event& event);
  void update_spans_and_metrics(std::uint64_t time, const telemetry::Event& event);
  void add_log_record(std::uint64_t time, const telemetry::Event& event, std::optional<std::string_view> request_id,
                      const LogContext* context);
  void collect_spans();
  [[nodiscard]] std::uint64_t now() const;

  ResourceInfo resource_info_;
  std::function<telemetry::Timestamp()> clock_;
  std::size_t max_log_bytes_;
  std::size_t log_bytes_ = 0;
  std::size_t max_spans_;
  bool keep_logs_;
  bool keep_spans_;
  IdGenerator ids_;
  SpanTracker tracker_;
  FaasMetrics metrics_;
  std::vector<LogRecord> logs_;
  std::vector<Span> spans_;
  std::uint64_t dropped_logs_ = 0;
  std::uint64_t dropped_spans_ = 0;

  // Count each Init's failure once (initRuntimeDone, else initReport) and its duration once
  // (initReport, else the first report's initDurationMs); each invocation's outcome once
  // (runtimeDone, else report).
  bool init_failure_counted_ = false;
  bool init_duration_seen_ = true;  // no Init to account for before the first initStart
  std::vector<std::string> outcome_counted_;  // request ids (the last few)
};

}  // namespace lambda_relay::otlp
