// PYROSCOPE_REMOTE_ADDRESS as an upstream of the delivery engine, with the headers the Pyroscope
// extension's variables ask for (../shared/spec/upstream-protocols.md §2.2, §2.5).
#pragma once

#include "config/pyroscope_config.hpp"
#include "delivery/delivery_engine.hpp"

#include <string>
#include <utility>
#include <vector>

namespace lambda_relay::relay::pyroscope {

struct PyroscopeUpstream {
  delivery::DeliveryEngine::UpstreamId id = 0;
  net::Url remote;
  // Set on every request, replacing the SDK's headers of the same name: PYROSCOPE_HTTP_HEADERS, then
  // Authorization (PYROSCOPE_AUTH_TOKEN as Bearer, else basic auth) and X-Scope-OrgID, which win.
  std::vector<std::pair<std::string, std::string>> headers;
  // Basic auth from the address's userinfo (https://user:password@host): sent only when neither the
  // variables nor the SDK set Authorization, as Go's HTTP client does for the extension.
  std::string userinfo_authorization;
};

// Adds the upstream (PYROSCOPE_TIMEOUT as its request timeout).
[[nodiscard]] PyroscopeUpstream add_pyroscope_upstream(delivery::DeliveryEngine& engine,
                                                       const config::PyroscopeConfig& config);

// Puts the upstream's headers into `headers` (the SDK's, as forwarded): the configured ones replace
// those of the same name; the address's userinfo is used when nothing set Authorization.
void apply_upstream_headers(const PyroscopeUpstream& upstream, std::vector<std::pair<std::string, std::string>>& headers);

// "Basic " + base64(user ":" password).
[[nodiscard]] std::string basic_authorization(std::string_view user, std::string_view password);

}  // namespace lambda_relay::relay::pyroscope
