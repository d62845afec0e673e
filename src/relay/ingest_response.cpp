#include "relay/ingest_response.hpp"

#include "json/writer.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lambda_relay::relay {

net::Response accepted(const net::Request& request, std::string body) {
  return net::make_response(request, net::http::status::ok, std::move(body));
}

net::Response refused(const net::Request& request, net::http::status status, std::string_view reason) {
  std::string body;
  json::Writer(body).begin_object().field("detail", reason).end_object();
  return net::make_response(request, status, std::move(body));
}

net::Response outbox_full(const net::Request& request) {
  auto response = refused(request, net::http::status::too_many_requests,
                          "lambda-relay's outbox is full: the upstream is slower than the function or unreachable");
  response.set(net::http::field::retry_after, std::to_string(kOutboxFullRetryAfter.count()));
  return response;
}

net::Response upstream_rate_limited(const net::Request& request, std::chrono::steady_clock::duration wait,
                                    std::string_view sentry_category) {
  // Whole seconds, rounded up: an SDK that comes back early is refused again.
  const auto seconds = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
  auto response = refused(request, net::http::status::too_many_requests,
                          sentry_category.empty()
                              ? fmt::format("the upstream is rate limiting: retry in {} s", seconds)
                              : fmt::format("the upstream is rate limiting {} data: retry in {} s", sentry_category, seconds));
  response.set(net::http::field::retry_after, std::to_string(seconds));
  if (!sentry_category.empty()) response.set("X-Sentry-Rate-Limits", fmt::format("{}:{}:key", seconds, sentry_category));
  return response;
}

}  // namespace lambda_relay::relay
