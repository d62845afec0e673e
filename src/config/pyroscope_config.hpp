// Configuration of the Pyroscope routes, from the variables of Grafana's Pyroscope Lambda extension
// (PYROSCOPE_*), so that its users switch by changing only the layer. Every variable of that
// extension's table is accepted; those that mean something to lambda-relay are applied, the others
// are named once in the log. Documented in docs/configuration.md ("Pyroscope routes").
#pragma once

#include "config/environment.hpp"
#include "log/logger.hpp"
#include "net/url.hpp"

#include <lambda_relay/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lambda_relay::config {

struct PyroscopeConfig {
  net::Url remote;                 // PYROSCOPE_REMOTE_ADDRESS (its userinfo, if any, is Basic auth)
  std::string auth_token;          // PYROSCOPE_AUTH_TOKEN: Authorization: Bearer; never logged
  std::string basic_auth_user;     // PYROSCOPE_BASIC_AUTH_USER
  std::string basic_auth_password; // PYROSCOPE_BASIC_AUTH_PASSWORD; never logged
  std::string tenant_id;           // PYROSCOPE_TENANT_ID: X-Scope-OrgID
  std::vector<std::pair<std::string, std::string>> http_headers;  // PYROSCOPE_HTTP_HEADERS, in order
  std::optional<std::chrono::milliseconds> timeout;                // PYROSCOPE_TIMEOUT: per request

  // What lambda-relay adopts from the extension's variables because its own are not set:
  // PYROSCOPE_LOG_LEVEL / _FORMAT (LAMBDA_RELAY_LOG_LEVEL / _FORMAT), PYROSCOPE_FLUSH_ON_INVOKE=true
  // (LAMBDA_RELAY_FLUSH=end).
  std::optional<log::Level> log_level;
  std::optional<log::Format> log_format;
  bool flush_at_end = false;

  // One line each, for the log at start: variables accepted without effect, and how the others
  // were applied. Never holds a value that could be a credential.
  std::vector<std::string> notes;
};

// The Pyroscope settings; nothing when PYROSCOPE_REMOTE_ADDRESS is unset or empty (then the other
// variables are not read, except that credentials without an address are an error: there is no
// default server). Errors name the variable and never quote a credential.
[[nodiscard]] Result<std::optional<PyroscopeConfig>> load_pyroscope_config(const Environment& env);

// A Go duration as PYROSCOPE_TIMEOUT takes it ("10s", "1m30s", "1.5s", "250ms"), at least 1 ms.
[[nodiscard]] Result<std::chrono::milliseconds> parse_go_duration(std::string_view variable, std::string_view text);

}  // namespace lambda_relay::config
