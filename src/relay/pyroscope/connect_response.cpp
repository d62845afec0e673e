#include "relay/pyroscope/connect_response.hpp"

#include "json/writer.hpp"

namespace lambda_relay::relay::pyroscope {
namespace {

using net::http::status;

bool is_json(const net::Request& request) {
  const auto type = request.find(net::http::field::content_type);
  return type != request.end() && type->value().starts_with("application/json");
}

std::string_view connect_code(status answer) {
  switch (answer) {
    case status::bad_request:
      return "invalid_argument";
    case status::unsupported_media_type:
      return "internal";  // Connect's own mapping of 415
    case status::too_many_requests:
      return "resource_exhausted";
    case status::service_unavailable:
      return "unavailable";
    default:
      return "unknown";
  }
}

}  // namespace

net::Response connect_accepted(const net::Request& request) {
  if (is_json(request)) return net::make_response(request, status::ok, "{}", "application/json");
  return net::make_response(request, status::ok, "", "application/proto");
}

net::Response connect_error(const net::Request& request, status answer, std::string_view message) {
  std::string body;
  json::Writer(body).begin_object().field("code", connect_code(answer)).field("message", message).end_object();
  return net::make_response(request, answer, std::move(body), "application/json");
}

}  // namespace lambda_relay::relay::pyroscope
