#include "relay/pyroscope/pyroscope_routes.hpp"

#include "relay/content_encoding.hpp"
#include "relay/forward_routes.hpp"
#include "relay/ingest_response.hpp"
#include "relay/pyroscope/connect_response.hpp"
#include "relay/pyroscope/ingest_check.hpp"
#include "relay/query_string.hpp"
#include "support/gzip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace lambda_relay::relay::pyroscope {
namespace {

using net::http::field;
using net::http::status;
using Clock = delivery::DeliveryEngine::Clock;

// Hop-by-hop and framing headers, those the sender sets itself, and Accept-Encoding (lambda-relay
// reads upstream answers uncompressed): never copied upstream.
constexpr std::array kNotForwarded{field::connection,        field::keep_alive,     field::proxy_authenticate,
                                   field::proxy_authorization, field::te,           field::trailer,
                                   field::transfer_encoding, field::upgrade,        field::host,
                                   field::content_length,    field::content_type,   field::expect,
                                   field::proxy_connection,  field::accept_encoding};

constexpr std::string_view kNotConfigured =
    "PYROSCOPE_REMOTE_ADDRESS is not set: lambda-relay has nowhere to forward Pyroscope profiles";

bool forwarded(const net::Request::value_type& header) {
  return std::find(kNotForwarded.begin(), kNotForwarded.end(), header.name()) == kNotForwarded.end();
}

std::string header_value(const net::Request& request, field name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string{} : std::string(it->value());
}

std::string trimmed_lower(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::int64_t retry_seconds(Clock::duration wait) {
  // Whole seconds, rounded up: an SDK that comes back early is refused again.
  return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
}

}  // namespace

PyroscopeRoutes::PyroscopeRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger,
                                 const std::optional<config::PyroscopeConfig>& config, std::size_t max_decoded_bytes)
    : engine_(engine), logger_(logger), max_decoded_bytes_(max_decoded_bytes) {
  if (!config) return;
  upstream_ = add_pyroscope_upstream(engine_, *config);
  for (const auto& note : config->notes) logger_.info("pyroscope: {}", note);
}

void PyroscopeRoutes::add_to(RouteTable& routes) {
  routes.add("/ingest", [this](net::Request& r, const RouteMatch& m) { return ingest(r, m); });
  routes.add("/pyroscope/ingest", [this](net::Request& r, const RouteMatch& m) { return ingest(r, m); });
  routes.add("/push.v1.PusherService/Push", [this](net::Request& r, const RouteMatch& m) { return push(r, m); });
}

net::Response PyroscopeRoutes::refuse(const net::Request& request, Api api, status answer, std::string_view reason) {
  if (answer == status::bad_request) {
    if (std::exchange(warned_, true)) {
      logger_.debug("pyroscope: refused a profile: {}", reason);
    } else {
      logger_.warn("pyroscope: refused a profile: {} (further refusals are logged at debug level)", reason);
    }
  }
  return api == Api::push ? connect_error(request, answer, reason) : refused(request, answer, reason);
}

std::optional<net::Response> PyroscopeRoutes::check_ready(const net::Request& request, Api api) {
  if (!upstream_) return refuse(request, api, status::service_unavailable, kNotConfigured);
  const auto now = Clock::now();
  const auto until = engine_.rate_limited_until(upstream_->id, "");
  if (until <= now) return std::nullopt;
  if (api == Api::ingest) return upstream_rate_limited(request, until - now);
  const auto seconds = retry_seconds(until - now);
  auto response = connect_error(request, status::too_many_requests,
                                fmt::format("the upstream is rate limiting: retry in {} s", seconds));
  response.set(field::retry_after, std::to_string(seconds));
  return response;
}

net::Response PyroscopeRoutes::ingest(net::Request& request, const RouteMatch& match) {
  if (auto refusal = check_ready(request, Api::ingest)) return std::move(*refusal);
  const auto name = query_parameter(match.query, "name");
  if (!name) {
    return refuse(request, Api::ingest, status::bad_request,
                  "the name query parameter is missing or badly encoded (expected e.g. name=my.app.cpu%7Benv%3Dprod%7D)");
  }
  if (auto checked = check_app_name(*name); !checked) {
    return refuse(request, Api::ingest, status::bad_request, checked.error().message);
  }
  const auto encoding = trimmed_lower(header_value(request, field::content_encoding));
  std::string decoded;
  if (!is_identity(encoding)) {
    auto body = decode_body(encoding, request.body(), max_decoded_bytes_);
    if (!body) {
      const bool unsupported = body.error().code == "UnsupportedEncoding";
      return refuse(request, Api::ingest, unsupported ? status::unsupported_media_type : status::bad_request,
                    body.error().message);
    }
    decoded = std::move(body).value();
  }
  const auto format = query_parameter(match.query, "format").value_or("");
  if (auto checked = check_ingest_body(format, header_value(request, field::content_type),
                                       is_identity(encoding) ? std::string_view(request.body()) : decoded,
                                       max_decoded_bytes_);
      !checked) {
    return refuse(request, Api::ingest, status::bad_request, checked.error().message);
  }
  return submit(request, match, Api::ingest);
}

net::Response PyroscopeRoutes::push(net::Request& request, const RouteMatch& match) {
  if (auto refusal = check_ready(request, Api::push)) return std::move(*refusal);
  // The message is the server's to read; a gzip body that does not decode is refused here.
  const auto encoding = trimmed_lower(header_value(request, field::content_encoding));
  if (encoding == "gzip") {
    if (auto size = support::gunzipped_size(request.body(), max_decoded_bytes_); !size) {
      return refuse(request, Api::push, status::bad_request, fmt::format("invalid gzip body: {}", size.error().message));
    }
  }
  return submit(request, match, Api::push);
}

net::Response PyroscopeRoutes::submit(net::Request& request, const RouteMatch& match, Api api) {
  delivery::Payload payload;
  payload.target = forward_target(upstream_->remote, match.path, match.query);
  const auto type = header_value(request, field::content_type);
  payload.content_type = type.empty() ? "application/octet-stream" : type;
  for (const auto& header : request) {
    if (forwarded(header)) payload.headers.emplace_back(std::string(header.name_string()), std::string(header.value()));
  }
  apply_upstream_headers(*upstream_, payload.headers);
  auto answer = api == Api::push ? connect_accepted(request) : accepted(request, "");
  if (api == Api::ingest) answer.erase(field::content_type);  // as Pyroscope answers: 200, no body
  payload.body = std::move(request.body());
  if (!engine_.submit(upstream_->id, std::move(payload))) {
    if (api == Api::ingest) return outbox_full(request);
    auto full = connect_error(request, status::too_many_requests,
                              "lambda-relay's outbox is full: the upstream is slower than the function or unreachable");
    full.set(field::retry_after, std::to_string(kOutboxFullRetryAfter.count()));
    return full;
  }
  return answer;
}

}  // namespace lambda_relay::relay::pyroscope
