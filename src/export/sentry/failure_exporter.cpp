#include "export/sentry/failure_exporter.hpp"

namespace lambda_relay::exporters::sentry {

FailureExporter::FailureExporter(config::FunctionEnvironment facts, EventOptions options, Headers headers, Clock clock,
                                 IdSource ids)
    : facts_(std::move(facts)),
      options_(std::move(options)),
      headers_(std::move(headers)),
      clock_(std::move(clock)),
      ids_(std::move(ids)) {}

delivery::Payload FailureExporter::payload(const insight::Failure& failure) const {
  delivery::Payload payload;
  payload.body = build_envelope(failure, facts_, options_, ids_(), clock_());
  payload.content_type = "application/x-sentry-envelope";
  payload.headers = headers_;
  payload.items = 1;
  payload.category = "error";
  return payload;
}

}  // namespace lambda_relay::exporters::sentry
