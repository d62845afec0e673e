#include "sandbox.hpp"

#include "ids.hpp"
#include "json/writer.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lambda_emulator {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr auto kMemoryPollInterval = std::chrono::milliseconds(10);
// How long the last lines of a dead runtime are waited for (a child of it may hold the pipe open).
constexpr auto kOutputDrainLimit = std::chrono::milliseconds(200);

std::string log_stream_name(const FunctionConfig& f) {
  const auto uuid = new_uuid();
  std::string hex;
  for (char c : uuid) {
    if (c != '-') hex += c;
  }
  const auto now = WallClock::to_time_t(WallClock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}/{:02}/{:02}/[{}]{}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, f.version, hex);
}

std::string invoke_event(const Invocation& i, const FunctionConfig& f) {
  std::string out;
  lambda_relay::json::Writer(out)
      .begin_object()
      .field("eventType", "INVOKE")
      .field("deadlineMs", static_cast<std::int64_t>(
                               std::chrono::duration_cast<std::chrono::milliseconds>(i.deadline.time_since_epoch()).count()))
      .field("requestId", i.request_id)
      .field("invokedFunctionArn", f.arn())
      .key("tracing").begin_object().field("type", "X-Amzn-Trace-Id").field("value", i.trace_header).end_object()
      .end_object();
  return out;
}

std::string shutdown_event(std::string_view reason, WallClock::time_point deadline) {
  std::string out;
  lambda_relay::json::Writer(out)
      .begin_object()
      .field("eventType", "SHUTDOWN")
      .field("shutdownReason", reason)
      .field("deadlineMs", static_cast<std::int64_t>(
                               std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count()))
      .end_object();
  return out;
}

bool is_json_object(std::string_view line) {
  if (line.empty() || line.front() != '{') return false;
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  return !parser.parse(line.data(), line.size()).get(element) && element.is_object();
}

std::string json_string(std::string_view text) {
  std::string out;
  lambda_relay::json::append_string(out, text);
  return out;
}

void echo(std::string_view who, std::string_view line) {
  const auto text = fmt::format("  [{}] {}\n", who, line);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

// Wall-clock time of a steady-clock instant (for span start times).
WallClock::time_point wall_time(Clock::time_point t) {
  return WallClock::now() - std::chrono::duration_cast<WallClock::duration>(Clock::now() - t);
}

std::string missed_deadline_violation(const Extension& e, std::string_view reason) {
  return fmt::format("extension {} (instance {}) did not exit before its SHUTDOWN ({}) deadline and was killed",
                     e.name, e.instance, reason);
}

}  // namespace

Sandbox::Sandbox(SandboxState& state, StateChanged& changed, ProcessTable& processes, TelemetryHub& telemetry,
                 SandboxOptions options)
    : state_(state),
      changed_(changed),
      processes_(processes),
      telemetry_(telemetry),
      options_(std::move(options)),
      instance_id_(log_stream_name(state.function)) {}

void Sandbox::emit(std::string type, std::string record, Audience audience, bool logs_2021) {
  EmittedEvent e;
  e.time = lambda_relay::json::iso8601(WallClock::now());
  e.type = std::move(type);
  e.record = std::move(record);
  e.audience = audience;
  e.needs_logs_2021 = logs_2021;
  telemetry_.emit(std::move(e));
}

// A log line becomes a `function` or `extension` record: an object when the function logs JSON and
// the line is a JSON object (schema 2022-12-13 and later), a string otherwise.
void Sandbox::emit_log_line(std::string_view type, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  EmittedEvent e;
  e.time = lambda_relay::json::iso8601(WallClock::now());
  e.type = std::string(type);
  const bool json_logs = state_.function.log_format == "JSON" || state_.function.log_format == "json";
  if (json_logs && is_json_object(line)) {
    e.record = std::string(line);
    e.record_as_string = json_string(line);
  } else {
    e.record = json_string(line);
  }
  telemetry_.emit(std::move(e));
}

