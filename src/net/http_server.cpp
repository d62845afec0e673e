#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>

namespace lambda_relay::net {
namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Maps a parse failure to the answer a client should get, or nothing when the peer just went away.
std::optional<Response> answer_for_read_error(const boost::system::error_code& ec, const ServerLimits& limits) {
  Request shape;
  shape.version(11);
  shape.keep_alive(false);
  if (ec == http::error::body_limit) {
    return make_error_response(shape, http::status::payload_too_large, "RequestEntityTooLarge",
                               fmt::format("request body exceeds {} bytes", limits.max_body_bytes));
  }
  if (ec == http::error::header_limit) {
    return make_error_response(shape, http::status::request_header_fields_too_large, "RequestHeaderTooLarge",
                               fmt::format("request header exceeds {} bytes", limits.max_header_bytes));
  }
  // Any other parser error means bytes arrived that are not HTTP; a closed or cut connection
  // (end_of_stream, partial_message, socket errors) has nobody left to answer.
  const bool parser_error = ec.category() == http::make_error_code(http::error::bad_method).category();
  if (parser_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return make_error_response(shape, http::status::bad_request, "BadRequest",
                               fmt::format("malformed HTTP request: {}", ec.message()));
  }
  return std::nullopt;
}

// After refusing a request whose body may still be arriving (413, 400), read and discard what the
// client still sends, for a bounded time and amount, before closing: closing a socket with unread
// data makes the kernel send a reset, and a client still writing its body would see the reset
// instead of our answer.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 64 * 1024 * 1024;

void expire_linger(const std::shared_ptr<tcp::socket>& socket, asio::steady_timer& timer) {
  timer.async_wait([socket](const boost::system::error_code& ec) {
    boost::system::error_code ignored;
    if (!ec) socket->cancel(ignored);
  });
}

Awaitable<void> linger(std::shared_ptr<tcp::socket> socket) {
  boost::system::error_code ignored;
  socket->shutdown(tcp::socket::shutdown_send, ignored);
  asio::steady_timer timer(socket->get_executor(), kLingerTime);
  expire_linger(socket, timer);
  std::vector<char> discard(16 * 1024);
  std::size_t total = 0;
  while (total < kLingerBytes) {
    auto [ec, n] = co_await socket->async_read_some(asio::buffer(discard), use_nothrow);
    if (ec) break;
    total += n;
  }
  timer.cancel();
}

// A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB) waits for this, or for
// the final answer, before it sends the body; without it, it waits a second (curl's default) first.
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Beast reads max(512, free capacity) bytes at a time, and a body passes through the buffer into
// the request without growing it: without room, a 1 MiB body takes 2,000 reads of 512 bytes.
constexpr std::size_t kBodyReadBytes = 64 * 1024;

void make_room_for_body(beast::flat_buffer& buffer, const http::request_parser<http::string_body>& parser) {
  const auto remaining = parser.content_length_remaining().value_or(kBodyReadBytes);  // chunked: unknown
  buffer.reserve(buffer.size() + static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kBodyReadBytes)));
}

bool expects_continue(const Request& header) {
  const auto it = header.find(http::field::expect);
  return it != header.end() && header.version() >= 11 && beast::iequals(it->value(), "100-continue");
}

}  // namespace

HttpServer::HttpServer(asio::any_io_executor executor, RequestHandler handler, ServerLimits limits)
    : executor_(std::move(executor)), handler_(std::move(handler)), limits_(limits), acceptor_(executor_) {}

HttpServer::~HttpServer() { stop(); }

Result<tcp::endpoint> HttpServer::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return make_error("listen", fmt::format("cannot listen on {}:{}: {}", endpoint.address().to_string(),
                                            endpoint.port(), ec.message()));
  }
  return acceptor_.local_endpoint();
}

void HttpServer::start() { asio::co_spawn(executor_, accept_loop(), asio::detached); }

void HttpServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : connections_) {
    if (auto socket = weak.lock()) {
      socket->shutdown(tcp::socket::shutdown_both, ignored);
      socket->close(ignored);
    }
  }
  connections_.clear();
}

tcp::endpoint HttpServer::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

Awaitable<void> HttpServer::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto shared = std::make_shared<tcp::socket>(std::move(socket));
    std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
    connections_.push_back(shared);
    asio::co_spawn(executor_, serve(std::move(shared)), asio::detached);
  }
}

Awaitable<void> HttpServer::serve(std::shared_ptr<tcp::socket> socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser.body_limit(limits_.max_body_bytes);
    // The header first: an oversize Content-Length is refused (413) before the body is asked for.
    auto [read_ec, header_bytes] = co_await http::async_read_header(*socket, buffer, parser, use_nothrow);
    (void)header_bytes;
    if (!read_ec && !parser.is_done() && expects_continue(parser.get())) {
      auto [continue_ec, sent] = co_await asio::async_write(*socket, asio::buffer(kContinue), use_nothrow);
      (void)sent;
      read_ec = continue_ec;
    }
    if (!read_ec) {
      if (!parser.is_done()) make_room_for_body(buffer, parser);
      auto [body_ec, body_bytes] = co_await http::async_read(*socket, buffer, parser, use_nothrow);
      (void)body_bytes;
      read_ec = body_ec;
    }
    if (read_ec) {
      if (auto answer = answer_for_read_error(read_ec, limits_)) {
        auto [write_ec, written] = co_await http::async_write(*socket, *answer, use_nothrow);
        (void)written;
        if (!write_ec) co_await linger(socket);
      }
      break;
    }
    Request request = parser.release();
    Response response;
    try {
      response = co_await handler_(request);
    } catch (const std::exception& e) {
      response = make_error_response(request, http::status::internal_server_error, "InternalError", e.what());
    }
    const bool keep_alive = response.keep_alive() && request.keep_alive();
    auto [write_ec, written] = co_await http::async_write(*socket, response, use_nothrow);
    (void)written;
    if (write_ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  socket->shutdown(tcp::socket::shutdown_send, ignored);
  socket->close(ignored);
}

}  // namespace lambda_relay::net
