#include "relay/route_table.hpp"

#include "relay/query_string.hpp"

#include <fmt/format.h>

namespace lambda_relay::relay {
namespace {

std::string_view without_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// The next segment of `path` (which starts with '/'), moving `path` past it.
std::string_view next_segment(std::string_view& path) {
  path.remove_prefix(1);
  const auto slash = path.find('/');
  const auto segment = path.substr(0, slash);
  path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  return segment;
}

}  // namespace

RoutePattern::RoutePattern(std::string pattern) : text_(std::move(pattern)) {
  std::string_view rest = without_trailing_slash(text_);
  if (rest == "/") return;
  while (!rest.empty()) segments_.emplace_back(next_segment(rest));
  if (!segments_.empty() && segments_.back() == "*") {
    prefix_ = true;
    segments_.pop_back();
  }
}

bool RoutePattern::matches(std::string_view path, RouteMatch& match) const {
  const std::string_view normalized = without_trailing_slash(path);
  if (!normalized.starts_with('/')) return false;
  std::string_view rest = normalized == "/" ? std::string_view{} : normalized;
  std::vector<std::string_view> params;
  for (const auto& expected : segments_) {
    if (rest.empty()) return false;
    const auto segment = next_segment(rest);
    if (expected.starts_with('{')) {
      if (segment.empty()) return false;
      params.push_back(segment);
    } else if (segment != expected) {
      return false;
    }
  }
  if (!rest.empty() && !prefix_) return false;
  match.params = std::move(params);
  // `rest` keeps the request's own trailing slash: a forwarded path stays as the client wrote it.
  match.rest = prefix_ ? path.substr(normalized.size() - rest.size()) : std::string_view{};
  return true;
}

void RouteTable::add(std::string pattern, RouteHandler handler, net::http::verb method) {
  routes_.push_back(Route{RoutePattern(std::move(pattern)), method, std::move(handler)});
}

std::optional<RouteTable::Found> RouteTable::find(net::http::verb method, std::string_view target) const {
  const auto [path, query] = split_target(target);
  std::optional<Found> found;
  for (const auto& route : routes_) {
    RouteMatch match;
    if (!route.pattern.matches(path, match)) continue;
    match.path = path;
    match.query = query;
    if (route.method == method) return Found{&route.handler, std::move(match)};
    if (!found) found = Found{nullptr, std::move(match)};
  }
  return found;
}

std::string RouteTable::describe() const {
  std::string out;
  for (const auto& route : routes_) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", std::string_view(net::http::to_string(route.method)), route.pattern.text());
  }
  return out;
}

std::string RouteTable::allowed_methods(std::string_view path) const {
  std::string out;
  for (const auto& route : routes_) {
    RouteMatch ignored;
    if (!route.pattern.matches(path, ignored)) continue;
    const std::string_view method = net::http::to_string(route.method);
    if (out.find(method) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += method;
  }
  return out;
}

}  // namespace lambda_relay::relay
