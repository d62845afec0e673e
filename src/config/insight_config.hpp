// Configuration of the insight features: synthesized Sentry events for platform-detected failures and
// redaction. Read once at init, like config::Config; errors name the variable.
#pragma once

#include "config/environment.hpp"

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::config {

struct InsightConfig {
  bool send_default_pii = false;                  // LAMBDA_RELAY_SEND_DEFAULT_PII
  std::vector<std::string> redact_patterns;       // LAMBDA_RELAY_REDACT
  std::size_t failure_log_lines = 20;             // LAMBDA_RELAY_FAILURE_LOG_LINES (0–200)
  std::string sentry_environment = "production";  // SENTRY_ENVIRONMENT (the SDKs' default)
  std::optional<std::string> sentry_release;      // SENTRY_RELEASE
};

[[nodiscard]] Result<InsightConfig> load_insight_config(const Environment& env);

// LAMBDA_RELAY_REDACT's syntax: extended regular expressions separated by commas or newlines. A comma inside
// brackets, braces or parentheses (`[,;]`, `\d{2,4}`, `(a,b)`) or after a backslash (`\,`) belongs to
// the pattern. Spaces around a pattern are dropped; empty entries are ignored.
[[nodiscard]] Result<std::vector<std::string>> split_redact_patterns(std::string_view text);

}  // namespace lambda_relay::config
