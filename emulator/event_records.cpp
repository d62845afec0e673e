#include "event_records.hpp"

#include "json/writer.hpp"

#include <cmath>

namespace lambda_emulator::records {
namespace {

using lambda_relay::json::Writer;

// Durations are reported with three decimals, as Lambda does (1233.96, 463.512).
double round3(double ms) { return std::round(ms * 1000.0) / 1000.0; }

void outcome_fields(Writer& w, const Outcome& o) {
  w.field("status", o.status);
  if (o.error_type) w.field("errorType", *o.error_type);
}

void tracing(Writer& w, const Invocation& i) {
  // spanId: the platform's segment, taken from the trace header's Parent.
  const auto parent = i.trace_header.find("Parent=");
  w.key("tracing").begin_object();
  if (parent != std::string::npos) w.field("spanId", i.trace_header.substr(parent + 7, 16));
  w.field("type", "X-Amzn-Trace-Id").field("value", i.trace_header).end_object();
}

void spans(Writer& w, const std::vector<Span>& list) {
  if (list.empty()) return;
  w.key("spans").begin_array();
  for (const auto& s : list) {
    w.begin_object()
        .field("name", s.name)
        .field("start", lambda_relay::json::iso8601(s.start))
        .field("durationMs", round3(s.duration_ms))
        .end_object();
  }
  w.end_array();
}

}  // namespace

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::string init_start(const FunctionConfig& f, std::string_view phase, std::string_view instance_id) {
  std::string out;
  Writer w(out);
  w.begin_object()
      .field("initializationType", "on-demand")
      .field("phase", phase)
      .field("runtimeVersion", f.runtime_cmd ? "custom:emulated" : "emulator:simulated")
      .field("runtimeVersionArn", "arn:aws:lambda:" + f.region + "::runtime:" + std::string(64, '0'))
      .field("functionName", f.name)
      .field("functionVersion", f.version)
      .field("instanceId", instance_id)
      .field("instanceMaxMemory", static_cast<std::int64_t>(f.memory_mb) * 1024 * 1024)
      .end_object();
  return out;
}

std::string init_runtime_done(std::string_view phase, const Outcome& outcome) {
  std::string out;
  Writer w(out);
  w.begin_object().field("initializationType", "on-demand").field("phase", phase);
  outcome_fields(w, outcome);
  w.end_object();
  return out;
}

std::string init_report(std::string_view phase, const Outcome& outcome, double duration_ms) {
  std::string out;
  Writer w(out);
  w.begin_object().field("initializationType", "on-demand").field("phase", phase);
  outcome_fields(w, outcome);
  w.key("metrics").begin_object().field("durationMs", round3(duration_ms)).end_object();
  w.end_object();
  return out;
}

std::string extension(const Extension& e, const std::optional<std::string>& error_type) {
  std::string out;
  Writer w(out);
  w.begin_object().field("name", e.name).field("state", e.state).key("events").begin_array();
  for (const auto& ev : e.events) w.value(ev);
  w.end_array();
  if (error_type) w.field("errorType", *error_type);
  w.end_object();
  return out;
}

std::string start(const FunctionConfig& f, const Invocation& i) {
  std::string out;
  Writer w(out);
  w.begin_object().field("requestId", i.request_id).field("version", f.version);
  tracing(w, i);
  w.end_object();
  return out;
}

std::string runtime_done(const Invocation& i, const Outcome& outcome, double duration_ms,
                         const std::vector<Span>& span_list) {
  std::string out;
  Writer w(out);
  w.begin_object().field("requestId", i.request_id);
  outcome_fields(w, outcome);
  w.key("metrics")
      .begin_object()
      .field("durationMs", round3(duration_ms))
      .field("producedBytes", static_cast<std::uint64_t>(i.produced_bytes))
      .end_object();
  spans(w, span_list);
  tracing(w, i);
  w.end_object();
  return out;
}

std::string report(const Invocation& i, const Outcome& outcome, const ReportMetrics& m,
                   const std::vector<Span>& span_list) {
  std::string out;
  Writer w(out);
  w.begin_object().field("requestId", i.request_id);
  outcome_fields(w, outcome);
  const double billed = std::ceil(m.duration_ms + m.init_duration_ms.value_or(0.0));
  w.key("metrics")
      .begin_object()
      .field("durationMs", round3(m.duration_ms))
      .field("billedDurationMs", static_cast<std::int64_t>(billed))
      .field("memorySizeMB", m.memory_size_mb)
      .field("maxMemoryUsedMB", m.max_memory_used_mb);
  if (m.init_duration_ms) w.field("initDurationMs", round3(*m.init_duration_ms));
  w.end_object();
  spans(w, span_list);
  tracing(w, i);
  w.end_object();
  return out;
}

std::string end(const Invocation& i) {
  std::string out;
  Writer(out).begin_object().field("requestId", i.request_id).end_object();
  return out;
}

}  // namespace lambda_emulator::records
