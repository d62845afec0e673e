#include "delivery/delivery_engine.hpp"

#include "net/tls_context.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace lambda_relay::delivery {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(3);

void log_outage(const log::Logger& logger, const std::string& name, const net::Url& url, const std::string& cause) {
  logger.warn("upstream {} ({}) failed: {}; retrying with backoff", name, url.redacted(), cause);
}

void log_recovery(const log::Logger& logger, const std::string& name, std::uint64_t retried) {
  logger.info("upstream {} is delivering again (after {} failed attempts)", name, retried);
}

void log_rejection(const log::Logger& logger, const std::string& name, unsigned status, std::string_view body) {
  logger.warn("upstream {} rejected a payload with HTTP {}: {}", name, status, body.substr(0, 200));
}

void log_full(const log::Logger& logger, const std::string& name, std::size_t limit) {
  logger.warn("outbox full ({} bytes): refusing new data for {} until it drains", limit, name);
}

net::Request build_request(const net::Url& url, const Payload& payload) {
  net::Request request{net::http::verb::post, url.target, 11};
  request.set(net::http::field::content_type, payload.content_type);
  for (const auto& [name, value] : payload.headers) request.set(name, value);
  request.body() = payload.body;
  return request;
}

}  // namespace

struct DeliveryEngine::Upstream {
  std::string name;
  net::Url url;
  std::unique_ptr<net::HttpConnection> connection;
  std::deque<Payload> queue;
  UpstreamStats stats;
  bool draining = false;
  int failures_in_cycle = 0;
  bool in_outage = false;
  bool full_logged = false;
  std::string last_error;
  std::optional<std::chrono::milliseconds> retry_after;  // from the last 429/503
};

DeliveryEngine::DeliveryEngine(support::StateChanged& changed, const log::Logger& logger, std::size_t max_buffer_bytes,
                               RetryPolicy policy)
    : changed_(changed),
      logger_(logger),
      max_buffer_bytes_(max_buffer_bytes),
      policy_(policy),
      random_(std::random_device{}()) {}

DeliveryEngine::~DeliveryEngine() = default;

DeliveryEngine::UpstreamId DeliveryEngine::add_upstream(std::string name, net::Url url) {
  auto upstream = std::make_unique<Upstream>();
  upstream->name = std::move(name);
  upstream->connection =
      std::make_unique<net::HttpConnection>(changed_.executor(), net::HostPort{url.host, url.port},
                                            url.tls() ? &net::TlsContext::process() : nullptr);
  upstream->url = std::move(url);
  upstreams_.push_back(std::move(upstream));
  return upstreams_.size() - 1;
}

const UpstreamStats& DeliveryEngine::stats(UpstreamId upstream) const { return upstreams_.at(upstream)->stats; }
const std::string& DeliveryEngine::name(UpstreamId upstream) const { return upstreams_.at(upstream)->name; }

bool DeliveryEngine::submit(UpstreamId id, Payload payload) {
  auto& upstream = *upstreams_.at(id);
  if (buffered_bytes_ + payload.body.size() > max_buffer_bytes_) {
    ++upstream.stats.refused_full;
    if (!upstream.full_logged) log_full(logger_, upstream.name, max_buffer_bytes_);
    upstream.full_logged = true;
    return false;
  }
  upstream.full_logged = false;
  buffered_bytes_ += payload.body.size();
  ++upstream.stats.accepted;
  upstream.queue.push_back(std::move(payload));
  if (!upstream.draining) {
    upstream.draining = true;
    upstream.failures_in_cycle = 0;
    boost::asio::co_spawn(changed_.executor(), drain(upstream), boost::asio::detached);
  }
  return true;
}

bool DeliveryEngine::idle() const {
  return std::all_of(upstreams_.begin(), upstreams_.end(),
                     [](const auto& u) { return u->queue.empty() && !u->draining; });
}

net::Awaitable<bool> DeliveryEngine::flush(Clock::time_point deadline) {
  for (auto& u : upstreams_) {  // a new flush cycle: upstreams that gave up try again
    if (!u->queue.empty() && !u->draining) {
      u->draining = true;
      u->failures_in_cycle = 0;
      boost::asio::co_spawn(changed_.executor(), drain(*u), boost::asio::detached);
    }
  }
  co_await changed_.wait_until([this] {
    return std::none_of(upstreams_.begin(), upstreams_.end(), [](const auto& u) { return u->draining; });
  }, deadline);
  co_return idle();
}

net::Awaitable<Verdict> DeliveryEngine::attempt(Upstream& upstream, const Payload& payload) {
  upstream.retry_after.reset();
  auto response = co_await upstream.connection->send(build_request(upstream.url, payload), kRequestTimeout);
  if (!response) {
    upstream.last_error = response.error().message;
    co_return Verdict::retry;
  }
  const auto verdict = classify(response->result_int());
  if (verdict == Verdict::retry) {
    upstream.last_error = "HTTP " + std::to_string(response->result_int());
    upstream.retry_after = retry_after(*response);
  } else if (verdict == Verdict::reject) {
    log_rejection(logger_, upstream.name, response->result_int(), response->body());
  }
  co_return verdict;
}

net::Awaitable<void> DeliveryEngine::drain(Upstream& upstream) {
  while (!upstream.queue.empty()) {
    const auto verdict = co_await attempt(upstream, upstream.queue.front());
    if (verdict == Verdict::retry) {
      ++upstream.stats.retried;
      if (!upstream.in_outage) log_outage(logger_, upstream.name, upstream.url, upstream.last_error);
      upstream.in_outage = true;
      if (++upstream.failures_in_cycle >= policy_.max_attempts_per_cycle) break;  // carried over to the next cycle
      const auto wait = std::max(policy_.backoff(upstream.failures_in_cycle, random_),
                                 upstream.retry_after.value_or(std::chrono::milliseconds(0)));
      co_await changed_.sleep_until(Clock::now() + wait);
      continue;
    }
    auto payload = std::move(upstream.queue.front());
    upstream.queue.pop_front();
    buffered_bytes_ -= payload.body.size();
    if (verdict == Verdict::delivered) {
      ++upstream.stats.sent;
      upstream.stats.items_sent += payload.items;
      upstream.stats.bytes_sent += payload.body.size();
      if (upstream.in_outage) log_recovery(logger_, upstream.name, upstream.stats.retried);
      upstream.in_outage = false;
      upstream.failures_in_cycle = 0;
    } else {
      ++upstream.stats.rejected;
    }
  }
  upstream.draining = false;
  changed_.notify();
}

void DeliveryEngine::report_and_abandon() {
  for (auto& u : upstreams_) {
    u->stats.unsent += u->queue.size();
    const auto& s = u->stats;
    logger_.info("delivery {}: {} accepted, {} sent ({} items, {} bytes), {} retried, {} rejected, {} refused (full), {} unsent",
                 u->name, s.accepted, s.sent, s.items_sent, s.bytes_sent, s.retried, s.rejected, s.refused_full, s.unsent);
    for (const auto& p : u->queue) buffered_bytes_ -= p.body.size();
    u->queue.clear();
  }
}

}  // namespace lambda_relay::delivery
