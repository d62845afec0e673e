#include "net/http.hpp"

#include "json/writer.hpp"

#include <charconv>

namespace lambda_relay::net {

Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response make_error_response(const Request& request, http::status status, std::string_view error_type,
                             std::string_view error_message) {
  std::string body;
  json::Writer w(body);
  w.begin_object().field("errorMessage", error_message).field("errorType", error_type).end_object();
  return make_response(request, status, std::move(body));
}

bool parse_host_port(std::string_view text, HostPort& out) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {  // [v6]:port
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 needs brackets
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return false;
  }
  out.host = std::string(host);
  out.port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace lambda_relay::net
