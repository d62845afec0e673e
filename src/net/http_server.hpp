// An HTTP/1.1 server on one executor: one coroutine per connection, requests handled in order,
// bounded header and body sizes. Malformed or oversized requests are answered (400/413/431) and the
// connection closed; the handler only ever sees complete, well-formed requests.
#pragma once

#include "net/http.hpp"

#include <lambda_relay/result.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>

namespace lambda_relay::net {

struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 6 * 1024 * 1024 + 100;  // Lambda's invoke/response payload cap
};

using RequestHandler = std::function<Awaitable<Response>(Request&)>;

class HttpServer {
 public:
  HttpServer(asio::any_io_executor executor, RequestHandler handler, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; port 0 picks an ephemeral port. Returns the bound endpoint.
  Result<tcp::endpoint> listen(const tcp::endpoint& endpoint);
  // Starts accepting (call after listen).
  void start();
  // Stops accepting and closes every open connection.
  void stop();

  [[nodiscard]] tcp::endpoint local_endpoint() const;

 private:
  Awaitable<void> accept_loop();
  Awaitable<void> serve(std::shared_ptr<tcp::socket> socket);

  asio::any_io_executor executor_;
  RequestHandler handler_;
  ServerLimits limits_;
  tcp::acceptor acceptor_;
  std::list<std::weak_ptr<tcp::socket>> connections_;
};

}  // namespace lambda_relay::net
