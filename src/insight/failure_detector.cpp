#include "insight/failure_detector.hpp"

#include "insight/log_lines.hpp"
#include "insight/log_severity.hpp"
#include "insight/xray.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace lambda_relay::insight {
namespace {

using telemetry::Status;

constexpr std::size_t kFinishedMemory = 64;
constexpr std::size_t kDetailLineBytes = 200;

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& values) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Reported by the managed runtimes through /runtime/init/error when the handler cannot be loaded;
// Runtime.InvalidEntrypoint is Lambda's own for a bootstrap that cannot be started.
constexpr std::array<std::string_view, 6> kInvalidHandlerTypes{
    "Runtime.HandlerNotFound",       "Runtime.ImportModuleError",  "Runtime.MalformedHandlerName",
    "Runtime.BuiltInModuleConflict", "Runtime.InvalidEntrypoint",  "Runtime.InvalidWorkingDir"};
// Init errors that can only surface in an invocation's report when the suppressed init failed.
constexpr std::array<std::string_view, 1> kInitOnlyTypes{"Runtime.UserCodeSyntaxError"};
// Lambda rejected what the runtime sent back; the function's SDK saw a successful return.
constexpr std::array<std::string_view, 3> kInvalidResponseTypes{
    "Runtime.TruncatedResponse", "Runtime.InvalidResponseModeHeader", "Function.ResponseSizeTooLarge"};

bool is_hex16(std::string_view text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool is_failure_status(Status status) { return status == Status::error || status == Status::failure || status == Status::timeout; }

}  // namespace

std::string_view to_string(FailureKind kind) noexcept {
  switch (kind) {
    case FailureKind::invalid_handler: return "invalid_handler";
    case FailureKind::init_error: return "init_error";
    case FailureKind::init_timeout: return "init_timeout";
    case FailureKind::timeout: return "timeout";
    case FailureKind::out_of_memory: return "out_of_memory";
    case FailureKind::crash: return "crash";
    case FailureKind::invalid_response: return "invalid_response";
    case FailureKind::platform_failure: return "platform_failure";
    case FailureKind::restore_error: return "restore_error";
  }
  return "unknown";
}

std::string_view to_string(FailurePhase phase) noexcept {
  switch (phase) {
    case FailurePhase::init: return "init";
    case FailurePhase::invoke: return "invoke";
    case FailurePhase::restore: return "restore";
  }
  return "unknown";
}

std::optional<Classification> classify_init(Status status, const std::optional<std::string>& error_type) {
  if (!is_failure_status(status)) return std::nullopt;
  const std::string type = error_type.value_or("");
  if (status == Status::timeout) return Classification{FailureKind::init_timeout, type.empty() ? "Sandbox.Timedout" : type};
  if (status == Status::failure || starts_with(type, "Sandbox.")) {
    return Classification{FailureKind::platform_failure, type.empty() ? "Sandbox.Failure" : type};
  }
  if (one_of(type, kInvalidHandlerTypes)) return Classification{FailureKind::invalid_handler, type};
  if (type == "Runtime.OutOfMemory") return Classification{FailureKind::out_of_memory, type};
  return Classification{FailureKind::init_error, type.empty() ? "Runtime.Unknown" : type};
}

std::optional<Classification> classify_invoke(Status status, const std::optional<std::string>& error_type) {
  if (!is_failure_status(status)) return std::nullopt;
  const std::string type = error_type.value_or("");
  if (status == Status::timeout || type == "Sandbox.Timedout") {
    return Classification{FailureKind::timeout, type.empty() ? "Sandbox.Timedout" : type};
  }
  if (status == Status::failure || starts_with(type, "Sandbox.")) {
    return Classification{FailureKind::platform_failure, type.empty() ? "Sandbox.Failure" : type};
  }
  if (type == "Runtime.OutOfMemory") return Classification{FailureKind::out_of_memory, type};
  if (type == "Runtime.ExitError" || starts_with(type, "Extension.")) return Classification{FailureKind::crash, type};
  if (one_of(type, kInvalidResponseTypes)) return Classification{FailureKind::invalid_response, type};
  if (one_of(type, kInvalidHandlerTypes)) return Classification{FailureKind::invalid_handler, type};
  if (one_of(type, kInitOnlyTypes)) return Classification{FailureKind::init_error, type};
  return std::nullopt;  // the function's own error: its SDK reports it
}

