// Pyroscope's ingest endpoints on the relay (../shared/spec/upstream-protocols.md §2):
//   POST /ingest, /pyroscope/ingest    the legacy API (@pyroscope/nodejs, pyroscope-go, Java): metadata
//                                      in the query, the profile in the body, in any format
//   POST /push.v1.PusherService/Push   the Connect push API (pyroscope-rs: Python, Ruby; .NET),
//                                      protobuf or JSON
// Each request goes to PYROSCOPE_REMOTE_ADDRESS with its path appended to the address's path and its
// query as it is; body, Content-Type (with a multipart boundary) and Content-Encoding as received,
// plus the headers the PYROSCOPE_* variables ask for. /ingest bodies are checked first
// (ingest_check.hpp), so that malformed data is refused while the SDK can still hear it.
#pragma once

#include "config/pyroscope_config.hpp"
#include "delivery/delivery_engine.hpp"
#include "log/logger.hpp"
#include "relay/pyroscope/pyroscope_upstream.hpp"
#include "relay/route_table.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace lambda_relay::relay::pyroscope {

class PyroscopeRoutes {
 public:
  // Without a configuration (PYROSCOPE_REMOTE_ADDRESS unset) the routes answer 503 saying so. The
  // configuration's notes are logged once, here.
  PyroscopeRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger,
                  const std::optional<config::PyroscopeConfig>& config, std::size_t max_decoded_bytes);

  void add_to(RouteTable& routes);
  // The upstream (tests wait on its rate limits); nothing without a configuration.
  [[nodiscard]] const std::optional<PyroscopeUpstream>& upstream() const noexcept { return upstream_; }

 private:
  enum class Api { ingest, push };

  net::Response ingest(net::Request& request, const RouteMatch& match);
  net::Response push(net::Request& request, const RouteMatch& match);
  std::optional<net::Response> check_ready(const net::Request& request, Api api);
  net::Response submit(net::Request& request, const RouteMatch& match, Api api);
  net::Response refuse(const net::Request& request, Api api, net::http::status answer, std::string_view reason);

  delivery::DeliveryEngine& engine_;
  const log::Logger& logger_;
  std::optional<PyroscopeUpstream> upstream_;
  std::size_t max_decoded_bytes_;
  bool warned_ = false;
};

}  // namespace lambda_relay::relay::pyroscope
