// Plain HTTP passthrough (LAMBDA_RELAY_FORWARD="<path-prefix>=<url>,…"): a POST under a prefix is
// queued as it is (body, content type, encoding and end-to-end headers) and sent to the URL with the
// rest of its path and its query appended: with "/logs=http://collector:8080/ingest",
// POST /logs/app?x=1 goes to http://collector:8080/ingest/app?x=1. Longer prefixes win; protocol
// routes (Sentry, …) come first.
#pragma once

#include "delivery/delivery_engine.hpp"
#include "net/url.hpp"
#include "relay/route_table.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::relay {

struct ForwardRule {
  std::string prefix;  // "/logs": starts with '/', no trailing '/' (except "/" itself)
  net::Url url;
};

// The upstream target for a request whose path continued with `rest` after the prefix.
[[nodiscard]] std::string forward_target(const net::Url& url, std::string_view rest, std::string_view query);

class ForwardRoutes {
 public:
  ForwardRoutes(delivery::DeliveryEngine& engine, std::vector<ForwardRule> rules);
  void add_to(RouteTable& routes);

 private:
  struct Forward {
    ForwardRule rule;
    delivery::DeliveryEngine::UpstreamId upstream;
  };
  net::Response forward(const Forward& to, net::Request& request, const RouteMatch& match);

  delivery::DeliveryEngine& engine_;
  std::vector<Forward> forwards_;
};

}  // namespace lambda_relay::relay