std::vector<std::string> Sandbox::process_environment(bool for_runtime) const {
  const auto& f = state_.function;
  std::vector<std::string> env{
      "AWS_LAMBDA_RUNTIME_API=" + state_.runtime_api,
      "AWS_LAMBDA_FUNCTION_NAME=" + f.name,
      "AWS_LAMBDA_FUNCTION_VERSION=" + f.version,
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + std::to_string(f.memory_mb),
      "AWS_REGION=" + f.region,
      "AWS_DEFAULT_REGION=" + f.region,
      "AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
      "AWS_LAMBDA_LOG_FORMAT=" + f.log_format,
      // Example credentials in the documented AWS example format: secrets an extension must never log.
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
      "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEMULATOR",
      "LANG=en_US.UTF-8",
      "TZ=:UTC",
  };
  // The host's PATH and HOME, so that real runtimes (node, python) are found.
  for (const char* name : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  if (for_runtime) {
    env.push_back("_HANDLER=" + f.handler);
    env.push_back("LAMBDA_TASK_ROOT=" + f.function_dir);
    env.push_back("LAMBDA_RUNTIME_DIR=" + f.function_dir);
    env.push_back("AWS_LAMBDA_LOG_GROUP_NAME=" + f.log_group());
    env.push_back("AWS_LAMBDA_LOG_STREAM_NAME=" + instance_id_);
    if (f.simulated_init_error) env.push_back("LAMBDA_EMULATOR_INIT_ERROR=" + *f.simulated_init_error);
  }
  env.insert(env.end(), f.extra_env.begin(), f.extra_env.end());
  return env;
}

void Sandbox::launch_extensions() {
  const fs::path dir = options_.sandbox_root ? fs::path(*options_.sandbox_root) / "opt/extensions"
                                             : fs::path(options_.extensions_dir);
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());  // follows symlinks; no recursion
  }
  std::sort(files.begin(), files.end());  // RIE starts them in lexical order, all at once

  generation_.clear();
  for (const auto& file : files) {
    auto extension = std::make_shared<Extension>();
    extension->name = file.filename().string();
    for (const auto& e : state_.extensions) {
      if (e->name == extension->name) extension->instance = std::max(extension->instance, e->instance);
    }
    ++extension->instance;
    ProcessSpec spec;
    spec.path = options_.sandbox_root ? "/opt/extensions/" + extension->name : fs::absolute(file).string();
    spec.argv = {spec.path};
    spec.env = process_environment(false);
    spec.chroot_dir = options_.sandbox_root;
    const auto name = extension->name;
    auto spawned = processes_.spawn(spec, [this, name](std::string_view line) {
      if (options_.echo_output) echo(name, line);
      emit_log_line("extension", line);
    });
    if (spawned) {
      extension->process = *spawned;
    } else {
      extension->launch_error = spawned.error().message;
      extension->state = "LaunchError";
      violations_.push_back(fmt::format("extension {} could not be launched: {}", name, spawned.error().message));
    }
    generation_.push_back(extension);
    state_.extensions.push_back(std::move(extension));
  }
}

void Sandbox::launch_runtime() {
  const auto& f = state_.function;
  ProcessSpec spec;
  if (f.runtime_cmd) {
    spec.path = "/bin/sh";
    spec.argv = {"/bin/sh", "-c", "exec " + *f.runtime_cmd};
  } else {
    spec.path = options_.self_path;
    spec.argv = {"lambda-emulator", "--simulated-runtime"};
  }
  spec.env = process_environment(true);
  spec.working_dir = f.function_dir.empty() ? "/" : f.function_dir;
  auto spawned = processes_.spawn(spec, [this](std::string_view line) {
    if (options_.echo_output) echo("function", line);
    emit_log_line("function", line);
  });
  if (spawned) {
    state_.runtime.process = *spawned;
  } else {
    state_.runtime.init_error = ErrorReport{"Runtime.InvalidEntrypoint", spawned.error().message};
  }
}

