#include "relay/forward_routes.hpp"

#include "relay/ingest_response.hpp"
#include "relay/query_string.hpp"

#include <algorithm>
#include <array>

namespace lambda_relay::relay {
namespace {

using Clock = delivery::DeliveryEngine::Clock;
using net::http::field;

// Hop-by-hop and framing headers, and those the sender sets itself: never copied upstream.
constexpr std::array kNotForwarded{field::connection,     field::keep_alive,     field::proxy_authenticate,
                                   field::proxy_authorization, field::te,         field::trailer,
                                   field::transfer_encoding,  field::upgrade,    field::host,
                                   field::content_length,     field::content_type, field::expect,
                                   field::proxy_connection};

bool forwarded(const net::Request::value_type& header) {
  return std::find(kNotForwarded.begin(), kNotForwarded.end(), header.name()) == kNotForwarded.end();
}

}  // namespace

std::string forward_target(const net::Url& url, std::string_view rest, std::string_view query) {
  const auto [base_path, base_query] = split_target(url.target);
  std::string target(base_path);
  if (!rest.empty() && target.ends_with('/')) target.pop_back();
  target += rest;
  if (target.empty()) target = "/";
  if (!base_query.empty() || !query.empty()) {
    target += '?';
    target += base_query;
    if (!base_query.empty() && !query.empty()) target += '&';
    target += query;
  }
  return target;
}

ForwardRoutes::ForwardRoutes(delivery::DeliveryEngine& engine, std::vector<ForwardRule> rules) : engine_(engine) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const ForwardRule& a, const ForwardRule& b) { return a.prefix.size() > b.prefix.size(); });
  for (auto& rule : rules) {
    const auto upstream = engine_.add_upstream("forward " + rule.prefix, rule.url);
    forwards_.push_back(Forward{std::move(rule), upstream});
  }
}

void ForwardRoutes::add_to(RouteTable& routes) {
  for (const auto& to : forwards_) {
    const auto& prefix = to.rule.prefix;
    routes.add(prefix == "/" ? "/*" : prefix + "/*",
               [this, &to](net::Request& request, const RouteMatch& match) { return forward(to, request, match); });
  }
}

net::Response ForwardRoutes::forward(const Forward& to, net::Request& request, const RouteMatch& match) {
  const auto now = Clock::now();
  if (const auto until = engine_.rate_limited_until(to.upstream, ""); until > now) {
    return upstream_rate_limited(request, until - now);
  }
  delivery::Payload payload;
  payload.target = forward_target(to.rule.url, match.rest, match.query);
  const auto type = request.find(field::content_type);
  payload.content_type = type == request.end() ? "application/octet-stream" : std::string(type->value());
  for (const auto& header : request) {
    if (forwarded(header)) payload.headers.emplace_back(std::string(header.name_string()), std::string(header.value()));
  }
  auto answer = accepted(request, "");
  answer.erase(field::content_type);
  payload.body = std::move(request.body());
  if (!engine_.submit(to.upstream, std::move(payload))) return outbox_full(request);
  return answer;
}

}  // namespace lambda_relay::relay
