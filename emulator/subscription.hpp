// Telemetry API and Logs API subscription requests, validated as Lambda (RIE) does: a reason for
// every rejection, buffering within the documented limits.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emulator {

enum class SubscriptionApi { telemetry, logs };
enum class DeliveryProtocol { http, tcp };

struct Buffering {
  int max_items = 10'000;
  int max_bytes = 262'144;
  int timeout_ms = 1'000;
};

struct Subscription {
  SubscriptionApi api = SubscriptionApi::telemetry;
  std::string schema_version;
  std::vector<std::string> types;  // as requested: platform, function, extension
  bool platform = false;
  bool function = false;
  bool extension = false;
  Buffering buffering;
  DeliveryProtocol protocol = DeliveryProtocol::http;
  std::string host;  // as written in the URI (sandbox.localdomain)
  std::uint16_t port = 0;
  std::string path = "/";
};

inline constexpr Buffering kMinBuffering{1'000, 262'144, 25};
inline constexpr Buffering kMaxBuffering{10'000, 1'048'576, 30'000};

// The Telemetry API schema versions a current platform accepts.
inline const std::vector<std::string> kTelemetrySchemaVersions{"2022-07-01", "2022-12-13", "2025-01-29"};

// Both return Error{"ValidationError", reason} for a body Lambda would reject with 400. `accepted`
// lets the emulator play an older platform that does not know the newest versions.
[[nodiscard]] lambda_relay::Result<Subscription> parse_telemetry_subscription(
    std::string_view body, const std::vector<std::string>& accepted = kTelemetrySchemaVersions);
[[nodiscard]] lambda_relay::Result<Subscription> parse_logs_subscription(std::string_view body);

}  // namespace lambda_emulator
