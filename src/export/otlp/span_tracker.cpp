#include "export/otlp/span_tracker.hpp"

#include "insight/xray.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace lambda_relay::otlp {
namespace {

constexpr std::size_t kMaxPendingInvokes = 16;

std::uint64_t millis_to_nanos(double ms) {
  if (!(ms > 0)) return 0;  // also NaN
  return static_cast<std::uint64_t>(std::llround(ms * 1e6));
}

std::uint32_t span_flags(bool sampled, bool remote_parent) {
  return kFlagHasIsRemote | (remote_parent ? kFlagIsRemote : 0U) | (sampled ? kFlagSampled : 0U);
}

bool has_attribute(const Span& span, std::string_view key) {
  return std::any_of(span.attributes.begin(), span.attributes.end(), [&](const KeyValue& kv) { return kv.key == key; });
}

void set_error(Span& span, std::string error_type, std::string message) {
  span.status.code = StatusCode::error;
  span.status.message = std::move(message);
  if (!has_attribute(span, "error.type")) span.attributes.push_back(attribute("error.type", std::move(error_type)));
}

// The function ARN with the version the invocation runs ("cloud.resource_id" wants the version, not
// the alias): arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>] → ...:<name>:<version>.
std::string versioned_arn(std::string_view arn, std::string_view version) {
  std::size_t colons = 0;
  std::size_t name_end = arn.size();
  for (std::size_t i = 0; i < arn.size(); ++i) {
    if (arn[i] == ':' && ++colons == 7) {
      name_end = i;
      break;
    }
  }
  if (colons < 6) return std::string(arn);  // not a function ARN: keep it as it is
  std::string base(arn.substr(0, name_end));
  return version.empty() ? base : base + ":" + std::string(version);
}

}  // namespace

std::uint64_t unix_nanos(telemetry::Timestamp time) noexcept {
  const auto micros = time.time_since_epoch().count();
  return micros > 0 ? static_cast<std::uint64_t>(micros) * 1000U : 0U;
}

SpanTracker::SpanTracker(IdGenerator& ids, std::size_t max_open) : ids_(ids), max_open_(std::max<std::size_t>(1, max_open)) {}

void SpanTracker::set_function(std::string name, std::string version) {
  function_name_ = std::move(name);
  function_version_ = std::move(version);
}

void SpanTracker::invoke(std::string request_id, std::string invoked_arn, std::optional<std::string> xray_header) {
  if (Invocation* invocation = find(request_id)) {
    // platform.start came first: the ARN is still worth adding.
    auto& span = invocation->span;
    if (invoked_arn.empty() || has_attribute(span, "aws.lambda.invoked_arn")) return;
    if (!has_attribute(span, "cloud.resource_id")) {
      span.attributes.push_back(attribute("cloud.resource_id", versioned_arn(invoked_arn, invocation->context.version)));
    }
    span.attributes.push_back(attribute("aws.lambda.invoked_arn", std::move(invoked_arn)));
    return;
  }
  if (invokes_.size() >= kMaxPendingInvokes) invokes_.pop_front();
  invokes_.push_back(PendingInvoke{std::move(request_id), std::move(invoked_arn), std::move(xray_header)});
}

// ---------------------------------------------------------------------------------------------------
// Init and restore

void SpanTracker::open_phase(std::uint64_t time, std::string name, bool coldstart) {
  close_phase();
  current_.clear();  // a new Init means the previous invocation is over
  Phase phase;
  phase.context.trace_id = ids_.trace_id();
  phase.context.span_id = ids_.span_id();
  phase.context.sampled = true;
  auto& span = phase.span;
  span.trace_id = phase.context.trace_id;
  span.span_id = phase.context.span_id;
  span.name = std::move(name);
  span.kind = SpanKind::internal;
  span.start_time_unix_nano = time;
  span.attributes.push_back(attribute("faas.coldstart", coldstart));
  span.flags = span_flags(true, false);
  cold_link_ = SpanLink{span.trace_id, span.span_id, {}, span.flags & 0xFFU};
  coldstart_pending_ = coldstart;
  phase_ = std::move(phase);
}

void SpanTracker::phase_outcome(const telemetry::Named<telemetry::Status>& status,
                                const std::optional<std::string>& error_type) {
  if (!phase_ || status.value == telemetry::Status::success) return;
  const std::string type = error_type.value_or(status.text);
  set_error(phase_->span, type, type);
}

void SpanTracker::close_phase() {
  if (!phase_) return;
  auto& span = phase_->span;
  span.end_time_unix_nano = std::max(span.end_time_unix_nano, span.start_time_unix_nano);
  finished_.push_back(std::move(span));
  std::move(phase_->children.begin(), phase_->children.end(), std::back_inserter(finished_));
  phase_.reset();
}

