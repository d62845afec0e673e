// The local endpoint SDKs in the function send to. Listens on loopback only (127.0.0.1 and ::1) on
// every configured port, and every port serves every route: routing is by path alone, so an SDK
// may use whichever of its usual ports (9000 Sentry, 4040 Pyroscope, 4318 OTLP). A port that cannot
// be bound is logged with the cause and skipped; the others are served.
//
// Bodies are bounded (413 above the limit, before they are read whole); the handlers answer as soon
// as the data is in the outbox.
#pragma once

#include "log/logger.hpp"
#include "net/http_server.hpp"
#include "relay/route_table.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lambda_relay::relay {

class IngestServer {
 public:
  IngestServer(net::asio::any_io_executor executor, const log::Logger& logger, RouteTable routes,
               std::size_t max_request_bytes);
  ~IngestServer();
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  // Listens on each port (0: an ephemeral one, for tests) and starts serving. Returns the endpoints
  // bound; a port none of whose addresses could be bound is logged as a warning.
  std::vector<net::tcp::endpoint> start(const std::vector<std::uint16_t>& ports);
  // Closes the listeners and connections; let the io_context run their coroutines to their end
  // before destroying the IngestServer.
  void stop();

  // The answer for one request (what every listener calls).
  net::Response dispatch(net::Request& request);

 private:
  net::asio::any_io_executor executor_;
  const log::Logger& logger_;
  RouteTable routes_;
  net::ServerLimits limits_;
  std::vector<std::unique_ptr<net::HttpServer>> servers_;
};

}  // namespace lambda_relay::relay
