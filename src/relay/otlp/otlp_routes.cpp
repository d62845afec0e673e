#include "relay/otlp/otlp_routes.hpp"

#include "relay/content_encoding.hpp"
#include "relay/ingest_response.hpp"
#include "relay/otlp/otlp_body.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace lambda_relay::relay::otlp {
namespace {

using Clock = delivery::DeliveryEngine::Clock;
using config::OtlpSignal;
using net::http::field;
using net::http::status;

constexpr std::array kSignals{OtlpSignal::traces, OtlpSignal::metrics, OtlpSignal::logs};

std::string header_value(const net::Request& request, field name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string{} : std::string(it->value());
}

std::string normalized(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The empty Export<Signal>ServiceResponse (full success) in the request's encoding.
net::Response success(const net::Request& request, OtlpEncoding encoding) {
  if (encoding == OtlpEncoding::json) return net::make_response(request, status::ok, "{}", "application/json");
  return net::make_response(request, status::ok, "", "application/x-protobuf");
}

std::string unknown_type(std::string_view content_type) {
  return content_type.empty()
             ? std::string("no Content-Type: OTLP/HTTP is application/x-protobuf or application/json")
             : fmt::format("Content-Type \"{}\" is not OTLP/HTTP: send application/x-protobuf or application/json",
                           content_type.substr(0, 100));
}

std::string no_endpoint(OtlpSignal signal) {
  return fmt::format("lambda-relay has no OTLP endpoint for {}: set OTEL_EXPORTER_OTLP_ENDPOINT or "
                     "OTEL_EXPORTER_OTLP_{}_ENDPOINT",
                     config::to_string(signal), upper(config::to_string(signal)));
}

net::Response decode_refusal(const net::Request& request, const Error& error) {
  return refused(request, error.code == "UnsupportedEncoding" ? status::unsupported_media_type : status::bad_request,
                 error.message);
}

}  // namespace

OtlpRoutes::OtlpRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger, OtlpUpstreams upstreams,
                       std::size_t max_decoded_bytes)
    : engine_(engine), logger_(logger), upstreams_(std::move(upstreams)), max_decoded_bytes_(max_decoded_bytes) {}

void OtlpRoutes::add_to(RouteTable& routes) {
  for (const auto signal : kSignals) {
    routes.add("/v1/" + std::string(config::to_string(signal)),
               [this, signal](net::Request& request, const RouteMatch&) { return receive(signal, request); });
  }
}

std::string OtlpRoutes::describe() const {
  std::string out;
  for (const auto signal : kSignals) {
    if (!upstream_for(upstreams_, signal)) continue;
    if (!out.empty()) out += ", ";
    out += config::to_string(signal);
  }
  return out;
}

net::Response OtlpRoutes::not_configured(OtlpSignal signal, const net::Request& request) {
  auto reason = no_endpoint(signal);
  if (!std::exchange(warned_, true)) logger_.warn("otlp: refused a request: {}", reason);
  return refused(request, status::not_found, reason);
}

net::Response OtlpRoutes::receive(OtlpSignal signal, net::Request& request) {
  const auto& upstream = upstream_for(upstreams_, signal);
  if (!upstream) return not_configured(signal, request);
  const auto content_type = header_value(request, field::content_type);
  const auto encoding = otlp_encoding(content_type);
  if (!encoding) return refused(request, status::unsupported_media_type, unknown_type(content_type));

  // Decoded only to be checked (and bounded): what goes upstream is the SDK's body.
  const auto coding = normalized(header_value(request, field::content_encoding));
  const bool identity = is_identity(coding);
  std::string decoded_storage;
  if (!identity) {
    auto decoded = decode_body(coding, request.body(), max_decoded_bytes_);
    if (!decoded) return decode_refusal(request, decoded.error());
    decoded_storage = std::move(decoded).value();
  }
  const std::string& decoded = identity ? request.body() : decoded_storage;
  if (decoded.empty()) return success(request, *encoding);  // an empty export succeeds; nothing to send
  if (auto checked = check_export_request(*encoding, decoded); !checked) {
    return refused(request, status::bad_request, checked.error().message);
  }
  const auto now = Clock::now();
  if (const auto until = engine_.rate_limited_until(upstream->id, ""); until > now) {
    return upstream_rate_limited(request, until - now);
  }

  delivery::Payload payload;
  payload.content_type = content_type;
  // The SDK's User-Agent first: a configured one (OTEL_EXPORTER_OTLP_HEADERS) replaces it.
  if (auto agent = header_value(request, field::user_agent); !agent.empty()) {
    payload.headers.emplace_back("User-Agent", std::move(agent));
  }
  payload.headers.insert(payload.headers.end(), upstream->headers.begin(), upstream->headers.end());
  const bool gzip = coding == "gzip" || coding == "x-gzip";
  if (identity || gzip) {
    payload.body = std::move(request.body());
    if (gzip) payload.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    payload.body = std::move(decoded_storage);  // deflate, br: OTLP collectors need only take gzip
  }
  if (!engine_.submit(upstream->id, std::move(payload))) return outbox_full(request);
  return success(request, *encoding);
}

}  // namespace lambda_relay::relay::otlp
