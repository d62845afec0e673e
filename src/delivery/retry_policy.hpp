// When to retry a delivery and how long to wait: exponential backoff with jitter, Retry-After
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

// Retry-After as delta-seconds or an HTTP-date, at most an hour; an unreadable value means 1 s.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after(
    const net::Response& response, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

struct RetryPolicy {
  int max_attempts_per_cycle = 3;
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{5'000};

  // Equal jitter: uniform in [c/2, c] with c = min(cap, base * 2^attempt), attempt counted from 0.
  // Jitter spreads the retries of many sandboxes; the floor keeps a failing upstream from being
  // probed again at once (backoff also spans flush cycles).
  [[nodiscard]] std::chrono::milliseconds backoff(int attempt, std::mt19937& random) const;
};

}  // namespace lambda_relay::delivery
