// lambda-relay's configuration: built once from the environment at init and validated there. Every
// variable is documented in docs/configuration.md. An invalid value fails Init with a message that
// names the variable.
#pragma once

#include "config/environment.hpp"
#include "log/logger.hpp"

#include <lambda_relay/result.hpp>

#include <chrono>
#include <string>

namespace lambda_relay::config {

struct Config {
  log::Level log_level = log::Level::info;  // LAMBDA_RELAY_LOG_LEVEL
  log::Format log_format = log::Format::text;  // LAMBDA_RELAY_LOG_FORMAT
  bool dev_mode = false;  // LAMBDA_RELAY_DEV_MODE: run without a Lambda platform
  std::string runtime_api;  // AWS_LAMBDA_RUNTIME_API (required unless dev_mode)
  // Time kept back from the SHUTDOWN deadline so the process is gone before Lambda's SIGKILL.
  std::chrono::milliseconds shutdown_margin{100};  // LAMBDA_RELAY_SHUTDOWN_MARGIN_MS
};

// The error type lambda-relay reports to `init/error` for configuration problems.
inline constexpr std::string_view kConfigErrorType = "Extension.ConfigInvalid";

// Builds and validates the configuration. The error's code is the offending variable's name.
[[nodiscard]] Result<Config> load(const Environment& env);

}  // namespace lambda_relay::config
