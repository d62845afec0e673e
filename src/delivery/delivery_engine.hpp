// Everything that leaves lambda-relay goes through here: a bounded outbox with one queue per upstream,
// one keep-alive connection per upstream, retries by RetryPolicy, and accounting. Sending starts as soon
// as data is submitted; flush() waits (until a deadline) for everything queued to get a verdict.
//
// When the outbox is full, new data is refused (the caller counts it; a relay answers 429 so the SDK
// backs off); what is already accepted is never dropped to make room.
#pragma once

#include "delivery/payload.hpp"
#include "delivery/retry_policy.hpp"
#include "log/logger.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "support/state_changed.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace lambda_relay::delivery {

struct UpstreamStats {
  std::uint64_t accepted = 0;        // payloads taken into the outbox
  std::uint64_t sent = 0;            // delivered (2xx)
  std::uint64_t retried = 0;         // attempts that failed and were retried
  std::uint64_t rejected = 0;        // dropped: the upstream refused them (4xx)
  std::uint64_t refused_full = 0;    // not accepted: the outbox was full
  std::uint64_t unsent = 0;          // still queued when lambda-relay stopped
  std::uint64_t items_sent = 0;
  std::uint64_t bytes_sent = 0;
};

class DeliveryEngine {
 public:
  using UpstreamId = std::size_t;
  using Clock = std::chrono::steady_clock;

  DeliveryEngine(support::StateChanged& changed, const log::Logger& logger, std::size_t max_buffer_bytes,
                 RetryPolicy policy = {});
  ~DeliveryEngine();

  UpstreamId add_upstream(std::string name, net::Url url);
  // Takes `payload` into the outbox and starts sending; false (and counted) when the outbox is full.
  bool submit(UpstreamId upstream, Payload payload);
  // Waits until every queue is empty and nothing is in flight, or `deadline`. True when all got through.
  net::Awaitable<bool> flush(Clock::time_point deadline);
  [[nodiscard]] bool idle() const;
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }

  [[nodiscard]] const UpstreamStats& stats(UpstreamId upstream) const;
  [[nodiscard]] const std::string& name(UpstreamId upstream) const;
  // Counts what is still queued as unsent and logs one line per upstream (at shutdown).
  void report_and_abandon();

 private:
  struct Upstream;
  net::Awaitable<void> drain(Upstream& upstream);
  net::Awaitable<Verdict> attempt(Upstream& upstream, const Payload& payload);

  support::StateChanged& changed_;
  const log::Logger& logger_;
  std::size_t max_buffer_bytes_;
  std::size_t buffered_bytes_ = 0;
  RetryPolicy policy_;
  std::mt19937 random_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;
};

}  // namespace lambda_relay::delivery
