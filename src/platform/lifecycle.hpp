// The extension's life: register, then loop on event/next until SHUTDOWN, and leave before the
// deadline. What happens on each event is plugged in by the caller (delivery, flushing, ...).
#pragma once

#include "log/logger.hpp"
#include "net/http.hpp"

#include <lambda_relay/extensions_api.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace lambda_relay::platform {

struct LifecycleHandlers {
  // Runs after an INVOKE arrived and before lambda-relay calls next again (it counts as the
  // function's billed time: keep it short).
  std::function<net::Awaitable<void>(const InvokeEvent&)> on_invoke;
  // Runs on SHUTDOWN (or SIGTERM); must finish by `deadline`, which already has the margin taken off.
  std::function<net::Awaitable<void>(const ShutdownEvent&, std::chrono::system_clock::time_point deadline)>
      on_shutdown;
};

struct LifecycleOptions {
  std::string extension_name;
  std::chrono::milliseconds shutdown_margin{100};
  // Deadline given to SIGTERM-initiated shutdowns (there is no platform deadline then).
  std::chrono::milliseconds sigterm_grace{500};
};

class Lifecycle {
 public:
  Lifecycle(ExtensionsClient& client, const log::Logger& logger, LifecycleOptions options, LifecycleHandlers handlers);

  // Registers for INVOKE and SHUTDOWN. On failure the error is logged and returned.
  net::Awaitable<Result<RegisterResponse>> register_extension();
  // Reports a failed Init to the platform (after register_extension succeeded).
  net::Awaitable<void> report_init_error(std::string_view error_type, std::string_view message);
  // The event loop; returns the process exit code.
  net::Awaitable<int> run();
  // Asks the loop to shut down (SIGTERM): aborts a pending event/next.
  void request_stop();

 private:
  net::Awaitable<int> shut_down(const ShutdownEvent& event);

  ExtensionsClient& client_;
  const log::Logger& logger_;
  LifecycleOptions options_;
  LifecycleHandlers handlers_;
  bool stop_requested_ = false;
};

}  // namespace lambda_relay::platform
