// Common HTTP vocabulary for lambda-relay's servers and clients (Boost.Beast, HTTP/1.1).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lambda_relay::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

template <typename T>
using Awaitable = asio::awaitable<T>;

// A response with a body and Content-Type; keep-alive mirrors the request.
Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "application/json");

// The error shape every Lambda API uses: {"errorMessage": "...", "errorType": "..."}.
Response make_error_response(const Request& request, http::status status, std::string_view error_type,
                             std::string_view error_message);

// host:port as in AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001", "[::1]:9001", "localhost:9001").
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
[[nodiscard]] bool parse_host_port(std::string_view text, HostPort& out);

}  // namespace lambda_relay::net
