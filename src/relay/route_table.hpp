// The ingest server's routes: path pattern → handler. Every protocol adds its routes from a file of
// its own (sentry_routes, forward_routes, …); the ingest server only dispatches.
//
// Patterns are paths whose segments are literals, "{name}" (one non-empty segment, captured) or, as
// the last segment, "*" (whatever follows, captured as `rest`: "" or "/…"). A trailing '/' is
// optional on both sides: "/api/{project}/envelope/" also matches "/api/42/envelope". Routes are
// tried in the order they were added; the first whose pattern and method match wins.
//
// Handlers run on the ack path: they must not block or wait for upstreams, only check the request,
// hand it to the outbox and answer.
#pragma once

#include "net/http.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::relay {

struct RouteMatch {
  std::string_view path;   // without the query string
  std::string_view query;  // after '?', "" when none
  std::vector<std::string_view> params;  // the "{name}" segments, in order
  std::string_view rest;   // what "*" matched
};

using RouteHandler = std::function<net::Response(net::Request&, const RouteMatch&)>;

class RoutePattern {
 public:
  explicit RoutePattern(std::string pattern);
  // Fills `match.params` and `match.rest` when `path` matches.
  [[nodiscard]] bool matches(std::string_view path, RouteMatch& match) const;
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
  bool prefix_ = false;  // ends in "*"
};

class RouteTable {
 public:
  struct Found {
    RouteHandler const* handler = nullptr;  // null: the path matched but not with this method
    RouteMatch match;
  };

  void add(std::string pattern, RouteHandler handler, net::http::verb method = net::http::verb::post);

  // The route for a request; nothing when no pattern matches its path at all.
  [[nodiscard]] std::optional<Found> find(net::http::verb method, std::string_view target) const;
  // "POST /envelope, POST /api/{project}/envelope/, …" for 404 answers and logs.
  [[nodiscard]] std::string describe() const;
  // The methods routed for `path` ("POST"), for a 405's Allow header.
  [[nodiscard]] std::string allowed_methods(std::string_view path) const;
  [[nodiscard]] bool empty() const noexcept { return routes_.empty(); }

 private:
  struct Route {
    RoutePattern pattern;
    net::http::verb method;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace lambda_relay::relay
