// Everything that leaves lambda-relay goes through here: a bounded outbox with one queue per upstream,
// a small pool of keep-alive connections per upstream, retries by RetryPolicy, rate limits, and accounting.
//
// Sending happens in flush cycles. The lifecycle opens a cycle (open_cycle) when it may send: while
// an invocation runs, or at SHUTDOWN. It closes it (pause) before calling event/next, because the
// sandbox may freeze there and cut a request in half; pause cancels what is still in flight at its
// deadline (that request is sent again later: delivery is at least once). Within a cycle an upstream
// gets a bounded number of failed attempts, then waits for the next cycle; backoff also spans
// cycles, so an upstream that is down costs one quick probe now and then, not every invocation's time.
//
// When the outbox is full, new data is refused (counted, and logged once per cycle; a relay answers
// 429 so the SDK backs off); what is already accepted is never dropped to make room.
#pragma once

#include "delivery/payload.hpp"
#include "delivery/rate_limits.hpp"
#include "delivery/retry_policy.hpp"
#include "log/logger.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "support/state_changed.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace lambda_relay::delivery {

struct UpstreamStats {
  std::uint64_t accepted = 0;      // payloads taken into the outbox
  std::uint64_t sent = 0;          // delivered (2xx)
  std::uint64_t retried = 0;       // attempts that failed (or were cut at a pause) and were retried
  std::uint64_t rejected = 0;      // dropped: the upstream refused them (4xx)
  std::uint64_t refused_full = 0;  // not accepted: the outbox was full
  std::uint64_t unsent = 0;        // still queued when lambda-relay stopped
  // Cut at a flush cap after being written in full to an upstream that does not de-duplicate: not
  // sent again (it may have arrived), not confirmed either.
  std::uint64_t unconfirmed = 0;
  std::uint64_t items_unconfirmed = 0;
  std::uint64_t items_sent = 0;
  std::uint64_t bytes_sent = 0;
};

struct UpstreamOptions {
  // The upstream de-duplicates (Sentry, by event_id): a request cut after it was written in full is
  // sent again. Otherwise it is counted as unconfirmed instead, so a freeze never makes duplicates.
  bool deduplicates = false;
  // Keep-alive connections (requests in flight at once). Two: a slow request does not hold up the
  // rest, and the sandbox's memory and the upstream's connection count stay small.
  std::size_t connections = 2;
  // The TLS context for https (tests); nullptr: the process's (SSL_CERT_FILE or the system bundle).
  net::TlsContext* tls = nullptr;
  // For a 429 without Retry-After or X-Sentry-Rate-Limits: Sentry says 60 s; others back off.
  std::optional<std::chrono::milliseconds> default_rate_limit;
  // The longest one request may take (connecting included); a flush cycle's cap may cut it earlier.
  std::chrono::milliseconds request_timeout{3'000};
};

class DeliveryEngine {
 public:
  using UpstreamId = std::size_t;
  using Clock = std::chrono::steady_clock;

  DeliveryEngine(support::StateChanged& changed, const log::Logger& logger, std::size_t max_buffer_bytes,
                 RetryPolicy policy = {});
  ~DeliveryEngine();

  UpstreamId add_upstream(std::string name, net::Url url, UpstreamOptions options = {});
  // Takes `payload` into the outbox; false (and counted) when the outbox is full.
  bool submit(UpstreamId upstream, Payload payload);

  // Starts a flush cycle: sending is allowed, upstreams that used up their attempts try again.
  // `final` (SHUTDOWN) also skips backoff waits: there is no later cycle.
  void open_cycle(bool final = false);
  // Waits until everything is delivered, or nothing more can be done before `deadline` (the rest
  // waits for a later cycle), or `deadline`. True when the outbox is empty.
  net::Awaitable<bool> flush(Clock::time_point deadline);
  // No request starts until open_cycle(): for a lifecycle that opens cycles itself, before the first.
  void hold() noexcept { open_ = false; }
  // Ends the cycle: no new request starts; waits for those in flight until `deadline`, then cuts them.
  net::Awaitable<void> pause(Clock::time_point deadline);

  [[nodiscard]] bool idle() const;
  [[nodiscard]] bool has_upstreams() const noexcept { return !upstreams_.empty(); }
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }
  [[nodiscard]] bool rate_limited(UpstreamId upstream, std::string_view category) const;
  // Until when the upstream holds back `category` (a past time when it does not): a relay's Retry-After.
  [[nodiscard]] Clock::time_point rate_limited_until(UpstreamId upstream, std::string_view category) const;

  [[nodiscard]] const UpstreamStats& stats(UpstreamId upstream) const;
  [[nodiscard]] const std::string& name(UpstreamId upstream) const;
  // Counts what is still queued as unsent and logs one line per upstream (at shutdown).
  void report_and_abandon();

 private:
  struct Lane;
  struct Upstream;
  net::Awaitable<void> drain(Upstream& upstream, Lane& lane);
  net::Awaitable<Verdict> attempt(Upstream& upstream, Lane& lane, const Payload& payload);
  [[nodiscard]] static bool in_flight(const Upstream& upstream);
  void start_draining(Upstream& upstream);
  [[nodiscard]] bool may_send(const Upstream& upstream, Clock::time_point now) const;
  [[nodiscard]] Clock::time_point next_chance(const Upstream& upstream) const;
  [[nodiscard]] bool settled(const Upstream& upstream, Clock::time_point deadline) const;
  void finish(Upstream& upstream, Lane& lane, Verdict verdict, Payload payload);
  void retry_later(Upstream& upstream, Payload payload, bool cut);
  void log_cycle_losses(Upstream& upstream);

  support::StateChanged& changed_;
  const log::Logger& logger_;
  std::size_t max_buffer_bytes_;
  std::size_t buffered_bytes_ = 0;
  RetryPolicy policy_;
  std::mt19937 random_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  bool open_ = true;  // sending allowed (library users and tests that never pause just send)
  std::uint64_t cycle_ = 0;
};

}  // namespace lambda_relay::delivery
