// lambda-relay as a Processor: decoded telemetry goes to the configured exporters, and everything
// exporters produce leaves through one delivery engine. Sends happen only between an INVOKE and the
// next call to event/next (and at SHUTDOWN), so a freeze never cuts a request in flight; the flush
// policy (LAMBDA_RELAY_FLUSH) decides whether that is at the start or the end of the invocation.
#pragma once

#include "app/failure_reporting.hpp"
#include "config/config.hpp"
#include "delivery/delivery_engine.hpp"
#include "delivery/flush_policy.hpp"
#include "export/json_batch.hpp"
#include "export/otlp/otlp_exporter.hpp"
#include "insight/redact.hpp"
#include "log/logger.hpp"
#include "relay/local_relay.hpp"
#include "relay/otlp/otlp_upstream.hpp"
#include "support/state_changed.hpp"

#include <lambda_relay/extension.hpp>

#include <array>
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

  // Kept back from an invocation's deadline: lambda-relay calls next before the function times out.
  static constexpr std::chrono::milliseconds kDeadlineMargin{100};
  // Kept back from the SHUTDOWN deadline (already LAMBDA_RELAY_SHUTDOWN_MARGIN_MS before Lambda's) for
  // cutting what is in flight and logging the delivery accounting.
  static constexpr std::chrono::milliseconds kShutdownReserve{25};

 private:
  using Clock = delivery::DeliveryEngine::Clock;

  void start_sentry(const relay::sentry::Dsn& dsn);
  void export_event(const telemetry::Event& event);
  void submit_due(bool everything);
  void start_otlp(const RegisterResponse& registration);
  void submit_otlp();
  boost::asio::awaitable<void> hold_for_runtime_done(const std::string& request_id,
                                                     std::optional<std::chrono::milliseconds> tick,
                                                     Clock::time_point until);
  boost::asio::awaitable<void> await_report(const std::string& request_id, Clock::time_point until);
  [[nodiscard]] bool expects_platform_events() const;

  const config::Config& config_;
  const log::Logger& logger_;
  std::optional<support::StateChanged> changed_;
  std::optional<delivery::DeliveryEngine> engine_;
  std::optional<exporters::JsonBatchExporter> batch_;
  std::optional<exporters::OtlpExporter> otlp_;
  relay::otlp::OtlpUpstreams otlp_upstreams_;  // shared by the export and the relay's OTLP routes
  std::optional<insight::Redactor> redactor_;  // masks what is exported and relayed
  std::string redact_scratch_;
  std::optional<relay::sentry::SentryUpstream> sentry_;  // SENTRY_DSN's upstream (when set)
  std::optional<FailureReporting> failures_;            // Sentry events for platform failures
  std::optional<relay::LocalRelay> relay_;  // the ingest server SDKs send to (when configured)
  delivery::FlushPolicy flush_policy_;
  std::string runtime_done_id_;       // request id of the last platform.runtimeDone
  std::string report_id_;             // request id of the last platform.report
  std::string previous_invoke_id_;
  bool runtime_done_missing_ = false;  // the last wait for one ended at the deadline
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