records::Outcome Sandbox::init_outcome(bool finished) const {
  const auto& runtime = state_.runtime;
  if (runtime.init_error) return {"error", runtime.init_error->type};
  // Reports first: an extension that called init/error and has already exited did not crash.
  for (const auto& e : state_.extensions) {
    const bool this_init = e->process ? std::find(generation_.begin(), generation_.end(), e) != generation_.end()
                                      : e->registered;
    if (this_init && e->init_error) return {"error", "Extension.InitError"};
  }
  for (const auto& e : generation_) {
    if (e->launch_error) return {"error", "Extension.LaunchError"};
  }
  for (const auto& e : generation_) {
    if (e->process && e->process->exited && !e->shutdown_sent_at && !e->exit_error) {
      return {"error", "Extension.Crash"};
    }
  }
  if (runtime.process && runtime.process->exited) return {"error", "Runtime.ExitError"};
  if (!finished) return {"timeout", std::nullopt};
  return {"success", std::nullopt};
}

// One platform.extension per extension of this Init: the launched files and internal extensions.
void Sandbox::emit_extension_records() {
  for (const auto& e : state_.extensions) {
    const bool launched_now = std::find(generation_.begin(), generation_.end(), e) != generation_.end();
    if (!launched_now && !(e->process == nullptr && e->registered)) continue;
    std::optional<std::string> error_type;
    if (e->launch_error) error_type = "Extension.LaunchError";
    else if (e->init_error) error_type = "Extension.InitError";
    else if (e->process && e->process->exited) error_type = "Extension.Crash";
    emit("platform.extension", records::extension(*e, error_type));
  }
}

asio::awaitable<bool> Sandbox::init(std::string phase, Clock::time_point deadline) {
  const auto started = Clock::now();
  state_.runtime = Runtime{};  // a reset left the previous runtime behind; judge only the new one
  state_.init_open = true;
  state_.init_phase = phase;
  telemetry_.begin_init();
  emit("platform.initStart", records::init_start(state_.function, phase, instance_id_));

  launch_extensions();
  auto failed = [this] { return init_outcome(true).status != "success"; };
  // Every launched extension must register before the runtime starts.
  co_await changed_.wait_until([&] {
    if (failed()) return true;
    for (const auto& e : state_.current_extensions()) {
      if (e->process && !e->registered) return false;
    }
    return true;
  }, deadline);

  bool finished = false;
  if (!failed() && Clock::now() < deadline) {
    launch_runtime();
    finished = co_await changed_.wait_until([&] {
      if (failed()) return true;
      if (!state_.runtime.ever_called_next) return false;
      for (const auto& e : state_.current_extensions()) {
        if (e->registered && !e->first_next_at) return false;
      }
      return true;
    }, deadline);
  }
  if (state_.runtime.process && state_.runtime.process->exited) co_await drain_output(state_.runtime.process);
  const auto outcome = init_outcome(finished);
  const double duration = records::ms_between(started, Clock::now());
  emit("platform.initRuntimeDone", records::init_runtime_done(phase, outcome));
  emit_extension_records();
  emit("platform.initReport", records::init_report(phase, outcome, duration));
  telemetry_.seal_init();
  inits_.push_back({phase, outcome, duration});

  if (outcome.status != "success") {
    // As in RIE, only a successful Init closes registration and subscriptions: an extension that
    // registered just before the runtime failed may still subscribe, and gets this Init's events.
    co_await shut_down("spindown");  // RIE's reason for a failed Init
    close_init();
    needs_init_ = true;
    co_return false;
  }
  close_init();
  needs_init_ = false;
  co_return true;
}

void Sandbox::close_init() {
  state_.init_open = false;
  telemetry_.end_init();
}

asio::awaitable<bool> Sandbox::cold_start() {
  const bool ok = co_await init("init", Clock::now() + options_.init_limit);
  if (ok) pending_init_duration_ms_ = inits_.back().duration_ms;
  co_return ok;
}

int Sandbox::memory_used_mb() const {
  long kb = state_.runtime.process ? state_.runtime.process->current_rss_kb() : 0;
  for (const auto& e : state_.current_extensions()) {
    if (e->process) kb += e->process->current_rss_kb();
  }
  return static_cast<int>((kb + 1023) / 1024);
}

