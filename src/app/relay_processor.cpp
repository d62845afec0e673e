#include "app/relay_processor.hpp"

#include "insight/redact_event.hpp"
#include "telemetry/self_filter.hpp"

#include <algorithm>
#include <utility>

namespace lambda_relay::app {
namespace {

using Clock = delivery::DeliveryEngine::Clock;

// A system_clock deadline (from the Extensions API) on the steady clock the engine waits on.
Clock::time_point steady_deadline(std::chrono::system_clock::time_point deadline, std::chrono::milliseconds margin) {
  const auto remaining = deadline - std::chrono::system_clock::now() - margin;
  return Clock::now() + std::max(std::chrono::duration_cast<Clock::duration>(remaining), Clock::duration::zero());
}

void log_flush_setting(const log::Logger& logger, const config::Config& config) {
  logger.debug("flush: {}, timeout {} ms", delivery::to_string(config.flush), config.flush_timeout.count());
}

void log_runtime_done_missing(const log::Logger& logger, const std::string& request_id) {
  logger.warn("platform.runtimeDone of {} did not arrive before the deadline: flushing at the start of "
              "invocations until one does", request_id);
}

}  // namespace

RelayProcessor::RelayProcessor(const config::Config& config, const log::Logger& logger)
    : config_(config), logger_(logger), flush_policy_(config.flush) {}

Result<void> RelayProcessor::init(const RegisterResponse& registration, boost::asio::any_io_executor executor) {
  auto redactor = insight::Redactor::create({config_.insight.send_default_pii, config_.insight.redact_patterns});
  if (!redactor) return redactor.error();
  redactor_.emplace(std::move(redactor).value());
  changed_.emplace(executor);
  engine_.emplace(*changed_, logger_, config_.max_buffer_bytes);
  engine_->hold();  // sending waits for the first flush cycle (an INVOKE, or SHUTDOWN)
  if (config_.batch_url) {
    const auto upstream = engine_->add_upstream("batch", *config_.batch_url);
    batch_.emplace(*engine_, upstream, config_.batch_min_items, config_.batch_gzip);
  }
  if (config_.otlp.enabled()) start_otlp(registration);
  if (config_.relay.sentry_dsn) start_sentry(*config_.relay.sentry_dsn);
  // Listening before the first event/next: the function's init code may already send.
  if (config_.relay.enabled()) {
    relay_.emplace(executor, logger_, config_.relay, *engine_, sentry_, otlp_upstreams_, *redactor_);
    relay_->start();
  }
  log_flush_setting(logger_, config_);
  return {};
}

void RelayProcessor::start_otlp(const RegisterResponse& registration) {
  otlp::MapperOptions options;
  options.resource.function = config_.function;
  otlp_.emplace(config_.otlp, std::move(options));
  if (registration.account_id) otlp_->set_account_id(*registration.account_id);
  // One upstream per signal for this export and for what SDKs send to the relay's OTLP routes.
  otlp_upstreams_ = relay::otlp::add_otlp_upstreams(*engine_, config_.otlp);
}

// One Sentry upstream for what the function's SDK sends through the relay and for the failure events.
void RelayProcessor::start_sentry(const relay::sentry::Dsn& dsn) {
  sentry_ = relay::sentry::add_sentry_upstream(*engine_, dsn);
  failures_.emplace(config_, logger_, *redactor_, *engine_, *sentry_);
}

void RelayProcessor::submit_otlp() {
  for (const auto signal : {config::OtlpSignal::traces, config::OtlpSignal::metrics, config::OtlpSignal::logs}) {
    const auto& upstream = relay::otlp::upstream_for(otlp_upstreams_, signal);
    if (!upstream) continue;
    if (auto payload = otlp_->take(signal)) (void)engine_->submit(upstream->id, std::move(*payload));  // refusals counted
  }
}

void RelayProcessor::process(const telemetry::Event& event) {
  if (event.type == telemetry::EventType::platform_runtime_done) {
    runtime_done_id_ = std::get<telemetry::RuntimeDone>(event.record).request_id;
    runtime_done_missing_ = false;
    changed_->notify();
  } else if (event.type == telemetry::EventType::platform_report) {
    report_id_ = std::get<telemetry::Report>(event.record).request_id;
    changed_->notify();
  }
  if (telemetry::is_own_log_line(event, logger_.component())) return;
  if (auto masked = insight::redacted_log_event(event, *redactor_, redact_scratch_)) {
    export_event(*masked);
  } else {
    export_event(event);
  }
}

void RelayProcessor::export_event(const telemetry::Event& event) {
  if (failures_) failures_->add(event);
  if (batch_) batch_->add(event);
  if (otlp_) {
    otlp_->add(event);
    if (otlp_->due()) submit_otlp();  // a busy invocation: bound what waits in memory
  }
}

// Hands what the exporters have to the delivery engine (which sends it only in a flush cycle).
void RelayProcessor::submit_due(bool everything) {
  if (batch_ && (everything || batch_->due())) batch_->submit_pending();
  if (otlp_) submit_otlp();
}

bool RelayProcessor::expects_platform_events() const {
  const auto& types = config_.telemetry_types;
  return !runtime_done_missing_ && std::find(types.begin(), types.end(), "platform") != types.end();
}

// The previous invocation's last events (its platform.report is made after lambda-relay called next,
// so it arrives only after the thaw): wait for them, in parallel with the function, so a flush at the
// start of an invocation carries everything of the one before.
boost::asio::awaitable<void> RelayProcessor::await_report(const std::string& request_id, Clock::time_point until) {
  if (request_id.empty() || !expects_platform_events()) co_return;
  co_await changed_->wait_until([&] { return report_id_ == request_id; }, until);
}

// Holds the invocation until its platform.runtimeDone arrived (the function is done: everything it
// produced is here), handing over what is pending every `tick` meanwhile.
boost::asio::awaitable<void> RelayProcessor::hold_for_runtime_done(const std::string& request_id,
                                                                   std::optional<std::chrono::milliseconds> tick,
                                                                   Clock::time_point until) {
  const auto arrived = [&] { return runtime_done_id_ == request_id; };
  while (!arrived()) {
    const auto wake = tick ? std::min(until, Clock::now() + *tick) : until;
    if (co_await changed_->wait_until(arrived, wake)) break;
    if (Clock::now() >= until) {
      runtime_done_missing_ = true;
      log_runtime_done_missing(logger_, request_id);
      break;
    }
    submit_due(false);
  }
}

boost::asio::awaitable<void> RelayProcessor::invoke(const InvokeEvent& event) {
  const auto started = Clock::now();
  const auto plan = flush_policy_.on_invoke(started);
  const auto previous = std::exchange(previous_invoke_id_, event.request_id);
  if (otlp_) otlp_->on_invoke(event);
  if (failures_) failures_->note_invoke(event);
  if (!plan.flush_at_start && !plan.flush_at_end) co_return;  // nothing sent in this invocation
  if (!engine_->has_upstreams()) co_return;  // nowhere to send: waiting for runtimeDone would only cost time
  const auto hold_until = steady_deadline(event.deadline, kDeadlineMargin);
  engine_->open_cycle();
  if (plan.flush_at_start) {
    co_await await_report(previous, std::min(started + config_.flush_timeout, hold_until));
    submit_due(false);
  }
  if (plan.flush_at_end && expects_platform_events()) {
    co_await hold_for_runtime_done(event.request_id, plan.tick, hold_until);
  }
  // Held to the deadline (the function timed out; a reset's SHUTDOWN follows): a request started now
  // would be cut at once and, to an upstream that does not de-duplicate, never sent again. What is
  // pending waits for the next cycle.
  if (Clock::now() < hold_until) submit_due(false);
  // The cap counts from the end of the function when it is known (runtimeDone), else from INVOKE.
  const auto flush_from = plan.flush_at_end ? Clock::now() : started;
  const auto cap = std::min(flush_from + config_.flush_timeout, hold_until);
  const bool completed = co_await engine_->flush(cap);
  flush_policy_.on_flush(started, completed);
  co_await engine_->pause(cap);  // nothing in flight when lambda-relay calls next
}

boost::asio::awaitable<void> RelayProcessor::shutdown(const ShutdownEvent& /*event*/,
                                                      std::chrono::system_clock::time_point deadline) {
  // The function has ended: what an SDK sent is in the outbox, and nothing sent now could leave.
  if (relay_) relay_->stop();
  // Sending stops a little before the deadline, so the accounting line still gets out before the
  // deadline guard ends the process.
  const auto until = steady_deadline(deadline, kShutdownReserve);
  engine_->open_cycle(true);
  if (failures_) failures_->flush();
  if (otlp_) otlp_->finish();
  submit_due(true);
  co_await engine_->flush(until);
  co_await engine_->pause(until);
  engine_->report_and_abandon();
}

void RelayProcessor::close() {
  relay_.reset();
  batch_.reset();
  otlp_.reset();
  failures_.reset();
  sentry_.reset();
  engine_.reset();
  changed_.reset();
}

}  // namespace lambda_relay::app
