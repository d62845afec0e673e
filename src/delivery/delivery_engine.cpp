#include "delivery/delivery_engine.hpp"

#include "net/tls_context.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace lambda_relay::delivery {
namespace {

void log_outage(const log::Logger& logger, const std::string& name, const net::Url& url, const std::string& cause) {
  logger.warn("upstream {} ({}) failed: {}; retrying with backoff", name, url.redacted(), cause);
}

void log_recovery(const log::Logger& logger, const std::string& name, std::uint64_t retried) {
  logger.info("upstream {} is delivering again (after {} failed attempts)", name, retried);
}

void log_rejection(const log::Logger& logger, const std::string& name, unsigned status, std::string_view body) {
  logger.warn("upstream {} rejected a payload with HTTP {}: {}", name, status, body.substr(0, 200));
}

net::Request build_request(const net::Url& url, const Payload& payload) {
  net::Request request{net::http::verb::post, payload.target.empty() ? url.target : payload.target, 11};
  request.set(net::http::field::content_type, payload.content_type);
  for (const auto& [name, value] : payload.headers) request.set(name, value);
  request.body() = payload.body;
  return request;
}

std::string status_error(unsigned status) { return "HTTP " + std::to_string(status); }

}  // namespace

// One keep-alive connection of an upstream's pool, with the request it carries.
struct DeliveryEngine::Lane {
  std::unique_ptr<net::HttpConnection> connection;
  std::optional<Payload> in_flight;
  bool draining = false;  // a drain coroutine is alive on this lane
  bool cut = false;       // pause() cancelled the request in flight
};

struct DeliveryEngine::Upstream {
  std::string name;
  net::Url url;
  UpstreamOptions options;
  std::vector<Lane> lanes;
  std::deque<Payload> queue;
  UpstreamStats stats;
  RateLimits limits;
  bool paced = false;           // the last answer said when to retry (Retry-After, rate limits)
  std::uint64_t submissions = 0;  // wakes a drain waiting for work it can send
  int failures = 0;             // consecutive failed attempts, across cycles (backoff)
  int failures_in_cycle = 0;
  std::uint64_t parked_in_cycle = ~0ULL;  // used up its attempts in this cycle
  Clock::time_point backoff_until{};
  bool in_outage = false;
  std::string last_error;
  // Losses of the current cycle, logged once when it ends.
  std::uint64_t refused_in_cycle = 0;
  std::uint64_t refused_bytes_in_cycle = 0;
  std::uint64_t rejected_in_cycle = 0;
  std::uint64_t unconfirmed_in_cycle = 0;
};

DeliveryEngine::DeliveryEngine(support::StateChanged& changed, const log::Logger& logger, std::size_t max_buffer_bytes,
                               RetryPolicy policy)
    : changed_(changed),
      logger_(logger),
      max_buffer_bytes_(max_buffer_bytes),
      policy_(policy),
      random_(std::random_device{}()) {}

DeliveryEngine::~DeliveryEngine() = default;

DeliveryEngine::UpstreamId DeliveryEngine::add_upstream(std::string name, net::Url url, UpstreamOptions options) {
  auto upstream = std::make_unique<Upstream>();
  upstream->name = std::move(name);
  auto* tls = !url.tls() ? nullptr : options.tls != nullptr ? options.tls : &net::TlsContext::process();
  upstream->lanes.resize(std::max<std::size_t>(1, options.connections));
  for (auto& lane : upstream->lanes) {
    lane.connection = std::make_unique<net::HttpConnection>(changed_.executor(), net::HostPort{url.host, url.port}, tls);
  }
  upstream->url = std::move(url);
  upstream->options = options;
  upstreams_.push_back(std::move(upstream));
  return upstreams_.size() - 1;
}

const UpstreamStats& DeliveryEngine::stats(UpstreamId upstream) const { return upstreams_.at(upstream)->stats; }
const std::string& DeliveryEngine::name(UpstreamId upstream) const { return upstreams_.at(upstream)->name; }

bool DeliveryEngine::rate_limited(UpstreamId upstream, std::string_view category) const {
  return upstreams_.at(upstream)->limits.limited(category, Clock::now());
}

DeliveryEngine::Clock::time_point DeliveryEngine::rate_limited_until(UpstreamId upstream,
                                                                     std::string_view category) const {
  return upstreams_.at(upstream)->limits.until(category);
}

bool DeliveryEngine::submit(UpstreamId id, Payload payload) {
  auto& upstream = *upstreams_.at(id);
  if (buffered_bytes_ + payload.body.size() > max_buffer_bytes_) {
    ++upstream.stats.refused_full;
    ++upstream.refused_in_cycle;
    upstream.refused_bytes_in_cycle += payload.body.size();
    return false;
  }
  buffered_bytes_ += payload.body.size();
  ++upstream.stats.accepted;
  ++upstream.submissions;
  upstream.queue.push_back(std::move(payload));
  start_draining(upstream);
  changed_.notify();
  return true;
}

