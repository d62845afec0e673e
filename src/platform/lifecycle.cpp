#include "platform/lifecycle.hpp"

#include "platform/deadline_guard.hpp"

#include <variant>

namespace lambda_relay::platform {
namespace {

// Log statements live outside the coroutines: GCC 12 miscompiles string-literal format arguments
// inside coroutine bodies ("array used as initializer").
constexpr std::string_view kEventLoopFailed = "Extension.EventLoopFailed";
constexpr std::string_view kSigterm = "sigterm";
void log_registered(const log::Logger& logger, const std::string& name, const RegisterResponse& r) {
  logger.info("registered as {} for function {} version {}{}", name, r.function_name, r.function_version,
              r.account_id ? " in account " + *r.account_id : std::string());
}

void log_shutdown(const log::Logger& logger, const ShutdownEvent& event) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(event.deadline - std::chrono::system_clock::now());
  logger.info("SHUTDOWN ({}), {} ms left", event.reason_text, left.count());
}

void log_failure(const log::Logger& logger, std::string_view what, const Error& error) {
  logger.error("{} failed: {}", what, error.describe());
}

}  // namespace

Lifecycle::Lifecycle(ExtensionsClient& client, const log::Logger& logger, LifecycleOptions options,
                     LifecycleHandlers handlers)
    : client_(client), logger_(logger), options_(std::move(options)), handlers_(std::move(handlers)) {}

net::Awaitable<Result<RegisterResponse>> Lifecycle::register_extension() {
  // Built outside the co_await expression: GCC 12 cannot put an initializer_list in a coroutine frame.
  std::vector<LifecycleEventType> events{LifecycleEventType::invoke, LifecycleEventType::shutdown};
  auto registered = co_await client_.register_extension(options_.extension_name, std::move(events));
  if (!registered) {
    log_failure(logger_, "register", registered.error());
    co_return registered;
  }
  log_registered(logger_, options_.extension_name, *registered);
  co_return registered;
}

net::Awaitable<void> Lifecycle::report_init_error(std::string_view error_type, std::string_view message) {
  if (auto reported = co_await client_.init_error(std::string(error_type), std::string(message)); !reported) {
    log_failure(logger_, "init/error", reported.error());
  }
}

void Lifecycle::request_stop() {
  stop_requested_ = true;
  client_.cancel();
}

net::Awaitable<int> Lifecycle::run() {
  for (;;) {
    auto event = co_await client_.next_event();
    if (stop_requested_) {
      ShutdownEvent sigterm{ShutdownReason::unknown, std::string(kSigterm),
                            std::chrono::system_clock::now() + options_.sigterm_grace};
      co_return co_await shut_down(sigterm);
    }
    if (!event) {
      // The platform failed us after Init: say so (exit/error), then leave.
      log_failure(logger_, "event/next", event.error());
      if (auto reported = co_await client_.exit_error(std::string(kEventLoopFailed), event.error().describe());
          !reported) {
        log_failure(logger_, "exit/error", reported.error());
      }
      co_return 1;
    }
    if (auto* invoke = std::get_if<InvokeEvent>(&*event)) {
      if (handlers_.on_invoke) co_await handlers_.on_invoke(*invoke);
      continue;
    }
    co_return co_await shut_down(std::get<ShutdownEvent>(*event));
  }
}

net::Awaitable<int> Lifecycle::shut_down(const ShutdownEvent& event) {
  const auto deadline = event.deadline - options_.shutdown_margin;
  // Whatever happens below, the process is gone before Lambda's SIGKILL.
  arm_deadline_guard(deadline);
  log_shutdown(logger_, event);
  if (handlers_.on_shutdown) co_await handlers_.on_shutdown(event, deadline);
  disarm_deadline_guard();
  co_return 0;
}

}  // namespace lambda_relay::platform
