// Subscribing to the Telemetry API (PUT /2022-07-01/telemetry) with the newest schema version the
// platform accepts: a 400 for one version falls back to the next.
#pragma once

#include "log/logger.hpp"
#include "net/http_client.hpp"

#include <lambda_relay/extension.hpp>

#include <string>
#include <vector>

namespace lambda_relay::platform {

struct SubscriptionSettings {
  std::vector<std::string> types;
  Buffering buffering;
  std::string destination_uri;  // http://sandbox.localdomain:PORT/
  std::vector<std::string> schema_versions;  // newest first
};

// The request body for one schema version.
[[nodiscard]] std::string subscription_body(const SubscriptionSettings& settings, std::string_view schema_version);

// Returns the schema version the platform accepted. Error code "Telemetry.NotSupported" when the
// platform answers 202 (a local test environment without telemetry).
net::Awaitable<Result<std::string>> subscribe_telemetry(net::HttpConnection& api, std::string extension_id,
                                                        SubscriptionSettings settings, const log::Logger& logger);

}  // namespace lambda_relay::platform
