#include "net/http_client.hpp"

#include "net/tls_context.hpp"
#include "net/tls_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

namespace lambda_relay::net {
namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

void set_deadline(beast::tcp_stream& stream, std::optional<std::chrono::milliseconds> timeout) {
  if (timeout) {
    stream.expires_after(*timeout);
  } else {
    stream.expires_never();
  }
}

Error handshake_error(const HostPort& target, const std::string& reason) {
  return make_error("tls", fmt::format("TLS handshake with {}:{} failed: {}", target.host, target.port, reason));
}

// Plain and TLS connections share this; only the stream type differs.
// `written` tells the caller whether the whole request went out (a cut request may then have arrived).
template <typename Stream>
Awaitable<Result<Response>> exchange_on(Stream& stream, beast::flat_buffer& buffer, const Request& request,
                                        std::size_t max_response_body, bool& written) {
  auto [write_ec, bytes] = co_await http::async_write(stream, request, use_nothrow);
  (void)bytes;
  if (write_ec) co_return make_error("write", write_ec.message());
  written = true;

  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  (void)read;
  if (read_ec) {
    co_return make_error(read_ec == beast::error::timeout ? "timeout" : "read",
                         read_ec == beast::error::timeout ? "no response in time" : read_ec.message());
  }
  co_return parser.release();
}

}  // namespace

HttpConnection::HttpConnection(asio::any_io_executor executor, HostPort target, TlsContext* tls,
                               std::size_t max_response_body)
    : executor_(executor),
      target_(std::move(target)),
      max_response_body_(max_response_body),
      resolver_(executor),
      tls_context_(tls),
      stream_(executor) {}

HttpConnection::~HttpConnection() = default;

void HttpConnection::close() {
  boost::system::error_code ignored;
  tls_.reset();  // no close_notify: the connection is dropped, not reused
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

void HttpConnection::cancel() {
  cancelled_ = true;
  close();
}

Awaitable<Result<void>> HttpConnection::connect(std::optional<std::chrono::milliseconds> timeout) {
  auto endpoints = co_await resolver_.resolve(target_.host, target_.port);
  if (!endpoints) co_return endpoints.error();
  set_deadline(stream_, timeout);
  auto [ec, endpoint] = co_await stream_.async_connect(*endpoints, use_nothrow);
  (void)endpoint;
  if (ec) {
    co_return make_error("connect", fmt::format("cannot connect to {}:{}: {}", target_.host, target_.port,
                                                ec == beast::error::timeout ? "timed out" : ec.message()));
  }
  stream_.socket().set_option(tcp::no_delay(true), ec);
  if (tls_context_ != nullptr) {
    if (auto secured = co_await handshake(timeout); !secured) {
      close();
      co_return secured.error();
    }
  }
  connected_ = true;
  co_return Result<void>{};
}

Awaitable<Result<void>> HttpConnection::handshake(std::optional<std::chrono::milliseconds> timeout) {
  // The first https connection of the process pays for reading the CA bundle; later ones do not.
  if (auto loaded = tls_context_->load(); !loaded) co_return loaded.error();
  auto session = TlsStream::open(stream_, *tls_context_, target_.host);
  if (!session) co_return session.error();
  tls_ = std::move(session).value();
  set_deadline(stream_, timeout);
  auto [ec, ignored] = co_await tls_->async_handshake(use_nothrow);
  (void)ignored;
  if (ec) co_return handshake_error(target_, tls_->describe(ec));
  co_return Result<void>{};
}

Awaitable<Result<Response>> HttpConnection::exchange(const Request& request,
                                                     std::optional<std::chrono::milliseconds> timeout) {
  set_deadline(stream_, timeout);
  written_ = false;
  // (Not one co_await on a conditional expression: GCC 12 destroys that temporary awaitable twice.)
  if (tls_) {
    auto response = co_await exchange_on(*tls_, buffer_, request, max_response_body_, written_);
    if (response && !response->keep_alive()) close();
    co_return response;
  }
  auto response = co_await exchange_on(stream_, buffer_, request, max_response_body_, written_);
  if (response && !response->keep_alive()) close();
  co_return response;
}

Awaitable<Result<Response>> HttpConnection::send(Request request, std::optional<std::chrono::milliseconds> timeout) {
  request.set(http::field::host, fmt::format("{}:{}", target_.host, target_.port));
  if (request.find(http::field::user_agent) == request.end()) request.set(http::field::user_agent, "lambda-relay");
  request.keep_alive(true);
  request.prepare_payload();
  cancelled_ = false;
  written_ = false;

  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connected_;
    if (!connected_) {
      if (auto c = co_await connect(timeout); !c) co_return c.error();
      if (cancelled_) {  // cancelled while resolving or connecting
        close();
        co_return make_error("cancelled", "request cancelled");
      }
    }
    auto result = co_await exchange(request, timeout);
    if (cancelled_) co_return make_error("cancelled", "request cancelled");
    if (result) co_return result;
    close();
    // Only a stale keep-alive connection earns a second try; a timeout or a fresh failure is final.
    if (!reused || result.error().code == "timeout") {
      co_return make_error(result.error().code, fmt::format("{} {}:{}{}: {}", std::string(request.method_string()),
                                                            target_.host, target_.port, std::string(request.target()),
                                                            result.error().message));
    }
  }
  co_return make_error("connect", "unreachable");
}

}  // namespace lambda_relay::net