FailureDetector::FailureDetector(FailureDetectorOptions options, Sink sink)
    : options_(options), sink_(std::move(sink)), init_tail_(options.log_tail_lines, options.max_line_bytes) {}

void FailureDetector::add(const telemetry::Event& event) {
  using telemetry::EventType;
  const auto& r = event.record;
  switch (event.type) {
    case EventType::platform_init_start: on_init_start(event, std::get<telemetry::InitStart>(r)); break;
    case EventType::platform_init_runtime_done: on_init_done(event, std::get<telemetry::InitRuntimeDone>(r)); break;
    case EventType::platform_init_report: on_init_report(event, std::get<telemetry::InitReport>(r)); break;
    case EventType::platform_start: on_start(event, std::get<telemetry::Start>(r)); break;
    case EventType::platform_runtime_done: on_runtime_done(event, std::get<telemetry::RuntimeDone>(r)); break;
    case EventType::platform_report: on_report(event, std::get<telemetry::Report>(r)); break;
    case EventType::platform_restore_runtime_done: {
      const auto& done = std::get<telemetry::RestoreRuntimeDone>(r);
      on_restore(event, done.status, done.error_type, std::nullopt, false);
      break;
    }
    case EventType::platform_restore_report: {
      const auto& report = std::get<telemetry::RestoreReport>(r);
      on_restore(event, report.status, report.error_type, report.duration, true);
      break;
    }
    case EventType::function: on_log(event, std::get<telemetry::LogRecord>(r)); break;
    default: break;
  }
}

void FailureDetector::on_init_start(const telemetry::Event& event, const telemetry::InitStart& record) {
  // A new init means the environment before it is gone: nothing will complete what still waits.
  flush();
  invocations_.clear();
  current_.clear();
  init_ = Init{};
  init_.active = true;
  init_.started = event.time;
  init_.initialization_type = record.initialization_type.text;
  init_.phase = record.phase.text;
  init_.runtime_version = record.runtime_version;
  init_.function_name = record.function_name;
  init_.log_stream = record.instance_id;
  init_tail_.clear();
}

Failure FailureDetector::init_failure(const telemetry::Event& event, const Classification& c, Status status) const {
  Failure f;
  f.kind = c.kind;
  f.phase = FailurePhase::init;
  f.error_type = c.error_type;
  f.status = std::string(telemetry::to_string(status));
  f.detected_by = event.type_text;
  f.time = event.time;
  f.started = init_.started;
  f.initialization_type = init_.initialization_type;
  f.init_phase = init_.phase;
  f.runtime_version = init_.runtime_version;
  f.function_name = init_.function_name;
  f.log_stream = init_.log_stream;
  f.log_tail = init_tail_.lines();
  return f;
}

void FailureDetector::on_init_done(const telemetry::Event& event, const telemetry::InitRuntimeDone& record) {
  if (record.phase) init_.phase = record.phase->text;
  if (!init_.initialization_type) init_.initialization_type = record.initialization_type.text;
  if (init_.pending) return;
  if (auto c = classify_init(record.status.value, record.error_type)) {
    init_.pending = init_failure(event, *c, record.status.value);
  }
}

