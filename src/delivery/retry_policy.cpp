#include "delivery/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace lambda_relay::delivery {

Verdict classify(unsigned status) noexcept {
  if (status >= 200 && status < 300) return Verdict::delivered;
  if (status == 408 || status == 429 || status >= 500) return Verdict::retry;
  return Verdict::reject;
}

namespace {

constexpr std::chrono::seconds kLongestRetryAfter{3600};

// An HTTP-date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") as a delay from `now`.
std::optional<std::chrono::milliseconds> delay_until_http_date(const std::string& text,
                                                               std::chrono::system_clock::time_point now) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::max(at - now, decltype(at - now)::zero()));
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after(const net::Response& response,
                                                     std::chrono::system_clock::time_point now) {
  const auto header = response.find(net::http::field::retry_after);
  if (header == response.end()) return std::nullopt;
  const std::string_view text = header->value();
  long seconds = 0;
  std::optional<std::chrono::milliseconds> delay;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc{} && end == text.data() + text.size() && seconds >= 0) {
    delay = std::chrono::seconds(std::min<long>(seconds, kLongestRetryAfter.count()));
  } else {
    delay = delay_until_http_date(std::string(text), now);
  }
  if (!delay) return std::chrono::seconds(1);  // unreadable: the upstream still asked for a pause
  return std::min<std::chrono::milliseconds>(*delay, kLongestRetryAfter);
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt, std::mt19937& random) const {
  const auto exponent = std::clamp(attempt, 0, 20);
  const auto ceiling = std::min<long long>(cap.count(), base.count() << exponent);
  std::uniform_int_distribution<long long> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(random));
}

}  // namespace lambda_relay::delivery
