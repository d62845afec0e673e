// Sentry's ingest endpoints on the relay (../shared/spec/upstream-protocols.md §1):
//   POST /envelope                   the tunnel of @sentry/aws-serverless and of Sentry's extension
//   POST /api/{project}/envelope/    a DSN pointed at the relay (http://<key>@localhost:9000/<project>)
//   POST /api/{project}/store/, /api/store/   the legacy store endpoint, wrapped into envelopes
// Everything goes to SENTRY_DSN's envelope endpoint and nowhere else: an envelope whose own DSN, or
// a path whose project, names another destination is refused (SSRF guard). lambda-relay
// authenticates with SENTRY_DSN's key; the SDK's own credentials (query, header, envelope DSN) are
// accepted and not forwarded.
#pragma once

#include "delivery/delivery_engine.hpp"
#include "log/logger.hpp"
#include "relay/route_table.hpp"
#include "insight/redact.hpp"
#include "relay/sentry/envelope.hpp"
#include "relay/sentry/sentry_upstream.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace lambda_relay::relay::sentry {

class SentryRoutes {
 public:
  // Without an upstream (SENTRY_DSN unset or empty) the routes answer 503 saying so. Every envelope is
  // scrubbed by `redactor` before it is queued.
  SentryRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger, std::optional<SentryUpstream> upstream,
               const insight::Redactor& redactor, std::size_t max_decoded_bytes);

  void add_to(RouteTable& routes);

 private:
  // How the SDK's body may go upstream unchanged: its Content-Encoding as Sentry understands it.
  struct Received {
    std::string encoding;  // "" (identity), "gzip", "br", "deflate"; nothing when it must be re-sent decoded
    bool forward_as_is = true;
  };

  net::Response envelope(net::Request& request, const RouteMatch& match, bool project_in_path);
  net::Response store(net::Request& request, const RouteMatch& match, bool project_in_path);
  std::optional<net::Response> check_configured(const net::Request& request, const RouteMatch& match,
                                                bool project_in_path);
  std::optional<net::Response> check_destination(const net::Request& request, const Envelope& envelope);
  net::Response submit(net::Request& request, const RouteMatch& match, std::string& decoded, const Envelope& envelope,
                       const Received& received);
  void warn_once(std::string_view reason);

  delivery::DeliveryEngine& engine_;
  const log::Logger& logger_;
  std::optional<SentryUpstream> upstream_;
  const insight::Redactor& redactor_;
  std::size_t max_decoded_bytes_;
  bool warned_ = false;
};

}  // namespace lambda_relay::relay::sentry
