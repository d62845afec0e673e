// What an upstream asked us to hold back, and until when: Retry-After (on 429/503, for everything)
// and Sentry's X-Sentry-Rate-Limits (on any response, per data category). See
// ../shared/spec/upstream-protocols.md §1.7.
//
// Items of a limited category are held in the outbox until the limit expires, not dropped as
// Sentry's SDKs do: our outbox outlives most limits, and a relay that dropped them would lose data
// its SDK already considered sent. The relay answers SDKs 429 for limited categories, so no more
// comes in meanwhile.
#pragma once

#include "net/http.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_relay::delivery {

struct QuotaLimit {
  std::chrono::milliseconds retry_after{0};
  std::vector<std::string> categories;  // empty: every category

  friend bool operator==(const QuotaLimit&, const QuotaLimit&) = default;
};

// Parses "60:transaction:key, 2700:default;error;security:organization". Malformed limits and
// limits whose categories are all unknown are skipped.
[[nodiscard]] std::vector<QuotaLimit> parse_sentry_rate_limits(std::string_view header);

class RateLimits {
 public:
  using Clock = std::chrono::steady_clock;

  // Learns from a response: X-Sentry-Rate-Limits if present; else, for 429 and 503, Retry-After
  // (or `default_all` for a 429 without it, when given) for every category. True if anything was learnt.
  bool learn(const net::Response& response, Clock::time_point now,
             std::optional<std::chrono::milliseconds> default_all = std::nullopt);
  void limit_all(Clock::time_point until) { raise(all_, until); }

  // When items of `category` ("" for items without one) may be sent again; a past time if now.
  [[nodiscard]] Clock::time_point until(std::string_view category) const;
  // Whether anything is limited at `now` (for answering SDKs).
  [[nodiscard]] bool limited(std::string_view category, Clock::time_point now) const { return until(category) > now; }

 private:
  static void raise(Clock::time_point& slot, Clock::time_point until) { slot = std::max(slot, until); }

  Clock::time_point all_{};
  std::vector<std::pair<std::string, Clock::time_point>> by_category_;
};

}  // namespace lambda_relay::delivery
