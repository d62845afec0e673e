#include "export/sentry/failure_exporter.hpp"

namespace lambda_relay::exporters::sentry {

FailureExporter::FailureExporter(delivery::DeliveryEngine& engine, delivery::DeliveryEngine::UpstreamId upstream,
                                 config::FunctionEnvironment facts, EventOptions options, Headers headers, Clock clock,
                                 IdSource ids)
    : engine_(engine),
      upstream_(upstream),
      facts_(std::move(facts)),
      options_(std::move(options)),
      headers_(std::move(headers)),
      clock_(std::move(clock)),
      ids_(std::move(ids)) {}

bool FailureExporter::add(const insight::Failure& failure) {
  delivery::Payload payload;
  payload.body = build_envelope(failure, facts_, options_, ids_(), clock_());
  payload.content_type = "application/x-sentry-envelope";
  payload.headers = headers_;
  payload.items = 1;
  payload.category = "error";
  const bool accepted = engine_.submit(upstream_, std::move(payload));
  if (accepted) ++submitted_;
  return accepted;
}

}  // namespace lambda_relay::exporters::sentry
