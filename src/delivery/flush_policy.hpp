// When the outbox is flushed, decided once per invocation (LAMBDA_RELAY_FLUSH). The lifecycle decides
// when; the delivery engine decides how.
//
// Whatever the mode, nothing is sent while lambda-relay waits in event/next: the sandbox may freeze
// there and cut a request in half. So there are two moments to send in:
//   - at the end of an invocation: hold event/next until the function's platform.runtimeDone has
//     arrived, then flush (the data is at the upstream before the sandbox freezes, but the time is
//     billed: at least the Telemetry API's buffering timeout, 25 ms);
//   - at the start of the next one: send what is pending while the function runs, and call next once
//     it is done (usually before the function finishes: nothing billed, data one invocation late).
//
//   end            flush at the end of every invocation
//   end,<ms>       the same, and every <ms> while a long invocation runs
//   periodic,<ms>  flush at the end of an invocation when <ms> have passed since the last flush (or
//                  since the first invocation)
//   continuous,<ms> flush at the start of an invocation when <ms> have passed since the last flush (or
//                  since the first invocation); plain `continuous` at the start of every invocation
//   adaptive       (default) end while invocations are sparse, continuous once they are frequent:
//                  see FlushPolicy::kFrequentGap and kFrequentRun. An end-of-invocation flush that hits
//                  the flush timeout switches to continuous until a flush completes again.
#pragma once

#include <lambda_relay/result.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::delivery {

enum class FlushMode { end, periodic, continuous, adaptive };

struct FlushSetting {
  FlushMode mode = FlushMode::adaptive;
  std::chrono::milliseconds interval{0};  // end: tick while running; periodic/continuous: minimum gap

  friend bool operator==(const FlushSetting&, const FlushSetting&) = default;
};

// "end", "end,<ms>", "periodic,<ms>", "continuous", "continuous,<ms>", "adaptive".
[[nodiscard]] Result<FlushSetting> parse_flush_setting(std::string_view text);
[[nodiscard]] std::string to_string(const FlushSetting& setting);

// What to do for one invocation.
struct FlushPlan {
  bool flush_at_start = false;  // send what is pending while the function runs
  bool flush_at_end = false;    // hold next until runtimeDone, then send
  std::optional<std::chrono::milliseconds> tick;  // also send every tick while holding for runtimeDone

  friend bool operator==(const FlushPlan&, const FlushPlan&) = default;
};

class FlushPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  // Invocations closer together than this are "frequent": holding their data until the next one
  // delays it by at most this long.
  static constexpr std::chrono::seconds kFrequentGap{10};
  // This many frequent gaps in a row switch adaptive mode to continuous (one sparse gap switches back).
  static constexpr std::size_t kFrequentRun = 3;

  explicit FlushPolicy(FlushSetting setting) : setting_(setting) {}

  // An INVOKE arrived at `now`: what to do for this invocation.
  [[nodiscard]] FlushPlan on_invoke(Clock::time_point now);
  // A flush started at `now` finished (`completed`) or was cut by the flush timeout.
  void on_flush(Clock::time_point started, bool completed);

  // Adaptive mode's current choice (for logs and tests).
  [[nodiscard]] bool continuous_now() const noexcept { return continuous_; }
  [[nodiscard]] const FlushSetting& setting() const noexcept { return setting_; }

 private:
  [[nodiscard]] bool interval_passed(Clock::time_point now) const;
  void track_gap(Clock::time_point now);

  FlushSetting setting_;
  std::optional<Clock::time_point> first_invoke_;
  std::optional<Clock::time_point> last_invoke_;
  std::optional<Clock::time_point> last_flush_;
  std::size_t frequent_run_ = 0;   // consecutive gaps ≤ kFrequentGap
  bool continuous_ = false;        // adaptive: currently flushing at the start of invocations
  bool degraded_ = false;          // adaptive: an end flush timed out; continuous until one completes
};

}  // namespace lambda_relay::delivery
