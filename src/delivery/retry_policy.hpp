// When to retry a delivery and how long to wait: exponential backoff with full jitter, Retry-After
// honoured, a bounded number of attempts per flush cycle.
#pragma once

#include "net/http.hpp"

#include <chrono>
#include <optional>
#include <random>

namespace lambda_relay::delivery {

enum class Verdict { delivered, retry, reject };

// 2xx: delivered. 408, 429, 5xx: retry. Any other status: rejected (the upstream will not change its mind).
[[nodiscard]] Verdict classify(unsigned status) noexcept;

// Retry-After as delta-seconds (HTTP-dates are treated as "soon": 1 s).
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after(const net::Response& response);

struct RetryPolicy {
  int max_attempts_per_cycle = 3;
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{5'000};

  // Full jitter: uniform in [0, min(cap, base * 2^attempt)], attempt counted from 0.
  [[nodiscard]] std::chrono::milliseconds backoff(int attempt, std::mt19937& random) const;
};

}  // namespace lambda_relay::delivery
