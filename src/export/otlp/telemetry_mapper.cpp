#include "export/otlp/telemetry_mapper.hpp"

#include "export/otlp/platform_log.hpp"
#include "export/otlp/structured_log.hpp"
#include "insight/log_severity.hpp"
#include "telemetry/timestamp.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

#ifndef LAMBDA_RELAY_VERSION
#define LAMBDA_RELAY_VERSION "0.0.0"
#endif

namespace lambda_relay::otlp {
namespace {

constexpr std::uint64_t kBytesPerMb = 1024 * 1024;
constexpr std::size_t kOutcomesRemembered = 64;

std::optional<std::string_view> request_id_of(const telemetry::Event& event) {
  return std::visit(
      [](const auto& record) -> std::optional<std::string_view> {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, telemetry::Start> || std::is_same_v<T, telemetry::RuntimeDone> ||
                      std::is_same_v<T, telemetry::Report> || std::is_same_v<T, telemetry::End>) {
          if (!record.request_id.empty()) return record.request_id;
        } else if constexpr (std::is_same_v<T, telemetry::LogRecord>) {
          if (record.request_id) return *record.request_id;
        }
        return std::nullopt;
      },
      event.record);
}

std::size_t approximate_size(const KeyValue& kv) {
  const auto* text = std::get_if<std::string>(&kv.value.value);
  return sizeof(KeyValue) + kv.key.size() + (text != nullptr ? text->size() : 0);
}

std::size_t approximate_size(const LogRecord& record) {
  std::size_t size = sizeof(LogRecord) + record.severity_text.size();
  if (record.body) {
    if (const auto* text = std::get_if<std::string>(&record.body->value)) size += text->size();
  }
  for (const auto& kv : record.attributes) size += approximate_size(kv);
  return size;
}

}  // namespace

TelemetryMapper::TelemetryMapper(MapperOptions options)
    : resource_info_(std::move(options.resource)),
      clock_(options.clock ? std::move(options.clock)
                           : [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }),
      max_log_bytes_(options.max_log_bytes),
      max_spans_(options.max_spans),
      keep_logs_(options.keep_logs),
      keep_spans_(options.keep_spans),
      ids_(options.id_seed ? IdGenerator(*options.id_seed) : IdGenerator()),
      tracker_(ids_) {
  tracker_.set_function(resource_info_.function.function_name, resource_info_.function.function_version);
}

InstrumentationScope TelemetryMapper::scope() { return InstrumentationScope{"lambda-relay", LAMBDA_RELAY_VERSION}; }

std::uint64_t TelemetryMapper::now() const { return unix_nanos(clock_()); }

void TelemetryMapper::set_account_id(std::string account_id) {
  if (!account_id.empty()) resource_info_.account_id = std::move(account_id);
}

void TelemetryMapper::on_invoke(const InvokeEvent& invoke) {
  if (!resource_info_.account_id) resource_info_.account_id = account_id_of_arn(invoke.invoked_function_arn);
  std::optional<std::string> xray;
  if (invoke.tracing) xray = invoke.tracing->value;
  tracker_.invoke(invoke.request_id, invoke.invoked_function_arn, std::move(xray));
}

void TelemetryMapper::add(const telemetry::Event& event) {
  const std::uint64_t time = unix_nanos(event.time);
  metrics_.start_at(time);
  learn(event);
  // A record belongs to the span its event opens (START, INIT_START) or closes (REPORT, INIT_REPORT):
  // look at the context before and after the event.
  const auto request_id = request_id_of(event);
  std::optional<LogContext> before;
  if (const LogContext* context = tracker_.context(request_id)) before = *context;
  update_spans_and_metrics(time, event);
  const LogContext* after = tracker_.context(request_id);
  const LogContext* context = after;
  if (request_id && (after == nullptr || after->request_id != *request_id) && before && before->request_id == *request_id) {
    context = &*before;
  } else if (after == nullptr && before) {
    context = &*before;
  }
  add_log_record(time, event, request_id, context);
  collect_spans();
}

void TelemetryMapper::finish() {
  tracker_.finish();
  collect_spans();
}

// What the reserved environment variables did not say, telemetry may.
void TelemetryMapper::learn(const telemetry::Event& event) {
  auto& function = resource_info_.function;
  if (const auto* init = std::get_if<telemetry::InitStart>(&event.record)) {
    if (function.function_name.empty() && init->function_name) function.function_name = *init->function_name;
    if (function.function_version.empty() && init->function_version) function.function_version = *init->function_version;
    if (function.log_stream.empty() && init->instance_id) function.log_stream = *init->instance_id;
    if (init->instance_max_memory) resource_info_.max_memory_bytes = *init->instance_max_memory;
  } else if (const auto* start = std::get_if<telemetry::Start>(&event.record)) {
    if (!resource_info_.account_id && start->function_arn) resource_info_.account_id = account_id_of_arn(*start->function_arn);
  }
}

