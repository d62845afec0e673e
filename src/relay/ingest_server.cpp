#include "relay/ingest_server.hpp"

#include "relay/ingest_response.hpp"
#include "relay/query_string.hpp"

#include <fmt/format.h>

namespace lambda_relay::relay {
namespace {

using net::http::status;

std::string unknown_path(std::string_view path, const RouteTable& routes) {
  return fmt::format("no route for {}; lambda-relay serves {}", path.substr(0, 200), routes.describe());
}

std::string method_not_routed(std::string_view method, std::string_view path, std::string_view allowed) {
  return fmt::format("{} is not accepted on {} (use {})", method.substr(0, 20), path.substr(0, 200), allowed);
}

void log_bind_failure(const log::Logger& logger, std::uint16_t port, const std::string& causes) {
  logger.warn("relay: cannot listen on port {} ({}); serving the other ports", port, causes);
}

}  // namespace

IngestServer::IngestServer(net::asio::any_io_executor executor, const log::Logger& logger, RouteTable routes,
                           std::size_t max_request_bytes)
    : executor_(std::move(executor)), logger_(logger), routes_(std::move(routes)) {
  limits_.max_body_bytes = max_request_bytes;
}

IngestServer::~IngestServer() { stop(); }

std::vector<net::tcp::endpoint> IngestServer::start(const std::vector<std::uint16_t>& ports) {
  std::vector<net::tcp::endpoint> bound;
  const auto handler = [this](net::Request& request) -> net::Awaitable<net::Response> { co_return dispatch(request); };
  for (const auto port : ports) {
    std::string causes;
    bool any = false;
    // Both loopbacks: "localhost" may resolve to either, and SDKs use that name.
    for (const auto* address : {"127.0.0.1", "::1"}) {
      auto server = std::make_unique<net::HttpServer>(executor_, handler, limits_);
      auto endpoint = server->listen({net::asio::ip::make_address(address), port});
      if (!endpoint) {
        causes += (causes.empty() ? "" : "; ") + endpoint.error().message;
        continue;
      }
      server->start();
      bound.push_back(*endpoint);
      servers_.push_back(std::move(server));
      any = true;
      // An ephemeral port: the IPv6 listener would get another number; one address is enough.
      if (port == 0) break;
    }
    if (!any) {
      log_bind_failure(logger_, port, causes);
    } else if (!causes.empty()) {
      logger_.debug("relay: port {}: {}", port, causes);
    }
  }
  return bound;
}

// The servers stay: their accept and connection coroutines resume once more (aborted) and still
// use them. They go with the IngestServer.
void IngestServer::stop() {
  for (auto& server : servers_) server->stop();
}

net::Response IngestServer::dispatch(net::Request& request) {
  auto found = routes_.find(request.method(), request.target());
  if (!found) {
    const auto path = split_target(request.target()).path;
    logger_.debug("relay: 404 for {}", path.substr(0, 200));
    return refused(request, status::not_found, unknown_path(path, routes_));
  }
  if (found->handler == nullptr) {
    const auto allowed = routes_.allowed_methods(found->match.path);
    auto response = refused(request, status::method_not_allowed,
                            method_not_routed(request.method_string(), found->match.path, allowed));
    response.set(net::http::field::allow, allowed);
    return response;
  }
  auto response = (*found->handler)(request, found->match);
  if (response.result_int() >= 400) {
    logger_.debug("relay: {} {} answered {}", std::string_view(request.method_string()), found->match.path.substr(0, 200),
                  response.result_int());
  }
  return response;
}

}  // namespace lambda_relay::relay