// One drain coroutine per lane, as many lanes as there is queued data for.
void DeliveryEngine::start_draining(Upstream& upstream) {
  auto busy = static_cast<std::size_t>(
      std::count_if(upstream.lanes.begin(), upstream.lanes.end(), [](const Lane& l) { return l.draining; }));
  for (auto& lane : upstream.lanes) {
    if (busy >= upstream.queue.size()) return;
    if (lane.draining) continue;
    lane.draining = true;
    ++busy;
    boost::asio::co_spawn(changed_.executor(), drain(upstream, lane), boost::asio::detached);
  }
}

bool DeliveryEngine::in_flight(const Upstream& upstream) {
  return std::any_of(upstream.lanes.begin(), upstream.lanes.end(), [](const Lane& l) { return l.in_flight.has_value(); });
}

bool DeliveryEngine::idle() const {
  return std::all_of(upstreams_.begin(), upstreams_.end(),
                     [](const auto& u) { return u->queue.empty() && !in_flight(*u); });
}

void DeliveryEngine::open_cycle(bool final) {
  open_ = true;
  ++cycle_;
  for (auto& u : upstreams_) {
    u->failures_in_cycle = 0;
    if (final) u->backoff_until = {};
    start_draining(*u);
  }
  changed_.notify();
}

// The earliest time something queued may be sent, ignoring the gate and the cycle's attempts.
DeliveryEngine::Clock::time_point DeliveryEngine::next_chance(const Upstream& upstream) const {
  auto earliest = Clock::time_point::max();
  for (const auto& payload : upstream.queue) earliest = std::min(earliest, upstream.limits.until(payload.category));
  return std::max(earliest, upstream.backoff_until);
}

bool DeliveryEngine::may_send(const Upstream& upstream, Clock::time_point now) const {
  return open_ && upstream.parked_in_cycle != cycle_ && next_chance(upstream) <= now;
}

// Nothing more happens for this upstream before `deadline` in this cycle.
bool DeliveryEngine::settled(const Upstream& upstream, Clock::time_point deadline) const {
  if (in_flight(upstream)) return false;
  return !open_ || upstream.queue.empty() || upstream.parked_in_cycle == cycle_ || next_chance(upstream) > deadline;
}

net::Awaitable<bool> DeliveryEngine::flush(Clock::time_point deadline) {
  co_await changed_.wait_until([this, deadline] {
    return std::all_of(upstreams_.begin(), upstreams_.end(), [&](const auto& u) { return settled(*u, deadline); });
  }, deadline);
  co_return idle();
}

net::Awaitable<void> DeliveryEngine::pause(Clock::time_point deadline) {
  open_ = false;
  co_await changed_.wait_until([this] {
    return std::none_of(upstreams_.begin(), upstreams_.end(), [](const auto& u) { return in_flight(*u); });
  }, deadline);
  for (auto& u : upstreams_) {
    for (auto& lane : u->lanes) {
      if (!lane.in_flight) continue;
      lane.cut = true;
      lane.connection->cancel();
    }
    log_cycle_losses(*u);
  }
}

net::Awaitable<Verdict> DeliveryEngine::attempt(Upstream& upstream, Lane& lane, const Payload& payload) {
  upstream.paced = false;
  auto response = co_await lane.connection->send(build_request(upstream.url, payload), upstream.options.request_timeout);
  if (!response) {
    upstream.last_error = response.error().message;
    co_return Verdict::retry;
  }
  const auto status = response->result_int();
  upstream.paced = upstream.limits.learn(*response, Clock::now(), upstream.options.default_rate_limit);
  const auto verdict = classify(status);
  if (verdict == Verdict::retry) upstream.last_error = status_error(status);
  if (verdict == Verdict::reject && upstream.rejected_in_cycle++ == 0) {
    log_rejection(logger_, upstream.name, status, response->body());
  }
  co_return verdict;
}

