// The local relay as a whole: the protocol routes (Sentry, Pyroscope, OTLP, plain forwarding) over one
// ingest server, all feeding the one delivery engine.
#pragma once

#include "config/relay_config.hpp"
#include "delivery/delivery_engine.hpp"
#include "log/logger.hpp"
#include "relay/forward_routes.hpp"
#include "relay/ingest_server.hpp"
#include "relay/otlp/otlp_routes.hpp"
#include "relay/pyroscope/pyroscope_routes.hpp"
#include "relay/sentry/sentry_routes.hpp"

#include <optional>
#include <vector>

namespace lambda_relay::relay {

class LocalRelay {
 public:
  // `sentry`: SENTRY_DSN's upstream, when it is set. `otlp`: the OTLP signals' upstreams (those
  // lambda-relay's own export uses). `redactor` scrubs what goes to Sentry.
  LocalRelay(net::asio::any_io_executor executor, const log::Logger& logger, const config::RelayConfig& config,
             delivery::DeliveryEngine& engine, std::optional<sentry::SentryUpstream> sentry,
             otlp::OtlpUpstreams otlp, const insight::Redactor& redactor);

  // Listens on the configured ports (those that are free) and logs where and what it serves.
  std::vector<net::tcp::endpoint> start();
  void stop();

 private:
  RouteTable routes();

  const log::Logger& logger_;
  const config::RelayConfig& config_;
  sentry::SentryRoutes sentry_;
  pyroscope::PyroscopeRoutes pyroscope_;
  otlp::OtlpRoutes otlp_;
  ForwardRoutes forward_;
  IngestServer server_;
};

}  // namespace lambda_relay::relay
