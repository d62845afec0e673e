// Sends a Sentry error event for every platform-detected failure (FailureDetector's sink): builds the
// envelope and hands it to the delivery engine as one payload of Sentry's `error` category, so
// Sentry's rate limits apply to it. The upstream (the SENTRY_DSN project's envelope endpoint) and its
// authentication headers come from whoever parsed the DSN.
#pragma once

#include "config/function_environment.hpp"
#include "delivery/delivery_engine.hpp"
#include "export/sentry/event_builder.hpp"
#include "insight/failure.hpp"

#include <chrono>
#include <cstdint>
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
  FailureExporter(delivery::DeliveryEngine& engine, delivery::DeliveryEngine::UpstreamId upstream,
                  config::FunctionEnvironment facts, EventOptions options, Headers headers = {},
                  Clock clock = std::chrono::system_clock::now, IdSource ids = new_event_id);

  // Builds and submits the failure's event; false when the outbox refused it (counted by the engine).
  bool add(const insight::Failure& failure);

  [[nodiscard]] std::uint64_t submitted() const noexcept { return submitted_; }

 private:
  delivery::DeliveryEngine& engine_;
  delivery::DeliveryEngine::UpstreamId upstream_;
  config::FunctionEnvironment facts_;
  EventOptions options_;
  Headers headers_;
  Clock clock_;
  IdSource ids_;
  std::uint64_t submitted_ = 0;
};

}  // namespace lambda_relay::exporters::sentry
