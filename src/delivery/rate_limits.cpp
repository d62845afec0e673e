#include "delivery/rate_limits.hpp"

#include "delivery/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace lambda_relay::delivery {
namespace {

constexpr std::array<std::string_view, 21> kKnownCategories{
    "default",       "error",         "transaction", "security",   "attachment", "attachment_item", "session",
    "profile",       "profile_chunk", "profile_duration", "replay", "monitor",   "span",            "span_indexed",
    "log_item",      "log_byte",      "trace_metric", "metric_bucket", "feedback", "internal",      "unknown"};

// Relay separates limits with ", ": trim both ends.
std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits off the text before `separator` (all of it when absent).
std::string_view take_until(std::string_view& text, char separator) {
  const auto at = text.find(separator);
  const auto head = text.substr(0, at);
  text.remove_prefix(at == std::string_view::npos ? text.size() : at + 1);
  return head;
}

std::optional<std::chrono::milliseconds> parse_seconds(std::string_view text) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  constexpr double kDay = 86'400;  // a bound so a silly value cannot overflow a time_point
  return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, kDay) * 1000));
}

std::optional<QuotaLimit> parse_limit(std::string_view text) {
  auto seconds = parse_seconds(trim(take_until(text, ':')));
  if (!seconds) return std::nullopt;
  QuotaLimit limit{*seconds, {}};
  auto categories = take_until(text, ':');  // scope, reason code, namespaces: not needed
  if (categories.empty()) return limit;
  while (!categories.empty()) {
    const auto category = trim(take_until(categories, ';'));
    if (std::find(kKnownCategories.begin(), kKnownCategories.end(), category) != kKnownCategories.end()) {
      limit.categories.emplace_back(category);
    }
  }
  if (limit.categories.empty()) return std::nullopt;  // only unknown categories: ignored entirely
  return limit;
}

}  // namespace

std::vector<QuotaLimit> parse_sentry_rate_limits(std::string_view header) {
  std::vector<QuotaLimit> limits;
  while (!header.empty()) {
    if (auto limit = parse_limit(trim(take_until(header, ',')))) limits.push_back(std::move(*limit));
  }
  return limits;
}

bool RateLimits::learn(const net::Response& response, Clock::time_point now,
                       std::optional<std::chrono::milliseconds> default_all) {
  if (const auto header = response.find("X-Sentry-Rate-Limits"); header != response.end()) {
    const auto limits = parse_sentry_rate_limits(header->value());
    for (const auto& limit : limits) {
      const auto until = now + limit.retry_after;
      if (limit.categories.empty()) raise(all_, until);
      for (const auto& category : limit.categories) {
        auto slot = std::find_if(by_category_.begin(), by_category_.end(),
                                 [&](const auto& entry) { return entry.first == category; });
        if (slot == by_category_.end()) {
          by_category_.emplace_back(category, until);
        } else {
          raise(slot->second, until);
        }
      }
    }
    return !limits.empty();
  }
  const auto status = response.result_int();
  if (status != 429 && status != 503) return false;
  auto wait = retry_after(response);
  if (!wait && status == 429) wait = default_all;
  if (!wait) return false;
  raise(all_, now + *wait);
  return true;
}

RateLimits::Clock::time_point RateLimits::until(std::string_view category) const {
  auto until = all_;
  if (category == "internal") return until;  // client reports: only "all" applies
  for (const auto& [name, time] : by_category_) {
    if (name == category) until = std::max(until, time);
  }
  return until;
}

}  // namespace lambda_relay::delivery
