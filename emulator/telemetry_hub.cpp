#include "telemetry_hub.hpp"

#include "json/writer.hpp"
#include "net/hosts_file.hpp"
#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace lambda_emulator {
namespace asio = boost::asio;
namespace net = lambda_relay::net;

namespace {

constexpr int kDeliveryAttempts = 3;
constexpr auto kPostTimeout = std::chrono::seconds(2);
constexpr std::size_t kLagFactor = 4;  // queue more than 4 × maxBytes and new records are dropped

bool wants(const Subscription& s, const EmittedEvent& e) {
  if (e.audience == Audience::telemetry_api && s.api != SubscriptionApi::telemetry) return false;
  if (e.audience == Audience::logs_api && s.api != SubscriptionApi::logs) return false;
  if (e.needs_logs_2021 && s.api == SubscriptionApi::logs && s.schema_version != "2021-03-18") return false;
  if (e.type == "function") return s.function;
  if (e.type == "extension") return s.extension;
  return s.platform;
}

std::string serialise(const Subscription& s, const EmittedEvent& e) {
  std::string out;
  lambda_relay::json::Writer w(out);
  w.begin_object().field("time", e.time).field("type", e.type).key("record");
  const bool strings_only = s.api == SubscriptionApi::logs || s.schema_version == "2022-07-01";
  w.raw(strings_only && !e.record_as_string.empty() ? e.record_as_string : e.record);
  w.end_object();
  return out;
}

std::string logs_dropped(int records, std::size_t bytes) {
  std::string record;
  lambda_relay::json::Writer(record)
      .begin_object()
      .field("reason", "Some logs were dropped because the downstream consumer is slower than the logs production rate")
      .field("droppedRecords", records)
      .field("droppedBytes", static_cast<std::uint64_t>(bytes))
      .end_object();
  std::string out;
  lambda_relay::json::Writer(out)
      .begin_object()
      .field("time", lambda_relay::json::iso8601(WallClock::now()))
      .field("type", "platform.logsDropped")
      .key("record")
      .raw(record)
      .end_object();
  return out;
}

// The subscription's host (sandbox.localdomain or sandbox) as the hosts file gives it, as an extension
// binding that name sees it; loopback where the hosts file does not name it.
net::asio::ip::address destination(const Subscription& subscription) {
  return lambda_relay::net::address_in_hosts_file(subscription.host)
      .value_or(net::asio::ip::address(net::asio::ip::address_v4::loopback()));
}

std::string json_array(const std::vector<std::string>& events) {
  std::string out = "[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ',';
    out += events[i];
  }
  out += ']';
  return out;
}

std::string ndjson(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) {
    out += e;
    out += '\n';
  }
  return out;
}

}  // namespace

struct TelemetryHub::Subscriber {
  std::shared_ptr<Extension> extension;
  Subscription subscription;
  std::deque<std::string> queue;
  std::size_t queued_bytes = 0;
  Clock::time_point first_queued_at;
  bool in_flight = false;
  bool closed = false;
  bool flush_now = false;  // subscribed after the Init reported: its replay goes out at once
  int dropped_records = 0;
  std::size_t dropped_bytes = 0;
  SubscriberStats stats;
  std::unique_ptr<net::HttpConnection> http;
  std::unique_ptr<net::tcp::socket> tcp;
};

TelemetryHub::TelemetryHub(StateChanged& changed, const ProcessTable& processes)
    : changed_(changed), processes_(processes) {}

TelemetryHub::~TelemetryHub() {
  for (auto& s : subscribers_) s->closed = true;
}

void TelemetryHub::begin_init() {
  in_init_ = true;
  init_events_.clear();
}

void TelemetryHub::seal_init() {
  in_init_ = false;
  init_sealed_ = true;
}

void TelemetryHub::end_init() {
  in_init_ = false;
  init_sealed_ = false;
  init_events_.clear();
}

