// Telemetry API (PUT /2022-07-01/telemetry) and legacy Logs API (PUT /2020-08-15/logs) subscriptions.
#include "platform_api.hpp"

#include "json/writer.hpp"

namespace lambda_emulator {
namespace {

namespace http = net::http;

std::string subscription_record(const Extension& extension, const Subscription& subscription, bool again) {
  std::string record;
  lambda_relay::json::Writer w(record);
  w.begin_object().field("name", extension.name).field("state", again ? "Already subscribed" : "Subscribed");
  w.key("types").begin_array();
  for (const auto& t : subscription.types) w.value(t);
  w.end_array().end_object();
  return record;
}

}  // namespace

net::Response PlatformApi::subscribe(net::Request& request, SubscriptionApi api) {
  const bool telemetry = api == SubscriptionApi::telemetry;
  net::Response error;
  auto extension = identify(request, error);
  if (!extension) return error;
  if (!state_.init_open) {
    return net::make_error_response(request, http::status::forbidden,
                                    telemetry ? "Telemetry.SubscriptionClosed" : "Logs.SubscriptionClosed",
                                    telemetry ? "Telemetry API subscription is closed" : "Logs API subscription is closed");
  }
  if (telemetry ? extension->logs_api : extension->telemetry_api) {
    return net::make_error_response(request, http::status::bad_request, "ValidationError",
                                    "the Telemetry API and the Logs API cannot both be used by one extension");
  }
  auto subscription = telemetry ? parse_telemetry_subscription(request.body(), state_.telemetry_schema_versions) : parse_logs_subscription(request.body());
  if (!subscription) {
    return net::make_error_response(request, http::status::bad_request, subscription.error().code,
                                    subscription.error().message);
  }
  const bool again = telemetry ? extension->telemetry_api : extension->logs_api;
  (telemetry ? extension->telemetry_api : extension->logs_api) = true;
  EmittedEvent event;
  event.time = lambda_relay::json::iso8601(WallClock::now());
  event.type = telemetry ? "platform.telemetrySubscription" : "platform.logsSubscription";
  event.record = subscription_record(*extension, *subscription, again);
  event.audience = telemetry ? Audience::telemetry_api : Audience::logs_api;
  telemetry_.subscribe(extension, std::move(subscription).value());
  telemetry_.emit(std::move(event));
  return net::make_response(request, http::status::ok, R"("OK")");
}

}  // namespace lambda_emulator