void SpanTracker::init_start(std::uint64_t time, const telemetry::InitStart& record) {
  if (function_name_.empty() && record.function_name) function_name_ = *record.function_name;
  if (function_version_.empty() && record.function_version) function_version_ = *record.function_version;
  // Provisioned concurrency prepares environments ahead of requests: not a cold start.
  const bool coldstart = record.initialization_type.value == telemetry::InitType::on_demand;
  open_phase(time, "init " + function_name_, coldstart);
}

void SpanTracker::init_runtime_done(std::uint64_t time, const telemetry::InitRuntimeDone& record) {
  if (!phase_) return;
  phase_->span.end_time_unix_nano = time;
  phase_outcome(record.status, record.error_type);
  add_children(phase_->span, record.spans, phase_->children);
}

void SpanTracker::init_report(std::uint64_t time, const telemetry::InitReport& record) {
  if (!phase_) return;
  const auto duration = millis_to_nanos(record.duration.count());
  phase_->span.end_time_unix_nano = duration != 0 ? phase_->span.start_time_unix_nano + duration : time;
  if (record.status) phase_outcome(*record.status, record.error_type);
  add_children(phase_->span, record.spans, phase_->children);
  close_phase();
}

void SpanTracker::restore_start(std::uint64_t time, const telemetry::RestoreStart& record) {
  if (function_name_.empty() && record.function_name) function_name_ = *record.function_name;
  open_phase(time, "restore " + function_name_, true);
}

void SpanTracker::restore_runtime_done(std::uint64_t time, const telemetry::RestoreRuntimeDone& record) {
  if (!phase_) return;
  phase_->span.end_time_unix_nano = time;
  phase_outcome(record.status, record.error_type);
  add_children(phase_->span, record.spans, phase_->children);
}

void SpanTracker::restore_report(std::uint64_t time, const telemetry::RestoreReport& record) {
  if (!phase_) return;
  const auto duration = record.duration ? millis_to_nanos(record.duration->count()) : 0;
  phase_->span.end_time_unix_nano = duration != 0 ? phase_->span.start_time_unix_nano + duration : time;
  phase_outcome(record.status, record.error_type);
  add_children(phase_->span, record.spans, phase_->children);
  close_phase();
}

// ---------------------------------------------------------------------------------------------------
// Invocations

SpanTracker::Invocation& SpanTracker::open_invocation(std::uint64_t time, const std::string& request_id,
                                                      const std::optional<telemetry::TraceContext>& tracing,
                                                      const std::optional<std::string>& version,
                                                      const std::optional<std::string>& function_arn) {
  // An Init that reported nothing more before its invocation started is over.
  close_phase();
  if (open_.size() >= max_open_) close(open_.begin());

  PendingInvoke invoke;
  const auto pending = std::find_if(invokes_.begin(), invokes_.end(), [&](const auto& i) { return i.request_id == request_id; });
  if (pending != invokes_.end()) {
    invoke = std::move(*pending);
    invokes_.erase(pending);
  }

  std::optional<insight::XrayTrace> xray;
  if (tracing) xray = insight::parse_xray_header(tracing->value);
  if (!xray && invoke.xray_header) xray = insight::parse_xray_header(*invoke.xray_header);

  Invocation invocation;
  invocation.context.version = version.value_or(function_version_);
  invocation.last_time = time;
  auto& context = invocation.context;
  context.request_id = request_id;
  context.trace_id = ids_.trace_id();
  std::optional<SpanId> parent;
  if (xray) {
    if (auto id = parse_trace_id(xray->trace_id)) context.trace_id = *id;
    if (xray->parent_id) parent = parse_span_id(*xray->parent_id);
    context.sampled = xray->sampled.value_or(false);
  }
  context.span_id = ids_.span_id();

  auto& span = invocation.span;
  span.trace_id = context.trace_id;
  span.span_id = context.span_id;
  if (parent) span.parent_span_id = *parent;
  span.name = function_name_.empty() ? "invocation" : function_name_;
  span.kind = SpanKind::server;
  span.start_time_unix_nano = time;
  span.flags = span_flags(context.sampled, parent.has_value());
  span.attributes.push_back(attribute("faas.invocation_id", request_id));
  span.attributes.push_back(attribute("faas.coldstart", coldstart_pending_));
  span.attributes.push_back(attribute("faas.trigger", "other"));  // an extension cannot see the event
  const std::string& arn = !invoke.invoked_arn.empty() ? invoke.invoked_arn : function_arn.value_or(std::string());
  if (!arn.empty()) span.attributes.push_back(attribute("cloud.resource_id", versioned_arn(arn, invocation.context.version)));
  if (!invoke.invoked_arn.empty()) span.attributes.push_back(attribute("aws.lambda.invoked_arn", invoke.invoked_arn));
  if (coldstart_pending_ && cold_link_) span.links.push_back(*cold_link_);
  coldstart_pending_ = false;
  cold_link_.reset();

  current_ = request_id;
  open_.push_back(std::move(invocation));
  return open_.back();
}

void SpanTracker::start(std::uint64_t time, const telemetry::Start& record) {
  if (find(record.request_id) != nullptr) return;  // a repeated platform.start
  (void)open_invocation(time, record.request_id, record.tracing, record.version, record.function_arn);
}

