// Sentry error events for platform-detected failures as delivery payloads: FailureDetector's sink
// hands each Failure here and submits the payload to the SENTRY_DSN upstream. One envelope per
// failure, of Sentry's `error` data category (so Sentry's rate limits for errors apply to it). The
// upstream and its authentication headers come from whoever parsed the DSN.
#pragma once

#include "config/function_environment.hpp"
#include "delivery/payload.hpp"
#include "export/sentry/event_builder.hpp"
#include "insight/failure.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lambda_relay::exporters::sentry {

class FailureExporter {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using IdSource = std::function<std::string()>;

  // `headers`: e.g. X-Sentry-Auth for the DSN. `clock` and `ids` are for tests.
  FailureExporter(config::FunctionEnvironment facts, EventOptions options, Headers headers = {},
                  Clock clock = std::chrono::system_clock::now, IdSource ids = new_event_id);

  // The failure's event as an envelope payload, ready for DeliveryEngine::submit.
  [[nodiscard]] delivery::Payload payload(const insight::Failure& failure) const;

 private:
  config::FunctionEnvironment facts_;
  EventOptions options_;
  Headers headers_;
  Clock clock_;
  IdSource ids_;
};

}  // namespace lambda_relay::exporters::sentry
