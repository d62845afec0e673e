#include "delivery/retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace lambda_relay::delivery {

Verdict classify(unsigned status) noexcept {
  if (status >= 200 && status < 300) return Verdict::delivered;
  if (status == 408 || status == 429 || status >= 500) return Verdict::retry;
  return Verdict::reject;
}

std::optional<std::chrono::milliseconds> retry_after(const net::Response& response) {
  const auto header = response.find(net::http::field::retry_after);
  if (header == response.end()) return std::nullopt;
  const std::string_view text = header->value();
  long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc{} && end == text.data() + text.size() && seconds >= 0) {
    return std::chrono::milliseconds(std::min(seconds, 3600L) * 1000);
  }
  return std::chrono::seconds(1);
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt, std::mt19937& random) const {
  const auto exponent = std::clamp(attempt, 0, 20);
  const auto ceiling = std::min<long long>(cap.count(), base.count() << exponent);
  std::uniform_int_distribution<long long> jitter(0, ceiling);
  return std::chrono::milliseconds(jitter(random));
}

}  // namespace lambda_relay::delivery