net::Awaitable<void> DeliveryEngine::drain(Upstream& upstream, Lane& lane) {
  while (!upstream.queue.empty()) {
    const auto now = Clock::now();
    if (!may_send(upstream, now)) {
      // Wait for the gate, a new cycle, new data, or the end of a backoff or rate limit.
      const auto wake = open_ && upstream.parked_in_cycle != cycle_ ? next_chance(upstream) : Clock::time_point::max();
      const auto seen = std::make_tuple(open_, cycle_, upstream.submissions);
      co_await changed_.wait_until([&] {
        return std::make_tuple(open_, cycle_, upstream.submissions) != seen || upstream.queue.empty();
      }, wake);
      continue;
    }
    const auto sendable = std::find_if(upstream.queue.begin(), upstream.queue.end(),
                                       [&](const Payload& p) { return upstream.limits.until(p.category) <= now; });
    lane.in_flight = std::move(*sendable);
    upstream.queue.erase(sendable);
    const auto verdict = co_await attempt(upstream, lane, *lane.in_flight);
    if (!lane.in_flight) continue;  // abandoned at shutdown meanwhile
    auto payload = std::move(*lane.in_flight);
    lane.in_flight.reset();
    finish(upstream, lane, verdict, std::move(payload));
    changed_.notify();
  }
  lane.draining = false;
  changed_.notify();
}

void DeliveryEngine::finish(Upstream& upstream, Lane& lane, Verdict verdict, Payload payload) {
  const bool cut = std::exchange(lane.cut, false);
  const bool maybe_arrived = cut && lane.connection->request_written() && !upstream.options.deduplicates;
  if (verdict == Verdict::retry && !maybe_arrived) {
    retry_later(upstream, std::move(payload), cut);
    return;
  }
  buffered_bytes_ -= payload.body.size();
  if (verdict == Verdict::retry) {  // cut after it was written: sending it again could duplicate it
    ++upstream.stats.unconfirmed;
    upstream.stats.items_unconfirmed += payload.items;
    ++upstream.unconfirmed_in_cycle;
    return;
  }
  if (verdict == Verdict::reject) {
    ++upstream.stats.rejected;
    return;
  }
  ++upstream.stats.sent;
  upstream.stats.items_sent += payload.items;
  upstream.stats.bytes_sent += payload.body.size();
  if (upstream.in_outage) log_recovery(logger_, upstream.name, upstream.stats.retried);
  upstream.in_outage = false;
  upstream.failures = 0;
}

void DeliveryEngine::retry_later(Upstream& upstream, Payload payload, bool cut) {
  ++upstream.stats.retried;
  upstream.queue.push_front(std::move(payload));
  if (cut) return;  // cut by pause(): not the upstream's fault
  if (!upstream.in_outage) log_outage(logger_, upstream.name, upstream.url, upstream.last_error);
  upstream.in_outage = true;
  // An upstream that said when to come back (Retry-After, rate limits) is paced by that alone; the
  // exponential backoff is for upstreams that fail without saying.
  if (!std::exchange(upstream.paced, false)) {
    upstream.backoff_until = Clock::now() + policy_.backoff(upstream.failures++, random_);
  }
  if (++upstream.failures_in_cycle >= policy_.max_attempts_per_cycle) upstream.parked_in_cycle = cycle_;
}

void DeliveryEngine::log_cycle_losses(Upstream& upstream) {
  if (upstream.refused_in_cycle > 0) {
    logger_.warn("outbox full ({} bytes): refused {} payloads ({} bytes) for {} in this cycle", max_buffer_bytes_,
                 upstream.refused_in_cycle, upstream.refused_bytes_in_cycle, upstream.name);
  }
  if (upstream.rejected_in_cycle > 1) {
    logger_.warn("upstream {} rejected {} payloads in this cycle", upstream.name, upstream.rejected_in_cycle);
  }
  if (upstream.unconfirmed_in_cycle > 0) {
    logger_.warn("{} request(s) to {} were cut at the flush timeout after being sent in full; not sent again "
                 "(the upstream may have them)", upstream.unconfirmed_in_cycle, upstream.name);
  }
  upstream.refused_in_cycle = 0;
  upstream.refused_bytes_in_cycle = 0;
  upstream.rejected_in_cycle = 0;
  upstream.unconfirmed_in_cycle = 0;
}

void DeliveryEngine::report_and_abandon() {
  for (auto& u : upstreams_) {
    log_cycle_losses(*u);
    for (auto& lane : u->lanes) {
      if (lane.in_flight) u->queue.push_back(std::move(*lane.in_flight));
      lane.in_flight.reset();
      lane.connection->cancel();
    }
    u->stats.unsent += u->queue.size();
    const auto& s = u->stats;
    logger_.info("delivery {}: {} accepted, {} sent ({} items, {} bytes), {} retried, {} rejected, {} refused (full), "
                 "{} unconfirmed ({} items), {} unsent",
                 u->name, s.accepted, s.sent, s.items_sent, s.bytes_sent, s.retried, s.rejected, s.refused_full,
                 s.unconfirmed, s.items_unconfirmed, s.unsent);
    for (const auto& p : u->queue) buffered_bytes_ -= p.body.size();
    u->queue.clear();
  }
  changed_.notify();
}

}  // namespace lambda_relay::delivery