void FailureDetector::on_init_report(const telemetry::Event& event, const telemetry::InitReport& record) {
  init_.phase = record.phase.text;
  if (!init_.initialization_type) init_.initialization_type = record.initialization_type.text;
  // 2022 payloads have no status: the initRuntimeDone before decides alone then.
  const Status status = record.status ? record.status->value
                        : init_.pending ? telemetry::parse_status(init_.pending->status)
                                        : Status::success;
  const auto error_type = record.error_type ? record.error_type
                          : init_.pending ? std::optional<std::string>(init_.pending->error_type)
                                          : std::nullopt;
  std::optional<Failure> failure = std::move(init_.pending);
  init_.pending.reset();
  if (auto c = classify_init(status, error_type)) {
    auto from_report = init_failure(event, *c, status);
    if (failure) from_report.detected_by = failure->detected_by + "+" + from_report.detected_by;
    failure = std::move(from_report);
  }
  init_.active = false;
  if (!failure) return;
  failure->duration = record.duration;
  failure->init_duration = record.duration;
  failure->log_tail = init_tail_.lines();
  if (record.phase.value == telemetry::InitPhase::invoke) {
    awaiting_start_ = std::move(failure);  // the invocation that ran this init is about to start
  } else {
    emit(std::move(*failure));
  }
}

void FailureDetector::on_start(const telemetry::Event& event, const telemetry::Start& record) {
  if (init_.active) {  // initReport missed: the init is over all the same
    init_.active = false;
    if (init_.pending) {
      awaiting_start_ = std::move(init_.pending);
      init_.pending.reset();
    }
  }
  if (restore_pending_) {
    emit(std::move(*restore_pending_));
    restore_pending_.reset();
  }
  auto& inv = invocation(record.request_id);
  inv.started = event.time;
  if (record.tracing) {
    inv.xray_header = record.tracing->value;
    inv.span_id = record.tracing->span_id;
  }
  if (!inv.invoked_function_arn) inv.invoked_function_arn = record.function_arn;
  inv.function_version = record.version;
  current_ = record.request_id;
  if (awaiting_start_) {
    // The failed suppressed init belongs to this request; its runtimeDone and report repeat it.
    auto failure = std::move(*awaiting_start_);
    awaiting_start_.reset();
    attach_to_invocation(failure, inv);
    inv.settled = true;
    emit(std::move(failure));
  }
}

void FailureDetector::on_runtime_done(const telemetry::Event& event, const telemetry::RuntimeDone& record) {
  if (finished(record.request_id)) return;
  auto& inv = invocation(record.request_id);
  inv.runtime_done = true;
  if (current_ == record.request_id) current_.clear();
  if (!inv.xray_header && record.tracing) {
    inv.xray_header = record.tracing->value;
    inv.span_id = record.tracing->span_id;
  }
  inv.runtime_duration = record.duration;
  if (inv.settled || inv.pending) return;
  auto c = classify_invoke(record.status.value, record.error_type);
  if (!c) return;
  Failure f;
  f.kind = c->kind;
  f.error_type = c->error_type;
  f.status = record.status.text;
  f.detected_by = event.type_text;
  f.time = event.time;
  f.duration = record.duration;
  inv.pending = std::move(f);
}

void FailureDetector::on_report(const telemetry::Event& event, const telemetry::Report& record) {
  if (finished(record.request_id)) return;
  auto& inv = invocation(record.request_id);
  if (current_ == record.request_id) current_.clear();
  if (!inv.xray_header && record.tracing) {
    inv.xray_header = record.tracing->value;
    inv.span_id = record.tracing->span_id;
  }
  std::optional<Failure> failure = std::move(inv.pending);
  inv.pending.reset();
  if (!inv.settled) {
    if (auto c = classify_invoke(record.status.value, record.error_type)) {
      if (!failure) {
        failure.emplace();
        failure->time = event.time;
        failure->detected_by = event.type_text;
      } else {
        failure->detected_by += "+" + event.type_text;
      }
      failure->kind = c->kind;  // the report has the last word (e.g. ExitError, then OutOfMemory)
      failure->error_type = c->error_type;
      failure->status = record.status.text;
    }
  }
  if (failure) {
    const auto& m = record.metrics;
    failure->duration = inv.runtime_duration ? inv.runtime_duration : std::optional(m.duration);
    failure->billed_duration_ms = m.billed_duration_ms;
    failure->memory_size_mb = m.memory_size_mb;
    failure->max_memory_used_mb = m.max_memory_used_mb;
    failure->init_duration = m.init_duration;
  }
  if (!inv.settled) settle(inv, std::move(failure));
  finish(record.request_id);
}

