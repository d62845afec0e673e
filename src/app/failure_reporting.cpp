#include "app/failure_reporting.hpp"

#include "relay/sentry/auth.hpp"

#include <chrono>

namespace lambda_relay::app {
namespace {

exporters::sentry::EventOptions event_options(const config::InsightConfig& insight, const insight::Redactor& redactor) {
  exporters::sentry::EventOptions options;
  options.environment = insight.sentry_environment;
  options.release = insight.sentry_release;
  options.redactor = &redactor;
  return options;  // no "dsn" in the envelope header: X-Sentry-Auth authenticates it
}

exporters::sentry::FailureExporter::Headers auth_headers(const relay::sentry::Dsn& dsn) {
  return {{"X-Sentry-Auth", relay::sentry::auth_header(dsn, exporters::sentry::sdk_client())}};
}

insight::FailureDetectorOptions detector_options(const config::InsightConfig& insight) {
  insight::FailureDetectorOptions options;
  options.log_tail_lines = insight.failure_log_lines;
  return options;
}

}  // namespace

FailureReporting::FailureReporting(const config::Config& config, const log::Logger& logger,
                                   const insight::Redactor& redactor, delivery::DeliveryEngine& engine,
                                   const relay::sentry::SentryUpstream& sentry)
    : logger_(logger),
      engine_(engine),
      upstream_(sentry.id),
      exporter_(config.function, event_options(config.insight, redactor), auth_headers(sentry.dsn)),
      detector_(detector_options(config.insight), [this](insight::Failure failure) { report(failure); }) {}

void FailureReporting::note_invoke(const InvokeEvent& event) {
  std::optional<std::string_view> xray;
  if (event.tracing) xray = event.tracing->value;
  detector_.note_invoke(event.request_id, std::chrono::time_point_cast<std::chrono::microseconds>(event.deadline),
                        event.invoked_function_arn, xray);
}

void FailureReporting::report(const insight::Failure& failure) {
  logger_.info("failure: {} ({}){}{}", insight::to_string(failure.kind), failure.error_type,
               failure.request_id ? " in " : "", failure.request_id.value_or(""));
  if (!engine_.submit(upstream_, exporter_.payload(failure))) {
    logger_.warn("failure: the outbox is full, the Sentry event for {} is lost", insight::to_string(failure.kind));
  }
}

}  // namespace lambda_relay::app