void TelemetryHub::emit(EmittedEvent event) {
  if (event.audience != Audience::logs_api) {
    std::string full;
    lambda_relay::json::Writer(full)
        .begin_object().field("time", event.time).field("type", event.type).key("record").raw(event.record).end_object();
    history_.push_back(std::move(full));
  }
  for (auto& s : subscribers_) {
    if (!s->closed && wants(s->subscription, event)) enqueue(*s, event);
  }
  if (in_init_) init_events_.push_back(std::move(event));
  changed_.notify();
}

void TelemetryHub::enqueue(Subscriber& s, const EmittedEvent& event) {
  auto text = serialise(s.subscription, event);
  const auto limit = kLagFactor * static_cast<std::size_t>(s.subscription.buffering.max_bytes);
  if (s.queued_bytes + text.size() > limit) {
    ++s.dropped_records;
    s.dropped_bytes += text.size();
    ++s.stats.dropped_events;
    return;
  }
  if (s.queue.empty()) s.first_queued_at = Clock::now();
  s.queued_bytes += text.size();
  s.queue.push_back(std::move(text));
}

void TelemetryHub::subscribe(const std::shared_ptr<Extension>& extension, Subscription subscription) {
  for (auto& existing : subscribers_) {
    if (existing->extension == extension && !existing->closed) {
      existing->subscription = subscription;  // re-subscribing is idempotent; the newest settings win
      return;
    }
  }
  auto s = std::make_shared<Subscriber>();
  s->extension = extension;
  s->subscription = std::move(subscription);
  s->stats.name = extension->name;
  s->stats.types = s->subscription.types;
  s->stats.schema_version = s->subscription.schema_version;
  s->stats.api = s->subscription.api == SubscriptionApi::telemetry ? "telemetry" : "logs";
  for (const auto& past : init_events_) {
    if (wants(s->subscription, past)) enqueue(*s, past);
  }
  s->flush_now = init_sealed_;
  subscribers_.push_back(s);
  asio::co_spawn(changed_.executor(), deliver(s), asio::detached);
}

void TelemetryHub::unsubscribe(const Extension& extension) {
  for (auto& s : subscribers_) {
    if (s->extension.get() == &extension) s->closed = true;
  }
  changed_.notify();
}

bool TelemetryHub::idle() const {
  return std::all_of(subscribers_.begin(), subscribers_.end(),
                     [](const auto& s) { return s->closed || (s->queue.empty() && !s->in_flight); });
}

asio::awaitable<bool> TelemetryHub::drain(Clock::time_point deadline) {
  force_flush_ = true;
  changed_.notify();
  const bool drained = co_await changed_.wait_until([this] { return idle(); }, deadline);
  force_flush_ = false;
  co_return drained;
}

std::vector<SubscriberStats> TelemetryHub::stats() const {
  std::vector<SubscriberStats> out;
  for (const auto& s : subscribers_) out.push_back(s->stats);
  return out;
}

// One batch: up to maxItems events and about maxBytes (always at least one event), led by a
// platform.logsDropped when records were dropped since the last batch.
std::vector<std::string> TelemetryHub::take_batch(Subscriber& s) {
  std::vector<std::string> batch;
  std::size_t bytes = 0;
  if (s.dropped_records > 0) {
    batch.push_back(logs_dropped(s.dropped_records, s.dropped_bytes));
    s.dropped_records = 0;
    s.dropped_bytes = 0;
  }
  const auto& buffering = s.subscription.buffering;
  while (!s.queue.empty() && batch.size() < static_cast<std::size_t>(buffering.max_items) &&
         (batch.empty() || bytes + s.queue.front().size() <= static_cast<std::size_t>(buffering.max_bytes))) {
    bytes += s.queue.front().size();
    s.queued_bytes -= s.queue.front().size();
    batch.push_back(std::move(s.queue.front()));
    s.queue.pop_front();
  }
  if (!s.queue.empty()) s.first_queued_at = Clock::now();
  return batch;
}

