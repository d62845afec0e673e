// The one synchronisation primitive of lambda-relay and the emulator: coroutines wait for a condition
// over shared state (with a deadline), and whoever changes that state calls notify(). One thread, no
// locks, no polling.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace lambda_relay::support {

class StateChanged {
 public:
  using Clock = std::chrono::steady_clock;

  explicit StateChanged(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  // Wakes every waiter; each re-checks its condition.
  void notify() {
    for (auto* timer : waiters_) timer->cancel();
  }

  // Waits until `condition()` holds or `deadline` passes. Returns the condition's final value.
  template <typename Condition>
  boost::asio::awaitable<bool> wait_until(Condition condition, Clock::time_point deadline = Clock::time_point::max()) {
    for (;;) {
      if (condition()) co_return true;
      if (Clock::now() >= deadline) co_return false;
      boost::asio::steady_timer timer(executor_, deadline);
      waiters_.push_back(&timer);
      (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &timer));
    }
  }

  // Sleeps until `deadline` regardless of notifications (pacing: backoff, simulated work).
  boost::asio::awaitable<void> sleep_until(Clock::time_point deadline) {
    boost::asio::steady_timer timer(executor_, deadline);
    (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }

  [[nodiscard]] const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  boost::asio::any_io_executor executor_;
  std::vector<boost::asio::steady_timer*> waiters_;
};

}  // namespace lambda_relay::support