std::shared_ptr<Invocation> Sandbox::new_invocation(std::string payload) const {
  auto invocation = std::make_shared<Invocation>();
  invocation->request_id = new_uuid();
  invocation->payload = std::move(payload);
  invocation->trace_header = new_trace_header();
  invocation->deadline = WallClock::now() + state_.function.timeout;
  invocation->started_at = Clock::now();
  return invocation;
}

// platform.start, INVOKE to every extension registered for it, the invocation to the runtime.
std::vector<std::shared_ptr<Extension>> Sandbox::deliver(const std::shared_ptr<Invocation>& invocation) {
  delivered_ids_.push_back(invocation->request_id);
  emit("platform.start", records::start(state_.function, *invocation));
  const auto body = invoke_event(*invocation, state_.function);
  std::vector<std::shared_ptr<Extension>> subscribers;
  for (const auto& e : state_.current_extensions()) {
    if (e->wants_invoke) {
      e->queued_events.push_back(body);
      subscribers.push_back(e);
    }
  }
  state_.runtime.pending = invocation;
  changed_.notify();
  return subscribers;
}

bool Sandbox::any_exited(const std::vector<std::shared_ptr<Extension>>& extensions) {
  return std::any_of(extensions.begin(), extensions.end(),
                     [](const auto& e) { return e->process && e->process->exited; });
}

// The runtime's part: until it calls next again, crashes, runs out of memory or times out. Memory is
// sampled meanwhile, as a cgroup would account it.
asio::awaitable<Sandbox::RuntimePhase> Sandbox::await_runtime(const Invocation& invocation,
                                                             const std::vector<std::shared_ptr<Extension>>& subscribers,
                                                             Clock::time_point deadline,
                                                             std::optional<std::chrono::milliseconds> platform_fault) {
  RuntimePhase phase;
  const auto runtime = state_.runtime.process;
  for (;;) {
    const bool settled = co_await changed_.wait_until([&] {
      return invocation.runtime_done_at || (runtime && runtime->exited) || any_exited(subscribers);
    }, std::min(deadline, Clock::now() + kMemoryPollInterval));
    phase.peak_memory_mb = std::max(phase.peak_memory_mb, memory_used_mb());
    if (phase.peak_memory_mb > state_.function.memory_mb) {
      if (runtime) runtime->signal(SIGKILL);  // the cgroup OOM killer
      phase.outcome = {"error", "Runtime.OutOfMemory"};
      phase.reset_reason = "failure";
      phase.runtime_died = true;
      break;
    }
    // The simulated platform fault: the sandbox is lost under the running function.
    if (platform_fault && !settled && invocation.delivered_at && Clock::now() >= *invocation.delivered_at + *platform_fault) {
      if (runtime) runtime->signal(SIGKILL);
      phase.outcome = {"failure", "Sandbox.Failure"};
      phase.reset_reason = "failure";
      phase.runtime_died = true;
      break;
    }
    if (settled || Clock::now() >= deadline) break;
  }
  phase.ended_at = Clock::now();
  if (phase.reset_reason) co_return phase;
  if (invocation.runtime_done_at) {
    if (invocation.error) phase.outcome = {"error", invocation.error->type};
  } else if (runtime && runtime->exited) {
    phase = {{"error", "Runtime.ExitError"}, "failure", phase.peak_memory_mb, phase.ended_at, true};
  } else if (any_exited(subscribers)) {
    phase = {{"error", "Extension.Crash"}, "failure", phase.peak_memory_mb, phase.ended_at};
  } else {
    phase = {{"timeout", std::nullopt}, "timeout", phase.peak_memory_mb, phase.ended_at};
  }
  co_return phase;
}

// The simulated function's payload {"action": "platform_failure", "duration_ms": N} asks the platform
// to fail N ms after the runtime took the invocation, as Lambda reports a fault of its own: status
// "failure", errorType Sandbox.Failure, a reset with SHUTDOWN reason "failure".
std::optional<std::chrono::milliseconds> Sandbox::platform_fault_in(const std::string& payload) const {
  if (state_.function.runtime_cmd) return std::nullopt;  // a real runtime's payload is its own business
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view action;
  if (parser.parse(payload).get(doc) || doc["action"].get_string().get(action) || action != "platform_failure") {
    return std::nullopt;
  }
  std::int64_t after_ms = 1;
  if (doc["duration_ms"].get_int64().get(after_ms)) after_ms = 1;  // the simulated function's default
  return std::chrono::milliseconds(std::max<std::int64_t>(after_ms, 0));
}