void TelemetryMapper::update_spans_and_metrics(std::uint64_t time, const telemetry::Event& event) {
  auto outcome_once = [&](const std::string& request_id, const telemetry::Named<telemetry::Status>& status,
                          double duration_ms) {
    if (std::find(outcome_counted_.begin(), outcome_counted_.end(), request_id) != outcome_counted_.end()) return;
    if (outcome_counted_.size() >= kOutcomesRemembered) outcome_counted_.erase(outcome_counted_.begin());
    outcome_counted_.push_back(request_id);
    metrics_.invocation_outcome(status.value);
    metrics_.invoke_duration(duration_ms / 1000);
  };
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, telemetry::InitStart>) {
          tracker_.init_start(time, r);
          init_failure_counted_ = false;
          init_duration_seen_ = false;
          if (r.phase.value == telemetry::InitPhase::init && r.initialization_type.value == telemetry::InitType::on_demand) {
            metrics_.coldstart();
          }
        } else if constexpr (std::is_same_v<T, telemetry::InitRuntimeDone>) {
          tracker_.init_runtime_done(time, r);
          if (r.status.value != telemetry::Status::success && !init_failure_counted_) {
            metrics_.init_failure(r.status.value);
            init_failure_counted_ = true;
          }
        } else if constexpr (std::is_same_v<T, telemetry::InitReport>) {
          tracker_.init_report(time, r);
          if (r.status && r.status->value != telemetry::Status::success && !init_failure_counted_) {
            metrics_.init_failure(r.status->value);
            init_failure_counted_ = true;
          }
          metrics_.init_duration(r.duration.count() / 1000);
          init_duration_seen_ = true;
        } else if constexpr (std::is_same_v<T, telemetry::RestoreStart>) {
          tracker_.restore_start(time, r);
        } else if constexpr (std::is_same_v<T, telemetry::RestoreRuntimeDone>) {
          tracker_.restore_runtime_done(time, r);
        } else if constexpr (std::is_same_v<T, telemetry::RestoreReport>) {
          tracker_.restore_report(time, r);
        } else if constexpr (std::is_same_v<T, telemetry::Start>) {
          tracker_.start(time, r);
        } else if constexpr (std::is_same_v<T, telemetry::RuntimeDone>) {
          tracker_.runtime_done(time, r);
          outcome_once(r.request_id, r.status, r.duration ? r.duration->count() : 0.0);
        } else if constexpr (std::is_same_v<T, telemetry::Report>) {
          tracker_.report(time, r);
          // Managed Instances send no runtimeDone: the report has the outcome and the duration.
          outcome_once(r.request_id, r.status, r.metrics.duration.count());
          if (r.metrics.init_duration && !init_duration_seen_) {
            metrics_.init_duration(r.metrics.init_duration->count() / 1000);
            init_duration_seen_ = true;
          }
          if (r.metrics.max_memory_used_mb && *r.metrics.max_memory_used_mb >= 0) {
            metrics_.memory_used(static_cast<std::uint64_t>(*r.metrics.max_memory_used_mb) * kBytesPerMb);
          }
          if (r.metrics.billed_duration_ms) {
            metrics_.billed_duration(static_cast<double>(*r.metrics.billed_duration_ms) / 1000);
          }
        }
      },
      event.record);
}

void TelemetryMapper::add_log_record(std::uint64_t time, const telemetry::Event& event,
                                     std::optional<std::string_view> request_id, const LogContext* context) {
  if (!keep_logs_) return;
  if (log_bytes_ >= max_log_bytes_) {
    ++dropped_logs_;
    return;
  }
  auto line = describe(event, context != nullptr && !context->version.empty()
                                  ? std::string_view(context->version)
                                  : std::string_view(resource_info_.function.function_version));

  LogRecord record;
  record.time_unix_nano = time;
  record.observed_time_unix_nano = now();
  record.severity_number = line.severity;
  record.severity_text = std::string(insight::severity_name(line.severity));
  record.body = AnyValue{std::move(line.body)};
  record.attributes.push_back(attribute("type", event.type_text));
  if (context != nullptr && !context->request_id.empty()) {
    record.attributes.push_back(attribute("faas.invocation_id", context->request_id));
  } else if (request_id) {
    record.attributes.push_back(attribute("faas.invocation_id", std::string(*request_id)));
  }
  if (const auto* log = std::get_if<telemetry::LogRecord>(&event.record); log != nullptr && log->structured) {
    if (log->timestamp) {
      if (auto parsed = telemetry::parse_timestamp(*log->timestamp)) record.time_unix_nano = unix_nanos(*parsed);
    }
    if (!log->text.empty()) {
      auto attributes = structured_log_attributes(log->json);
      std::move(attributes.begin(), attributes.end(), std::back_inserter(record.attributes));
    }
  }
  if (context != nullptr) {
    record.trace_id = context->trace_id;
    record.span_id = context->span_id;
    record.flags = context->sampled ? kFlagSampled : 0;
  }
  log_bytes_ += approximate_size(record);
  logs_.push_back(std::move(record));
}

void TelemetryMapper::collect_spans() {
  if (tracker_.finished() == 0) return;
  auto finished = tracker_.take_finished();
  if (!keep_spans_) return;
  for (auto& span : finished) {
    if (spans_.size() >= max_spans_) {
      ++dropped_spans_;
      continue;
    }
    spans_.push_back(std::move(span));
  }
}

std::optional<LogsRequest> TelemetryMapper::take_logs() {
  if (logs_.empty()) return std::nullopt;
  LogsRequest request{resource(), scope(), {}};
  request.records.swap(logs_);
  log_bytes_ = 0;
  return request;
}

std::optional<TracesRequest> TelemetryMapper::take_traces() {
  collect_spans();
  if (spans_.empty()) return std::nullopt;
  TracesRequest request{resource(), scope(), {}};
  request.spans.swap(spans_);
  return request;
}

std::optional<MetricsRequest> TelemetryMapper::take_metrics() {
  if (!metrics_.updated()) return std::nullopt;
  return MetricsRequest{resource(), scope(), metrics_.collect(now())};
}

}  // namespace lambda_relay::otlp