asio::awaitable<bool> TelemetryHub::post(Subscriber& s, std::string body) {
  if (!s.http) {
    s.http = std::make_unique<net::HttpConnection>(changed_.executor(),
                                                   net::HostPort{destination(s.subscription).to_string(), s.subscription.port});
  }
  net::Request request{net::http::verb::post, s.subscription.path, 11};
  request.set(net::http::field::content_type, "application/json");
  request.body() = std::move(body);
  auto response = co_await s.http->send(std::move(request), kPostTimeout);
  co_return response && response->result_int() < 400;  // RIE counts any status < 400 as delivered
}

// TCP delivery: newline-delimited JSON on one connection, no acknowledgement.
asio::awaitable<bool> TelemetryHub::stream(Subscriber& s, std::string lines) {
  if (!s.tcp) {
    s.tcp = std::make_unique<net::tcp::socket>(changed_.executor());
    const net::tcp::endpoint endpoint(destination(s.subscription), s.subscription.port);
    auto [ec] = co_await s.tcp->async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      s.tcp.reset();
      co_return false;
    }
  }
  auto [ec, n] = co_await asio::async_write(*s.tcp, asio::buffer(lines), asio::as_tuple(asio::use_awaitable));
  (void)n;
  if (ec) s.tcp.reset();
  co_return !ec;
}

asio::awaitable<void> TelemetryHub::deliver(std::shared_ptr<Subscriber> s) {
  const auto& buffering = s->subscription.buffering;
  const auto timeout = std::chrono::milliseconds(buffering.timeout_ms);
  auto ready = [&] {
    if (s->closed) return true;
    if (s->queue.empty() || processes_.frozen()) return false;
    return force_flush_ || s->flush_now || s->queue.size() >= static_cast<std::size_t>(buffering.max_items) ||
           s->queued_bytes >= static_cast<std::size_t>(buffering.max_bytes) ||
           Clock::now() >= s->first_queued_at + timeout;
  };
  for (;;) {
    // Waiting on an empty queue has no deadline: the first event queued must end the wait, so that the
    // loop sets one (its buffering timeout) instead of sleeping until some unrelated notification.
    // Nor has waiting in a frozen sandbox, which only the thaw ends: a buffering timeout that passed
    // while frozen would otherwise make every wait return at once, and this loop would spin without
    // ever yielding the thread, so the thaw could never come.
    const bool was_empty = s->queue.empty();
    const bool was_frozen = processes_.frozen();
    const auto wake_at = was_empty || was_frozen ? Clock::time_point::max() : s->first_queued_at + timeout;
    co_await changed_.wait_until([&] {
      return ready() || (was_empty && !s->queue.empty()) || (was_frozen && !processes_.frozen());
    }, wake_at);
    if (s->closed) break;
    if (!ready()) continue;

    auto batch = take_batch(*s);
    s->flush_now = s->flush_now && !s->queue.empty();
    s->in_flight = true;
    bool delivered = false;
    for (int attempt = 0; attempt < kDeliveryAttempts && !delivered && !s->closed; ++attempt) {
      if (attempt > 0) co_await changed_.sleep_until(Clock::now() + std::chrono::milliseconds(50 << attempt));
      if (s->subscription.protocol == DeliveryProtocol::http) {
        delivered = co_await post(*s, json_array(batch));
      } else {
        delivered = co_await stream(*s, ndjson(batch));
      }
      if (!delivered) ++s->stats.failed_posts;
    }
    const auto count = static_cast<int>(batch.size());
    if (delivered) {
      ++s->stats.batches;
      s->stats.events += count;
    } else {
      s->dropped_records += count;
      for (const auto& e : batch) s->dropped_bytes += e.size();
      s->stats.dropped_events += count;
    }
    s->in_flight = false;
    changed_.notify();
  }
  s->in_flight = false;
  changed_.notify();
}

}  // namespace lambda_emulator