std::vector<records::Span> Sandbox::runtime_spans(const Invocation& invocation) {
  std::vector<records::Span> spans;
  if (!invocation.response_at || !invocation.runtime_done_at) return spans;  // no response was posted
  const auto delivered = invocation.delivered_at.value_or(invocation.started_at);
  spans.push_back({"responseLatency", wall_time(delivered), records::ms_between(delivered, *invocation.response_at)});
  spans.push_back({"responseDuration", wall_time(*invocation.response_at), 0.0});
  spans.push_back({"runtimeOverhead", wall_time(*invocation.response_at),
                   records::ms_between(*invocation.response_at, *invocation.runtime_done_at)});
  return spans;
}

// The extensions' part: every INVOKE extension calls next again (extensionOverhead), within the
// function's timeout, which covers extension post-processing too.
asio::awaitable<double> Sandbox::await_extensions(const std::vector<std::shared_ptr<Extension>>& subscribers,
                                                 Clock::time_point runtime_done, Clock::time_point deadline,
                                                 RuntimePhase& phase) {
  const bool all_next = co_await changed_.wait_until([&] {
    if (any_exited(subscribers)) return true;
    return std::all_of(subscribers.begin(), subscribers.end(),
                       [](const auto& e) { return e->in_next && e->queued_events.empty(); });
  }, deadline);
  if (any_exited(subscribers)) {
    phase.outcome = {"error", "Extension.Crash"};
    phase.reset_reason = "failure";
  } else if (!all_next) {
    phase.outcome = {"timeout", std::nullopt};
    phase.reset_reason = "timeout";
  }
  Clock::time_point last_next = runtime_done;
  for (const auto& e : subscribers) {
    if (e->last_next_at && *e->last_next_at > last_next) last_next = *e->last_next_at;
  }
  co_return records::ms_between(runtime_done, std::min(last_next, Clock::now()));
}

asio::awaitable<InvokeRecord> Sandbox::invoke(std::string payload) {
  auto invocation = new_invocation(std::move(payload));
  const auto deadline = invocation->started_at + state_.function.timeout;
  InvokeRecord record;
  record.request_id = invocation->request_id;

  if (needs_init_) {  // the previous Init failed or the sandbox was reset: Init again, inside this invoke
    record.suppressed_init = true;
    pending_init_duration_ms_.reset();
    if (!co_await init("invoke", deadline)) {
      record.outcome = inits_.back().outcome;
      record.duration_ms = records::ms_between(invocation->started_at, Clock::now());
      invokes_.push_back(record);
      co_return record;
    }
  }

  const auto platform_fault = platform_fault_in(invocation->payload);
  const auto subscribers = deliver(invocation);
  auto phase = co_await await_runtime(*invocation, subscribers, deadline, platform_fault);
  if (phase.runtime_died) co_await drain_output(state_.runtime.process);
  const auto runtime_done = invocation->runtime_done_at.value_or(phase.ended_at);
  record.runtime_ms = records::ms_between(invocation->delivered_at.value_or(invocation->started_at), runtime_done);
  emit("platform.runtimeDone",
       records::runtime_done(*invocation, phase.outcome, record.runtime_ms, runtime_spans(*invocation)),
       Audience::both, true);
  emit("platform.end", records::end(*invocation), Audience::logs_api);

  std::vector<records::Span> report_spans;
  if (!phase.reset_reason) {
    record.post_runtime_ms = co_await await_extensions(subscribers, runtime_done, deadline, phase);
    if (!subscribers.empty()) {
      report_spans.push_back({"extensionOverhead", wall_time(runtime_done), record.post_runtime_ms});
    }
  }

  record.outcome = phase.outcome;
  record.duration_ms = records::ms_between(invocation->started_at, Clock::now());
  record.response = invocation->response.value_or("");
  record.max_memory_used_mb = std::min(std::max(phase.peak_memory_mb, memory_used_mb()), state_.function.memory_mb);
  const records::ReportMetrics metrics{record.duration_ms, pending_init_duration_ms_, state_.function.memory_mb,
                                       record.max_memory_used_mb};
  pending_init_duration_ms_.reset();
  emit("platform.report", records::report(*invocation, phase.outcome, metrics, report_spans));
  state_.runtime.pending.reset();
  invokes_.push_back(record);

  if (phase.reset_reason) {
    co_await shut_down(*phase.reset_reason);
    needs_init_ = true;
  }
  co_return record;
}

