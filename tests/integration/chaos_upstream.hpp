// A scriptable local HTTP upstream for delivery tests: it misbehaves in phases (error statuses,
// throttling with Retry-After, connection resets, being down) and is healthy afterwards, optionally
// slow. Runs on its own thread on loopback, like HttpSink; every 2xx-answered body is recorded.
//
// Phases follow one another in script order. A counted phase (answer, throttle) ends with its last
// request. A timed phase lasts its duration from its start: a reset phase starts with its first request
// (so a client waiting out a Retry-After does not sleep through it), a down phase as soon as the phase
// before it ends (nobody can reach it to start it). Durations are measured with steady_clock.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace lambda_relay::testing {

using ChaosClock = std::chrono::steady_clock;

struct ChaosPhase {
  enum class Kind {
    answer,  // answer `requests` requests with `status` (and `headers`), recording nothing
    reset,   // read each request, then reset the connection (SO_LINGER 0); lasts `duration`
    down,    // listener closed (connection refused) for `duration`, then listening on the same port
  };
  Kind kind = Kind::answer;
  unsigned status = 503;
  std::vector<std::pair<std::string, std::string>> headers;
  int requests = 0;
  std::chrono::milliseconds duration{0};  // milliseconds::max(): forever
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After these answers carry
};

// Builds the list of phases; what follows the last one is "healthy": 200 to everything, after `latency`.
class ChaosScript {
 public:
  ChaosScript& answer(unsigned status, int requests);
  // 429 with Retry-After (and X-Sentry-Rate-Limits when given) to the next `requests` requests.
  ChaosScript& throttle(int requests, std::chrono::seconds retry_after,
                        std::optional<std::string> sentry_rate_limits = std::nullopt);
  ChaosScript& reset_for(std::chrono::milliseconds duration);
  ChaosScript& down_for(std::chrono::milliseconds duration);
  ChaosScript& down_forever();
  // Healthy answers wait this long (a timer on the upstream's thread, other connections go on).
  ChaosScript& latency(std::chrono::milliseconds latency);
  // ...plus the time a link of this many bytes per second would take to carry the request body.
  ChaosScript& bandwidth(std::size_t bytes_per_second);

  std::vector<ChaosPhase> phases;
  std::chrono::milliseconds healthy_latency{0};
  std::size_t healthy_bandwidth = 0;  // bytes per second; 0: unlimited
};

// What the upstream has seen so far. `phase` indexes the script's phases; phases.size() is healthy.
struct ChaosState {
  std::size_t phase = 0;
  // When each phase started (healthy is the last entry); empty for phases not reached.
  std::vector<std::optional<ChaosClock::time_point>> phase_started;
  bool listening = false;
  std::size_t requests = 0;  // requests read in full, whatever happened to them
  std::size_t accepted = 0;  // answered 2xx; their bodies are recorded
  std::map<unsigned, std::size_t> answered;  // by status, 2xx included
  std::size_t resets = 0;    // connections reset after reading a request
  std::size_t early_retries = 0;  // requests that came before an advertised Retry-After had passed
  std::size_t relisten_failures = 0;  // binding the port again failed once (retried 10 ms later)
};

// One line for failure messages: "phase 3, listening no, 40 requests, 200: 12, 503: 3, ...".
std::string describe(const ChaosState& state);

struct AcceptedBody {
  std::string body;
  ChaosClock::time_point at;  // when the 2xx answer was sent
  std::chrono::system_clock::time_point wall;  // the same moment, to compare with platform event times
};

class ChaosUpstream {
 public:
  explicit ChaosUpstream(ChaosScript script);
  ~ChaosUpstream();
  ChaosUpstream(const ChaosUpstream&) = delete;
  ChaosUpstream& operator=(const ChaosUpstream&) = delete;

  [[nodiscard]] std::string url(std::string_view path) const;
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] ChaosState state() const;
  [[nodiscard]] std::vector<AcceptedBody> accepted() const;
  // Waits (on a condition variable, no polling) until `condition(state)` holds or `timeout` passes.
  bool wait_until(const std::function<bool(const ChaosState&)>& condition, std::chrono::milliseconds timeout) const;

 private:
  struct Connection;
  struct Decision;

  void enter_phase(std::size_t index);  // with mutex_ held
  void end_timed_phase_after(std::size_t index, std::chrono::milliseconds duration);
  void listen_again_then_leave(std::size_t index);
  void close_listener();
  void hold_port();
  void release_port();
  bool try_listen();
  [[nodiscard]] bool listening() const;
  Decision decide(std::size_t body_bytes);
  void record(std::string body);
  void changed();
  boost::asio::awaitable<void> accept_loop(std::uint64_t generation);
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> connection);

  ChaosScript script_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int placeholder_fd_ = -1;  // binds the port while down
  // Every URL of this upstream starts with it: requests meant for another test are told apart.
  // (Only once url() handed one out: tests that talk to the port directly use their own targets.)
  std::string prefix_ = "/chaos-" + std::to_string(std::random_device{}());
  mutable std::atomic<bool> url_given_{false};
  boost::asio::steady_timer phase_timer_;
  boost::asio::steady_timer listen_retry_;
  std::uint16_t port_ = 0;
  std::uint64_t listen_generation_ = 0;
  std::list<std::weak_ptr<Connection>> connections_;
  int answered_in_phase_ = 0;
  ChaosClock::time_point not_before_{};  // the last advertised Retry-After ends here

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  ChaosState state_;
  std::vector<AcceptedBody> accepted_;
  std::thread thread_;
};

}  // namespace lambda_relay::testing
