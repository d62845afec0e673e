#include "platform/deadline_guard.hpp"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

namespace lambda_relay::platform {
namespace {

void exit_now(int /*signal*/) {
  static constexpr char kMessage[] = "[lambda-relay] WARN shutdown deadline reached: exiting now\n";
  (void)!::write(STDOUT_FILENO, kMessage, sizeof kMessage - 1);
  ::_exit(0);
}

}  // namespace

void arm_deadline_guard(std::chrono::system_clock::time_point deadline) {
  struct sigaction action {};
  action.sa_handler = exit_now;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);

  auto remaining = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::system_clock::now());
  if (remaining.count() <= 0) remaining = std::chrono::microseconds(1);
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(remaining.count() / 1'000'000);
  timer.it_value.tv_usec = static_cast<suseconds_t>(remaining.count() % 1'000'000);
  ::setitimer(ITIMER_REAL, &timer, nullptr);
}

void disarm_deadline_guard() {
  itimerval timer{};
  ::setitimer(ITIMER_REAL, &timer, nullptr);
}

}  // namespace lambda_relay::platform
