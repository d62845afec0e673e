// One keep-alive HTTP/1.1 connection to one host, used for sequential requests (the Lambda platform
// APIs, upstreams). Reconnects when the peer closed an idle connection; no timeout unless the caller
// asks for one (an Extensions API long-poll must never time out: the sandbox may be frozen inside it).
// With a TlsContext the connection is HTTPS: the context is loaded at the first connect, and a
// certificate or handshake failure is an Error with code "tls".
#pragma once

#include "net/dns_resolver.hpp"
#include "net/http.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <lambda_relay/result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace lambda_relay::net {

class TlsContext;
class TlsStream;

class HttpConnection {
 public:
  // `tls`: null for http, else the context for https (usually TlsContext::process()); it must outlive
  // the connection.
  HttpConnection(asio::any_io_executor executor, HostPort target, TlsContext* tls = nullptr,
                 std::size_t max_response_body = 8 * 1024 * 1024);
  ~HttpConnection();

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
  Awaitable<Result<void>> handshake(std::optional<std::chrono::milliseconds> timeout);
  Awaitable<Result<Response>> exchange(const Request& request, std::optional<std::chrono::milliseconds> timeout);

  asio::any_io_executor executor_;
  HostPort target_;
  std::size_t max_response_body_;
  DnsResolver resolver_;
  TlsContext* tls_context_;
  beast::tcp_stream stream_;
  std::shared_ptr<TlsStream> tls_;  // the session on stream_ while connected over TLS
  beast::flat_buffer buffer_;
  bool connected_ = false;
  bool cancelled_ = false;
  bool written_ = false;
};

}  // namespace lambda_relay::net
