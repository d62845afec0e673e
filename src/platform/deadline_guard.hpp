// A last-resort exit: once armed, the process ends itself (exit code 0) when the deadline passes, even
// if the event loop is stuck. Lambda SIGKILLs an extension that outlives its SHUTDOWN deadline and
// reports it as failed; leaving on our own is always better.
#pragma once

#include <chrono>

namespace lambda_relay::platform {

// Arms (or re-arms) the guard to fire at `deadline`. Uses SIGALRM; async-signal-safe exit.
void arm_deadline_guard(std::chrono::system_clock::time_point deadline);
void disarm_deadline_guard();

}  // namespace lambda_relay::platform