void FailureDetector::on_restore(const telemetry::Event& event, const telemetry::Named<Status>& status,
                                 const std::optional<std::string>& error_type,
                                 std::optional<telemetry::Milliseconds> duration, bool completes) {
  if (is_failure_status(status.value) && !restore_pending_) {
    Failure f;
    f.kind = FailureKind::restore_error;
    f.phase = FailurePhase::restore;
    f.error_type = error_type.value_or(status.value == Status::timeout ? "Sandbox.Timedout" : "Runtime.Unknown");
    f.status = status.text;
    f.detected_by = event.type_text;
    f.time = event.time;
    f.runtime_version = init_.runtime_version;
    f.function_name = init_.function_name;
    f.log_stream = init_.log_stream;
    f.log_tail = init_tail_.lines();
    restore_pending_ = std::move(f);
  }
  if (!completes || !restore_pending_) return;
  restore_pending_->duration = duration;
  emit(std::move(*restore_pending_));
  restore_pending_.reset();
}

void FailureDetector::on_log(const telemetry::Event& event, const telemetry::LogRecord& record) {
  Invocation* target = nullptr;
  if (record.request_id) target = find(*record.request_id);
  if (target == nullptr && !current_.empty()) target = find(current_);
  if (target == nullptr && !init_.active) {
    // Between runtimeDone and report a crashing runtime's last words may still arrive.
    for (auto it = invocations_.rbegin(); it != invocations_.rend() && target == nullptr; ++it) {
      if (it->runtime_done && !it->settled) target = &*it;
    }
  }
  LogLine line;
  line.time = event.time;
  line.text = record.structured && record.text.empty() ? record.json : record.text;
  if (record.level) {
    line.level = record.level;
  } else if (!record.structured) {
    if (const int severity = severity_from_line(record.text); severity > 0) line.level = std::string(severity_name(severity));
  }
  if (target != nullptr) {
    if (!target->oom_line && (is_out_of_memory_line(line.text) || (record.structured && is_out_of_memory_line(record.json)))) {
      target->oom_line = line.text.substr(0, kDetailLineBytes);
    }
    target->tail.add(std::move(line));
  } else if (init_.active) {
    init_tail_.add(std::move(line));
  }
}

void FailureDetector::attach_to_invocation(Failure& failure, const Invocation& inv) const {
  failure.request_id = inv.request_id;
  failure.started = inv.started ? inv.started : failure.started;
  failure.xray_header = inv.xray_header;
  if (inv.xray_header) {
    if (auto ids = parse_xray_header(*inv.xray_header)) {
      failure.trace_id = ids->trace_id;
      failure.parent_span_id = ids->parent_id;
    }
  }
  if (inv.span_id && is_hex16(*inv.span_id)) failure.span_id = inv.span_id;
  failure.invoked_function_arn = inv.invoked_function_arn;
  failure.function_version = inv.function_version;
  failure.deadline = inv.deadline;
}

