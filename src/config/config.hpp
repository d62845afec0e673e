// lambda-relay's configuration: built once from the environment at init and validated there. Every
// variable is documented in docs/configuration.md. An invalid value fails Init with a message that
// names the variable.
#pragma once

#include "config/environment.hpp"
#include "config/function_environment.hpp"
#include "config/insight_config.hpp"
#include "config/otlp_config.hpp"
#include "config/relay_config.hpp"
#include "delivery/flush_policy.hpp"
#include "log/logger.hpp"
#include "net/url.hpp"

#include <lambda_relay/extension.hpp>
#include <lambda_relay/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lambda_relay::config {

struct Config {
  log::Level log_level = log::Level::info;  // LAMBDA_RELAY_LOG_LEVEL
  log::Format log_format = log::Format::text;  // LAMBDA_RELAY_LOG_FORMAT
  bool dev_mode = false;  // LAMBDA_RELAY_DEV_MODE: run without a Lambda platform
  std::string runtime_api;  // AWS_LAMBDA_RUNTIME_API (required unless dev_mode)
  // Time kept back from the SHUTDOWN deadline so the process is gone before Lambda's SIGKILL.
  std::chrono::milliseconds shutdown_margin{100};  // LAMBDA_RELAY_SHUTDOWN_MARGIN_MS

  // Telemetry API subscription.
  std::vector<std::string> telemetry_types{"platform", "function"};  // LAMBDA_RELAY_TELEMETRY_TYPES
  Buffering buffering;  // LAMBDA_RELAY_BUFFER_MAX_ITEMS / _MAX_BYTES / _TIMEOUT_MS (Lambda's minimums)
  std::uint16_t telemetry_port = 0;  // LAMBDA_RELAY_TELEMETRY_PORT (0: ephemeral)

  // JSON batch dispatch.
  std::optional<net::Url> batch_url;  // LAMBDA_RELAY_BATCH_URL (alias DISPATCH_POST_URI)
  std::size_t batch_min_items = 1;    // LAMBDA_RELAY_BATCH_MIN_ITEMS (alias DISPATCH_MIN_BATCH_SIZE)
  bool batch_gzip = false;            // LAMBDA_RELAY_BATCH_COMPRESSION=gzip

  // OTLP export (OTEL_EXPORTER_OTLP_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES).
  OtlpConfig otlp;
  // The function's identity, from Lambda's reserved variables (never fails).
  FunctionEnvironment function;

  // Delivery.
  std::size_t max_buffer_bytes = 8 * 1024 * 1024;  // LAMBDA_RELAY_MAX_BUFFER_BYTES
  delivery::FlushSetting flush;                    // LAMBDA_RELAY_FLUSH (adaptive)
  // The longest an invocation is held for sending (beyond the function's own run time).
  std::chrono::milliseconds flush_timeout{500};  // LAMBDA_RELAY_FLUSH_TIMEOUT_MS

  // The local relay SDKs send to (relay_config.hpp).
  RelayConfig relay;
  // Failure events and redaction (insight_config.hpp).
  InsightConfig insight;
};

// The error type lambda-relay reports to `init/error` for configuration problems.
inline constexpr std::string_view kConfigErrorType = "Extension.ConfigInvalid";

// Builds and validates the configuration. The error's code is the offending variable's name.
[[nodiscard]] Result<Config> load(const Environment& env);

}  // namespace lambda_relay::config
