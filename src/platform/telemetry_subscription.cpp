#include "platform/telemetry_subscription.hpp"

#include "json/writer.hpp"
#include "platform/platform_error.hpp"

#include <fmt/format.h>

namespace lambda_relay::platform {
namespace {

net::Request subscription_request(const std::string& extension_id, std::string body) {
  net::Request request{net::http::verb::put, "/2022-07-01/telemetry", 11};
  request.set("Lambda-Extension-Identifier", extension_id);
  request.set(net::http::field::content_type, "application/json");
  request.body() = std::move(body);
  return request;
}

void log_fallback(const log::Logger& logger, std::string_view version, const std::string& answer) {
  logger.info("Telemetry API schema {} not accepted ({}); trying an older one", version, answer);
}

void log_subscribed(const log::Logger& logger, const SubscriptionSettings& s, std::string_view version) {
  logger.debug("subscribed to telemetry [{}] with schema {} at {}", fmt::join(s.types, ","), version, s.destination_uri);
}

Error rejection(unsigned status, const std::string& body) {
  return make_error("Telemetry.SubscriptionFailed", fmt::format("Telemetry API answered {}: {}", status, body));
}

}  // namespace

std::string subscription_body(const SubscriptionSettings& settings, std::string_view schema_version) {
  std::string body;
  json::Writer w(body);
  w.begin_object().field("schemaVersion", schema_version).key("types").begin_array();
  for (const auto& type : settings.types) w.value(type);
  w.end_array();
  w.key("buffering").begin_object()
      .field("maxItems", settings.buffering.max_items)
      .field("maxBytes", settings.buffering.max_bytes)
      .field("timeoutMs", settings.buffering.timeout_ms)
      .end_object();
  w.key("destination").begin_object().field("protocol", "HTTP").field("URI", settings.destination_uri).end_object();
  w.end_object();
  return body;
}

net::Awaitable<Result<std::string>> subscribe_telemetry(net::HttpConnection& api, std::string extension_id,
                                                        SubscriptionSettings settings, const log::Logger& logger) {
  Error last = make_error("Telemetry.SubscriptionFailed", "no schema version to try");
  for (const auto& version : settings.schema_versions) {
    auto response = co_await api.send(subscription_request(extension_id, subscription_body(settings, version)),
                                      std::chrono::seconds(5));
    if (!response) co_return response.error();
    const auto status = response->result_int();
    if (status == 200) {
      log_subscribed(logger, settings, version);
      co_return version;
    }
    if (status == 202) co_return make_error("Telemetry.NotSupported", response->body());
    if (status == 403) {
      if (auto closed = platform_error(*response, "Telemetry API"); closed.code == "Telemetry.SubscriptionClosed") {
        co_return closed;
      }
    }
    last = rejection(status, response->body());
    if (status != 400) co_return last;
    log_fallback(logger, version, response->body());
  }
  co_return last;
}

}  // namespace lambda_relay::platform