void SpanTracker::outcome(Invocation& invocation, const telemetry::Named<telemetry::Status>& status,
                          const std::optional<std::string>& error_type, std::optional<double> duration_ms) {
  using telemetry::Status;
  if (status.value == Status::success) return;
  if (status.value == Status::timeout) {
    const double seconds = duration_ms.value_or(0) / 1000;
    set_error(invocation.span, "timeout", fmt::format("Task timed out after {:.2f} seconds", seconds));
    return;
  }
  const std::string type = error_type.value_or(status.text);
  set_error(invocation.span, type, type);
}

void SpanTracker::runtime_done(std::uint64_t time, const telemetry::RuntimeDone& record) {
  Invocation* invocation = find(record.request_id);
  if (invocation == nullptr) {
    // platform.start was missed (or arrived in a batch that was lost): the span starts here.
    const auto start = time - std::min(time, millis_to_nanos(record.duration ? record.duration->count() : 0));
    invocation = &open_invocation(start, record.request_id, record.tracing, std::nullopt, std::nullopt);
  }
  auto& span = invocation->span;
  span.end_time_unix_nano = record.duration ? span.start_time_unix_nano + millis_to_nanos(record.duration->count()) : time;
  invocation->runtime_done = true;
  invocation->last_time = std::max(invocation->last_time, time);
  outcome(*invocation, record.status,
          record.error_type, record.duration ? std::optional<double>(record.duration->count()) : std::nullopt);
  add_children(span, record.spans, invocation->children);
}

void SpanTracker::report(std::uint64_t time, const telemetry::Report& record) {
  Invocation* invocation = find(record.request_id);
  if (invocation == nullptr) {
    const auto start = time - std::min(time, millis_to_nanos(record.metrics.duration.count()));
    invocation = &open_invocation(start, record.request_id, record.tracing, std::nullopt, std::nullopt);
  }
  auto& span = invocation->span;
  if (!invocation->runtime_done) {
    // Managed Instances send no runtimeDone; a lost one leaves only this.
    const auto duration = millis_to_nanos(record.metrics.duration.count());
    span.end_time_unix_nano = duration != 0 ? span.start_time_unix_nano + duration : time;
  }
  if (span.status.code != StatusCode::error) {
    outcome(*invocation, record.status, record.error_type, record.metrics.duration.count());
  }
  add_children(span, record.spans, invocation->children);
  const auto position = std::find_if(open_.begin(), open_.end(), [&](const Invocation& i) { return &i == invocation; });
  close(position);
}

void SpanTracker::add_children(const Span& parent, const std::vector<telemetry::Span>& spans, std::vector<Span>& out) {
  for (const auto& s : spans) {
    Span child;
    child.trace_id = parent.trace_id;
    child.span_id = ids_.span_id();
    child.parent_span_id = parent.span_id;
    child.name = s.name_text;
    child.kind = SpanKind::internal;
    child.start_time_unix_nano = unix_nanos(s.start);
    child.end_time_unix_nano = child.start_time_unix_nano + millis_to_nanos(s.duration.count());
    child.flags = span_flags((parent.flags & kFlagSampled) != 0, false);
    out.push_back(std::move(child));
  }
}

void SpanTracker::close(std::deque<Invocation>::iterator invocation) {
  if (invocation == open_.end()) return;
  auto& span = invocation->span;
  if (span.end_time_unix_nano < span.start_time_unix_nano) span.end_time_unix_nano = span.start_time_unix_nano;
  if (span.end_time_unix_nano == span.start_time_unix_nano) span.end_time_unix_nano = invocation->last_time;
  if (current_ == invocation->context.request_id) current_.clear();
  finished_.push_back(std::move(span));
  std::move(invocation->children.begin(), invocation->children.end(), std::back_inserter(finished_));
  open_.erase(invocation);
}

void SpanTracker::finish() {
  close_phase();
  while (!open_.empty()) close(open_.begin());
}

SpanTracker::Invocation* SpanTracker::find(std::string_view request_id) {
  if (request_id.empty()) return nullptr;
  const auto it = std::find_if(open_.begin(), open_.end(), [&](const Invocation& i) { return i.context.request_id == request_id; });
  return it == open_.end() ? nullptr : &*it;
}

const SpanTracker::Invocation* SpanTracker::find(std::string_view request_id) const {
  return const_cast<SpanTracker*>(this)->find(request_id);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

const LogContext* SpanTracker::context(std::optional<std::string_view> request_id) const {
  if (request_id) {
    if (const Invocation* invocation = find(*request_id)) return &invocation->context;
  }
  if (const Invocation* invocation = find(current_)) return &invocation->context;
  if (phase_) return &phase_->context;
  return nullptr;
}

std::vector<Span> SpanTracker::take_finished() {
  std::vector<Span> spans;
  spans.swap(finished_);
  return spans;
}

}  // namespace lambda_relay::otlp
