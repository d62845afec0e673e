// One unit of outbound data: a request body for one upstream, with what accounting needs.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace lambda_relay::delivery {

struct Payload {
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t items = 1;  // events, envelopes, profiles inside (for accounting)
  // The upstream's rate-limit category (Sentry's data categories); "" when it has none.
  std::string category;
  // Path and query on the upstream's host; "" for the upstream URL's own (a relay forwarding a
  // path prefix sends each request to its own path).
  std::string target;
};

}  // namespace lambda_relay::delivery
