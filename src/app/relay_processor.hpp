// lambda-relay as a Processor: decoded telemetry goes to the configured exporters, and everything
// exporters produce leaves through one delivery engine. Sends happen only between an INVOKE and the
// next call to event/next (and at SHUTDOWN), so a freeze never cuts a request in flight.
#pragma once

#include "config/config.hpp"
#include "delivery/delivery_engine.hpp"
#include "export/json_batch.hpp"
#include "log/logger.hpp"
#include "support/state_changed.hpp"

#include <lambda_relay/extension.hpp>

#include <optional>

namespace lambda_relay::app {

class RelayProcessor : public Processor {
 public:
  RelayProcessor(const config::Config& config, const log::Logger& logger);

  Result<void> init(const RegisterResponse& registration, boost::asio::any_io_executor executor) override;
  void process(const telemetry::Event& event) override;
  boost::asio::awaitable<void> invoke(const InvokeEvent& event) override;
  boost::asio::awaitable<void> shutdown(const ShutdownEvent& event,
                                        std::chrono::system_clock::time_point deadline) override;
  void close() override;

  // The longest an INVOKE is held for delivering the previous invoke's data.
  static constexpr std::chrono::milliseconds kInvokeFlushCap{1'000};

 private:
  void submit_due(bool everything);

  const config::Config& config_;
  const log::Logger& logger_;
  std::optional<support::StateChanged> changed_;
  std::optional<delivery::DeliveryEngine> engine_;
  std::optional<exporters::JsonBatchExporter> batch_;
};

// Stands in for RelayProcessor when the configuration is invalid: Init fails with the reason.
class InvalidConfiguration : public Processor {
 public:
  explicit InvalidConfiguration(Error error) : error_(std::move(error)) {}
  Result<void> init(const RegisterResponse&, boost::asio::any_io_executor) override { return error_; }
  void process(const telemetry::Event&) override {}

 private:
  Error error_;
};

}  // namespace lambda_relay::app
