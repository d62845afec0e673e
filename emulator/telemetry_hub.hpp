// Platform events and log lines, fanned out to every subscriber of the Telemetry or Logs API with its
// own buffer (maxItems / maxBytes / timeoutMs), one POST in flight at a time, retries, drops reported
// as platform.logsDropped, nothing sent while the sandbox is frozen. Events emitted during Init before
// a subscription are replayed to it, as Lambda does.
#pragma once

#include "process.hpp"
#include "sandbox_state.hpp"
#include "support/state_changed.hpp"
#include "subscription.hpp"

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace lambda_emulator {

enum class Audience { both, telemetry_api, logs_api };

struct EmittedEvent {
  std::string time;
  std::string type;
  std::string record;            // JSON (object, or a string for text log lines)
  std::string record_as_string;  // set when `record` is an object from a JSON log line (2022-07-01 gets this)
  Audience audience = Audience::both;
  bool needs_logs_2021 = false;  // platform.runtimeDone exists in the Logs API only from 2021-03-18
};

struct SubscriberStats {
  std::string name;
  std::vector<std::string> types;
  std::string schema_version;
  std::string api;
  int batches = 0;
  int events = 0;
  int failed_posts = 0;
  int dropped_events = 0;
};

class TelemetryHub {
 public:
  TelemetryHub(StateChanged& changed, const ProcessTable& processes);
  ~TelemetryHub();

  void emit(EmittedEvent event);
  void begin_init();  // from here on, events are kept for subscribers that come later in this Init
  // The Init has reported: later events are not the Init's. A failed Init's teardown may still bring
  // subscribers; they get the Init's events at once (the platform flushes before SHUTDOWN).
  void seal_init();
  void end_init();

  void subscribe(const std::shared_ptr<Extension>& extension, Subscription subscription);
  // Sends everything buffered now, regardless of buffering limits; true if all got through in time.
  boost::asio::awaitable<bool> drain(Clock::time_point deadline);
  [[nodiscard]] bool idle() const;  // nothing queued, nothing in flight
  // Stops delivering to an extension's subscriptions (its process is gone).
  void unsubscribe(const Extension& extension);

  [[nodiscard]] const std::vector<std::string>& history() const { return history_; }
  [[nodiscard]] std::vector<SubscriberStats> stats() const;

  struct Subscriber;

 private:
  boost::asio::awaitable<void> deliver(std::shared_ptr<Subscriber> subscriber);
  static std::vector<std::string> take_batch(Subscriber& subscriber);
  boost::asio::awaitable<bool> post(Subscriber& subscriber, std::string body);
  boost::asio::awaitable<bool> stream(Subscriber& subscriber, std::string lines);
  void enqueue(Subscriber& subscriber, const EmittedEvent& event);

  StateChanged& changed_;
  const ProcessTable& processes_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  std::vector<EmittedEvent> init_events_;
  bool in_init_ = false;      // recording events for later subscribers
  bool init_sealed_ = false;  // the Init reported; subscriptions still open (its failed teardown)
  bool force_flush_ = false;
  std::vector<std::string> history_;  // every event in Telemetry API shape, in emission order
};

}  // namespace lambda_emulator