asio::awaitable<void> Sandbox::idle(std::chrono::milliseconds duration) {
  // Lambda freezes once nothing is pending: let in-flight telemetry land first (bounded).
  co_await changed_.wait_until([this] { return telemetry_.idle(); }, Clock::now() + std::chrono::milliseconds(200));
  processes_.freeze_all();
  co_await changed_.sleep_until(Clock::now() + duration);
  processes_.thaw_all();
  changed_.notify();
}

// A runtime that died may still have lines in its pipe. Lambda's log capture has them before it
// reports the death (runtimeDone, initRuntimeDone), so they are emitted first.
asio::awaitable<void> Sandbox::drain_output(std::shared_ptr<Process> process) {
  if (!process) co_return;
  co_await changed_.wait_until([&] { return process->output_closed; }, Clock::now() + kOutputDrainLimit);
}

asio::awaitable<void> Sandbox::stop_runtime() {
  auto runtime = state_.runtime.process;
  if (!runtime || runtime->exited) co_return;
  runtime->signal(SIGTERM);
  runtime->signal(SIGCONT);
  co_await changed_.wait_until([&] { return runtime->exited; }, Clock::now() + options_.runtime_sigterm_grace);
  if (!runtime->exited) runtime->signal(SIGKILL);
  co_await changed_.wait_until([&] { return runtime->exited; }, Clock::now() + std::chrono::seconds(2));
}

asio::awaitable<void> Sandbox::shut_down(std::string reason) {
  processes_.thaw_all();
  co_await stop_runtime();
  // Telemetry still buffered goes out before SHUTDOWN (bounded by the shutdown budget).
  co_await telemetry_.drain(Clock::now() + std::chrono::milliseconds(500));

  const auto deadline = Clock::now() + options_.shutdown_limit;
  const auto wall_deadline = WallClock::now() + options_.shutdown_limit;
  const auto body = shutdown_event(reason, wall_deadline);
  auto extensions = state_.current_extensions();
  for (const auto& e : extensions) {
    if (!e->process) continue;  // internal extensions live and die with the runtime
    e->shutdown_sent_at = Clock::now();
    if (e->init_error || e->exit_error) continue;  // it reported its error and is leaving on its own
    if (e->wants_shutdown) {
      e->shutdown_reason = reason;
      e->queued_events.push_back(body);
    } else {
      e->process->signal(SIGKILL);  // not registered for SHUTDOWN: killed at once
    }
  }
  changed_.notify();
  co_await changed_.wait_until([&] {
    for (const auto& e : extensions) {
      if (e->process && !e->process->exited) return false;
    }
    return true;
  }, deadline);
  for (const auto& e : extensions) {
    if (e->process && !e->process->exited) {
      e->missed_shutdown_deadline = true;
      violations_.push_back(missed_deadline_violation(*e, reason));
      e->process->signal(SIGKILL);
    }
  }
  co_await changed_.wait_until([&] {
    for (const auto& e : extensions) {
      if (e->process && !e->process->exited) return false;
    }
    return true;
  }, Clock::now() + std::chrono::seconds(2));
  for (const auto& e : extensions) {
    if (!e->process) e->registered = false;  // internal extensions end with the runtime
    telemetry_.unsubscribe(*e);
  }
  state_.runtime.current.reset();
  state_.runtime.pending.reset();
}

asio::awaitable<void> Sandbox::spin_down() { co_await shut_down("spindown"); }

}  // namespace lambda_emulator