void FailureDetector::settle(Invocation& inv, std::optional<Failure> failure) {
  inv.settled = true;
  if (!failure) return;
  Failure f = std::move(*failure);
  f.phase = FailurePhase::invoke;
  attach_to_invocation(f, inv);
  f.log_tail = inv.tail.lines();
  f.initialization_type = init_.initialization_type;
  f.init_phase = init_.phase;
  f.runtime_version = init_.runtime_version;
  f.function_name = init_.function_name;
  f.log_stream = init_.log_stream;
  const bool at_memory_size = f.max_memory_used_mb && f.memory_size_mb && *f.max_memory_used_mb >= *f.memory_size_mb;
  if (f.kind == FailureKind::crash && f.error_type == "Runtime.ExitError") {
    if (at_memory_size) {
      f.kind = FailureKind::out_of_memory;
      f.detail = fmt::format("max memory used {} MB of {} MB", *f.max_memory_used_mb, *f.memory_size_mb);
    } else if (inv.oom_line) {
      f.kind = FailureKind::out_of_memory;
      f.detail = "out-of-memory line in the function log: " + *inv.oom_line;
    }
  } else if (f.kind == FailureKind::timeout && at_memory_size) {
    f.detail = fmt::format("max memory used {} MB of {} MB: memory pressure may have slowed it down",
                           *f.max_memory_used_mb, *f.memory_size_mb);
  } else if (f.kind == FailureKind::out_of_memory && f.max_memory_used_mb && f.memory_size_mb) {
    f.detail = fmt::format("max memory used {} MB of {} MB", *f.max_memory_used_mb, *f.memory_size_mb);
  }
  emit(std::move(f));
}

FailureDetector::Invocation* FailureDetector::find(std::string_view request_id) {
  for (auto& inv : invocations_) {
    if (inv.request_id == request_id) return &inv;
  }
  return nullptr;
}

FailureDetector::Invocation& FailureDetector::invocation(std::string_view request_id) {
  if (auto* inv = find(request_id)) return *inv;
  if (invocations_.size() >= options_.max_invocations && !invocations_.empty()) {
    auto oldest = std::min_element(invocations_.begin(), invocations_.end(),
                                   [](const Invocation& a, const Invocation& b) { return a.order < b.order; });
    if (!oldest->settled && oldest->pending) settle(*oldest, std::move(oldest->pending));
    finish(std::string(oldest->request_id));
  }
  invocations_.emplace_back(std::string(request_id), next_order_++,
                            LogTail(options_.log_tail_lines, options_.max_line_bytes));
  return invocations_.back();
}

bool FailureDetector::finished(std::string_view request_id) const {
  return std::find(finished_.begin(), finished_.end(), request_id) != finished_.end();
}

void FailureDetector::finish(std::string_view request_id) {
  const std::string id(request_id);
  std::erase_if(invocations_, [&](const Invocation& inv) { return inv.request_id == id; });
  if (current_ == id) current_.clear();
  finished_.push_back(id);
  if (finished_.size() > kFinishedMemory) finished_.pop_front();
}

void FailureDetector::note_invoke(std::string_view request_id, telemetry::Timestamp deadline,
                                  std::string_view invoked_function_arn, std::optional<std::string_view> xray_header) {
  if (finished(request_id)) return;
  auto& inv = invocation(request_id);
  inv.deadline = deadline;
  if (!invoked_function_arn.empty()) inv.invoked_function_arn = std::string(invoked_function_arn);
  if (!inv.xray_header && xray_header) inv.xray_header = std::string(*xray_header);
}

void FailureDetector::flush() {
  if (init_.pending) {
    auto failure = std::move(*init_.pending);
    init_.pending.reset();
    failure.log_tail = init_tail_.lines();
    emit(std::move(failure));
  }
  if (awaiting_start_) {
    emit(std::move(*awaiting_start_));
    awaiting_start_.reset();
  }
  if (restore_pending_) {
    emit(std::move(*restore_pending_));
    restore_pending_.reset();
  }
  for (auto& inv : invocations_) {
    if (!inv.settled && inv.pending) {
      auto pending = std::move(inv.pending);
      inv.pending.reset();
      settle(inv, std::move(pending));
    }
  }
}

void FailureDetector::emit(Failure failure) {
  if (!failure.error_message && failure.kind != FailureKind::timeout && failure.kind != FailureKind::platform_failure) {
    failure.error_message = find_error_message(failure.log_tail, failure.error_type);
  }
  ++detected_;
  sink_(std::move(failure));
}

}  // namespace lambda_relay::insight
