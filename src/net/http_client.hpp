// One keep-alive HTTP/1.1 connection to one host, used for sequential requests (the Lambda platform
// APIs). Reconnects when the peer closed an idle connection; no timeout unless the caller asks for one
// (an Extensions API long-poll must never time out: the sandbox may be frozen inside it).
#pragma once

#include "net/dns_resolver.hpp"
#include "net/http.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <lambda_relay/result.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace lambda_relay::net {

class HttpConnection {
 public:
  HttpConnection(asio::any_io_executor executor, HostPort target, std::size_t max_response_body = 8 * 1024 * 1024);

  // Sends `request` (Host, User-Agent and Content-Length are filled in) and reads the response.
  // A request that fails on a reused connection before any response byte arrives is sent once more
  // on a fresh connection: the peer closed an idle keep-alive connection.
  Awaitable<Result<Response>> send(Request request,
                                   std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  void close();
  // Aborts the request in flight, if any, without the reconnect-and-resend of a stale connection:
  // the pending send() returns an error with code "cancelled".
  void cancel();
  // Whether the last send() wrote its whole request before it ended (a cancelled request that was
  // written in full may have been processed by the peer).
  [[nodiscard]] bool request_written() const noexcept { return written_; }
  [[nodiscard]] const HostPort& target() const noexcept { return target_; }

 private:
  Awaitable<Result<void>> connect(std::optional<std::chrono::milliseconds> timeout);
  Awaitable<Result<Response>> exchange(const Request& request, std::optional<std::chrono::milliseconds> timeout);

  asio::any_io_executor executor_;
  HostPort target_;
  std::size_t max_response_body_;
  DnsResolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
  bool cancelled_ = false;
  bool written_ = false;
};

}  // namespace lambda_relay::net
