#include "app/relay_processor.hpp"

#include "telemetry/self_filter.hpp"

namespace lambda_relay::app {

RelayProcessor::RelayProcessor(const config::Config& config, const log::Logger& logger)
    : config_(config), logger_(logger) {}

Result<void> RelayProcessor::init(const RegisterResponse& /*registration*/, boost::asio::any_io_executor executor) {
  changed_.emplace(executor);
  engine_.emplace(*changed_, logger_, config_.max_buffer_bytes);
  if (config_.batch_url) {
    const auto upstream = engine_->add_upstream("batch", *config_.batch_url);
    batch_.emplace(*engine_, upstream, config_.batch_min_items);
  }
  return {};
}

void RelayProcessor::process(const telemetry::Event& event) {
  if (telemetry::is_own_log_line(event, logger_.component())) return;
  if (batch_) batch_->add(event);
}

void RelayProcessor::submit_due(bool everything) {
  if (batch_ && (everything || batch_->due())) batch_->submit_pending();
}

boost::asio::awaitable<void> RelayProcessor::invoke(const InvokeEvent& /*event*/) {
  // Runs while the function runs: the previous invoke's data goes out now, and is done before
  // lambda-relay calls next (nothing in flight when the sandbox freezes).
  submit_due(false);
  if (!engine_->idle()) co_await engine_->flush(delivery::DeliveryEngine::Clock::now() + kInvokeFlushCap);
}

boost::asio::awaitable<void> RelayProcessor::shutdown(const ShutdownEvent& /*event*/,
                                                      std::chrono::system_clock::time_point deadline) {
  submit_due(true);
  const auto remaining = deadline - std::chrono::system_clock::now();
  co_await engine_->flush(delivery::DeliveryEngine::Clock::now() +
                          std::chrono::duration_cast<std::chrono::milliseconds>(remaining));
  engine_->report_and_abandon();
}

}  // namespace lambda_relay::app

namespace lambda_relay::app {

void RelayProcessor::close() {
  batch_.reset();
  engine_.reset();
  changed_.reset();
}

}  // namespace lambda_relay::app
