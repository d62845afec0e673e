// Failures only the platform sees (invalid handler, init errors, timeouts, out-of-memory, crashes,
// platform faults) as Sentry error events: the detector watches the telemetry and every failure it
// hands over becomes one envelope queued for SENTRY_DSN's upstream, sent in the next flush cycle like
// everything else.
#pragma once

#include "config/config.hpp"
#include "delivery/delivery_engine.hpp"
#include "export/sentry/failure_exporter.hpp"
#include "insight/failure_detector.hpp"
#include "insight/redact.hpp"
#include "log/logger.hpp"
#include "relay/sentry/sentry_upstream.hpp"

#include <lambda_relay/extensions_api.hpp>
#include <lambda_relay/telemetry.hpp>

namespace lambda_relay::app {

class FailureReporting {
 public:
  // `redactor` masks the log tail and messages of every event; it must outlive this object.
  FailureReporting(const config::Config& config, const log::Logger& logger, const insight::Redactor& redactor,
                   delivery::DeliveryEngine& engine, const relay::sentry::SentryUpstream& sentry);

  // Every Telemetry API event (after redaction), in the order received.
  void add(const telemetry::Event& event) { detector_.add(event); }
  void note_invoke(const InvokeEvent& event);
  // Hands over the failures still waiting for their completing event (at SHUTDOWN: after a reset,
  // the platform.report may never come).
  void flush() { detector_.flush(); }

 private:
  void report(const insight::Failure& failure);

  const log::Logger& logger_;
  delivery::DeliveryEngine& engine_;
  delivery::DeliveryEngine::UpstreamId upstream_;
  exporters::sentry::FailureExporter exporter_;
  insight::FailureDetector detector_;
};

}  // namespace lambda_relay::app
