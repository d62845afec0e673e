#include "report.hpp"

#include "json/writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace lambda_emulator {
namespace {

using lambda_relay::json::Writer;

double since(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

void error_or_null(Writer& w, std::string_view key, const std::optional<ErrorReport>& e) {
  w.key(key);
  if (!e) {
    w.null();
    return;
  }
  w.begin_object().field("type", e->type).field("message", e->message).end_object();
}

template <typename T>
void optional_field(Writer& w, std::string_view key, const std::optional<T>& v) {
  w.key(key);
  if (v) {
    w.value(*v);
  } else {
    w.null();
  }
}

std::vector<double> overheads(const Sandbox& sandbox) {
  std::vector<double> out;
  for (const auto& i : sandbox.invokes()) {
    if (i.outcome.status == "success" || (i.outcome.status == "error" && i.outcome.error_type &&
                                          !i.outcome.error_type->starts_with("Runtime.") &&
                                          !i.outcome.error_type->starts_with("Extension."))) {
      out.push_back(i.post_runtime_ms);
    }
  }
  return out;
}

std::optional<double> ms_opt(const Extension& e, const std::optional<Clock::time_point>& t) {
  if (!t || !e.process) return std::nullopt;
  return since(e.process->started_at, *t);
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string json_report(const RunResult& run) {
  const auto& f = run.state.function;
  std::string out;
  Writer w(out);
  w.begin_object();
  w.field("runtime_api", run.state.runtime_api);
  w.key("function").begin_object()
      .field("name", f.name).field("memory_mb", f.memory_mb)
      .field("timeout_ms", static_cast<std::int64_t>(f.timeout.count()))
      .field("runtime", f.runtime_cmd ? "command" : "simulated").end_object();

  w.key("init").begin_array();
  for (const auto& i : run.sandbox.inits()) {
    w.begin_object().field("phase", i.phase).field("status", i.outcome.status);
    optional_field(w, "error_type", i.outcome.error_type);
    w.field("duration_ms", i.duration_ms).end_object();
  }
  w.end_array();
  error_or_null(w, "runtime_init_error", run.state.runtime.init_error);

  w.key("extensions").begin_array();
  for (const auto& e : run.state.extensions) {
    w.begin_object().field("name", e->name).field("instance", e->instance);
    w.key("events").begin_array();
    for (const auto& ev : e->events) w.value(ev);
    w.end_array().key("accept_features").begin_array();
    for (const auto& feat : e->features) w.value(feat);
    w.end_array();
    optional_field(w, "register_ms", ms_opt(*e, e->registered_at));
    optional_field(w, "ready_ms", ms_opt(*e, e->first_next_at));
    error_or_null(w, "init_error", e->init_error);
    error_or_null(w, "exit_error", e->exit_error);
    optional_field(w, "launch_error", e->launch_error);
    const bool exited = e->process && e->process->exited;
    optional_field(w, "peak_rss_kb", exited ? std::optional<std::int64_t>(e->process->peak_rss_kb) : std::nullopt);
    optional_field(w, "cpu_ms", exited ? std::optional<double>(e->process->cpu_ms) : std::nullopt);
    optional_field(w, "exit_code", exited ? e->process->exit_code : std::nullopt);
    optional_field(w, "exit_signal", exited ? e->process->exit_signal : std::nullopt);
    optional_field(w, "shutdown_reason", e->shutdown_reason);
    std::optional<double> shutdown_exit;
    if (exited && e->shutdown_sent_at && e->shutdown_reason) shutdown_exit = since(*e->shutdown_sent_at, e->process->exited_at);
    optional_field(w, "shutdown_exit_ms", shutdown_exit);
    w.field("missed_shutdown_deadline", e->missed_shutdown_deadline);
    w.end_object();
  }
  w.end_array();

  w.key("invokes").begin_array();
  for (const auto& i : run.sandbox.invokes()) {
    w.begin_object().field("request_id", i.request_id).field("status", i.outcome.status);
    optional_field(w, "error_type", i.outcome.error_type);
    w.field("response", i.response).field("duration_ms", i.duration_ms).field("runtime_ms", i.runtime_ms)
        .field("post_runtime_ms", i.post_runtime_ms).field("suppressed_init", i.suppressed_init)
        .field("max_memory_used_mb", i.max_memory_used_mb).end_object();
  }
  w.end_array();

  const auto overhead = overheads(run.sandbox);
  w.key("post_runtime_overhead_ms").begin_object()
      .field("p50", percentile(overhead, 50)).field("p99", percentile(overhead, 99))
      .field("max", overhead.empty() ? 0.0 : *std::max_element(overhead.begin(), overhead.end()))
      .field("samples", static_cast<std::int64_t>(overhead.size())).end_object();

  w.key("platform_events").begin_array();
  for (const auto& e : run.telemetry.history()) w.raw(e);
  w.end_array();

  w.key("telemetry").begin_object().key("subscribers").begin_array();
  for (const auto& s : run.telemetry.stats()) {
    w.begin_object().field("name", s.name).field("api", s.api).key("types").begin_array();
    for (const auto& t : s.types) w.value(t);
    w.end_array().field("schema_version", s.schema_version).field("batches", s.batches).field("events", s.events)
        .field("failed_posts", s.failed_posts).field("dropped_events", s.dropped_events).end_object();
  }
  w.end_array().end_object();

  w.key("sinks").begin_array();
  if (run.sink != nullptr) {
    w.begin_object().field("name", "embedded").field("url", run.sink->url()).field("requests", run.sink->requests())
        .field("bytes", static_cast<std::uint64_t>(run.sink->bytes())).key("by_path").begin_object();
    for (const auto& [path, s] : run.sink->by_path()) {
      w.key(path).begin_object().field("requests", s.requests).field("bytes", static_cast<std::uint64_t>(s.bytes)).end_object();
    }
    w.end_object().key("invocations_late").begin_object();
    for (const auto& [late, count] : run.sink->invocations_late()) w.field(std::to_string(late), count);
    w.end_object().end_object();
  }
  w.end_array();

  w.key("violations").begin_array();
  for (const auto& v : run.sandbox.violations()) w.value(v);
  w.end_array();
  w.end_object();
  out += '\n';
  return out;
}

namespace {

// "freshness of /batch ...: 48 during their own invocation, 2 1 invocation later".
std::string freshness_line(const std::map<std::size_t, int>& late) {
  std::vector<std::string> parts;
  for (const auto& [invocations, count] : late) {
    if (invocations == 0) {
      parts.push_back(fmt::format("{} during their own invocation", count));
    } else {
      parts.push_back(fmt::format("{} {} invocation{} later", count, invocations, invocations == 1 ? "" : "s"));
    }
  }
  return fmt::format("freshness of /batch (platform.start per invocation): {}", fmt::join(parts, ", "));
}

}  // namespace

std::string text_summary(const RunResult& run) {
  const auto& f = run.state.function;
  std::string out;
  auto line = [&out](std::string text) {
    out += text;
    out += '\n';
  };
  line(fmt::format("lambda-emulator: function {} ({} MB, timeout {} ms, {} runtime), APIs on {}", f.name, f.memory_mb,
                   f.timeout.count(), f.runtime_cmd ? "command" : "simulated", run.state.runtime_api));
  line("");
  line("Init phases");
  for (const auto& i : run.sandbox.inits()) {
    line(fmt::format("  {:<7} {:<8} {:>9.2f} ms  {}", i.phase, i.outcome.status, i.duration_ms,
                     i.outcome.error_type.value_or("")));
  }
  if (run.state.runtime.init_error) {
    line(fmt::format("  runtime init/error: {}: {}", run.state.runtime.init_error->type, run.state.runtime.init_error->message));
  }

  line("");
  line("Extensions (times from process start)");
  if (run.state.extensions.empty()) line("  none");
  for (const auto& e : run.state.extensions) {
    const auto reg = ms_opt(*e, e->registered_at);
    const auto ready = ms_opt(*e, e->first_next_at);
    std::string text = fmt::format("  {} #{}  [{}]", e->name, e->instance, fmt::join(e->events, ","));
    if (reg) text += fmt::format("  registered {:.2f} ms", *reg);
    if (ready) text += fmt::format("  ready {:.2f} ms", *ready);
    if (e->process && e->process->exited) {
      text += fmt::format("  peak RSS {:.1f} MB  CPU {:.1f} ms", static_cast<double>(e->process->peak_rss_kb) / 1024.0,
                          e->process->cpu_ms);
      if (e->shutdown_reason && e->shutdown_sent_at) {
        text += fmt::format("  exited {:.2f} ms after SHUTDOWN({})", since(*e->shutdown_sent_at, e->process->exited_at),
                            *e->shutdown_reason);
      }
      if (e->process->exit_code) text += fmt::format("  exit code {}", *e->process->exit_code);
      if (e->process->exit_signal) text += fmt::format("  killed by signal {}", *e->process->exit_signal);
    }
    if (e->launch_error) text += "  launch error: " + *e->launch_error;
    if (e->init_error) text += fmt::format("  init/error {}: {}", e->init_error->type, e->init_error->message);
    if (e->exit_error) text += fmt::format("  exit/error {}: {}", e->exit_error->type, e->exit_error->message);
    if (e->missed_shutdown_deadline) text += "  MISSED SHUTDOWN DEADLINE";
    line(text);
  }

  line("");
  line("Invokes");
  line(fmt::format("  {:>3}  {:<36}  {:<8}  {:<22} {:>10} {:>10} {:>13}", "#", "request id", "status", "error type",
                   "duration", "runtime", "post-runtime"));
  int n = 0;
  for (const auto& i : run.sandbox.invokes()) {
    line(fmt::format("  {:>3}  {:<36}  {:<8}  {:<22} {:>7.2f} ms {:>7.2f} ms {:>10.3f} ms{}", ++n, i.request_id,
                     i.outcome.status, i.outcome.error_type.value_or(""), i.duration_ms, i.runtime_ms, i.post_runtime_ms,
                     i.suppressed_init ? "  (suppressed init)" : ""));
  }
  const auto overhead = overheads(run.sandbox);
  line("");
  line(fmt::format("Extension overhead after the runtime finished (per invoke, {} samples): p50 {:.3f} ms  p99 {:.3f} ms",
                   overhead.size(), percentile(overhead, 50), percentile(overhead, 99)));

  line("");
  line("Delivered");
  const auto subscribers = run.telemetry.stats();
  line(fmt::format("  platform events emitted: {}", run.telemetry.history().size()));
  if (subscribers.empty()) line("  telemetry: no subscriber");
  for (const auto& s : subscribers) {
    line(fmt::format("  telemetry → {} ({} API {}, [{}]): {} events in {} batches, {} failed posts, {} dropped", s.name,
                     s.api, s.schema_version, fmt::join(s.types, ","), s.events, s.batches, s.failed_posts,
                     s.dropped_events));
  }
  if (run.sink != nullptr) {
    line(fmt::format("  embedded sink {}: {} requests, {} bytes", run.sink->url(), run.sink->requests(), run.sink->bytes()));
    for (const auto& [path, s] : run.sink->by_path()) {
      line(fmt::format("    {}: {} requests, {} bytes", path, s.requests, s.bytes));
    }
    if (!run.sink->invocations_late().empty()) line("    " + freshness_line(run.sink->invocations_late()));
  }
  line("");
  if (run.sandbox.violations().empty()) {
    line("Violations: none");
  } else {
    line("Violations:");
    for (const auto& v : run.sandbox.violations()) line("  " + v);
  }
  return out;
}

}  // namespace lambda_emulator
