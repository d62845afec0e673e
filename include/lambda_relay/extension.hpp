// Writing a Lambda extension in C++ with lambda-relay's library: implement a Processor, call run().
// run() registers with the Extensions API, starts the telemetry listener, subscribes to the Telemetry
// API, and follows the lifecycle until SHUTDOWN; the Processor sees every decoded event.
//
//   class Printer : public lambda_relay::Processor {
//     void process(const lambda_relay::telemetry::Event& e) override { ... }
//   };
//   int main(int, char** argv) { Printer p; return lambda_relay::run(p, lambda_relay::RunOptions::from(argv)); }
#pragma once

#include <lambda_relay/extensions_api.hpp>
#include <lambda_relay/result.hpp>
#include <lambda_relay/telemetry.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay {

enum class LogLevel { trace, debug, info, warn, error };

class Processor {
 public:
  virtual ~Processor() = default;

  // After registration and subscription, before any event. `executor` runs everything (one thread):
  // start asynchronous work on it. An error fails Init (reported to Lambda with init/error).
  virtual Result<void> init(const RegisterResponse& registration, boost::asio::any_io_executor executor) {
    (void)registration;
    (void)executor;
    return {};
  }

  // One decoded telemetry event, in arrival order. Keep it short: it runs on the listener's path.
  virtual void process(const telemetry::Event& event) = 0;

  // After the last event of one batch the platform POSTed: a natural point to hand work on in bulk.
  virtual void end_of_batch() {}

  // An INVOKE arrived. The extension calls event/next again when this completes: whatever it awaits
  // is billed to the function, so only wait for what must finish before the sandbox may freeze.
  virtual boost::asio::awaitable<void> invoke(const InvokeEvent& event);

  // SHUTDOWN (or SIGTERM): finish by `deadline` (already earlier than Lambda's by a safety margin).
  // The last invoke's platform.report (before any invoke: the Init's platform.initReport, which for a
  // failed Init often comes only with its SHUTDOWN) has been received and processed before this is
  // called, unless it did not arrive in time or the subscription has no platform events.
  virtual boost::asio::awaitable<void> shutdown(const ShutdownEvent& event,
                                                std::chrono::system_clock::time_point deadline);

  // After the run loop ended, however it ended, while the executor still exists: destroy everything
  // created on it (sockets, timers). run() destroys its io_context when it returns, before the
  // Processor is destroyed.
  virtual void close() {}
};

struct Buffering {
  int max_items = 1'000;    // Lambda's minimum (range 1,000–10,000)
  int max_bytes = 262'144;  // minimum (262,144–1,048,576)
  int timeout_ms = 25;      // minimum (25–30,000): platform.runtimeDone arrives promptly
};

struct RunOptions {
  std::string extension_name;  // must equal the file name in /opt/extensions
  std::string runtime_api;     // AWS_LAMBDA_RUNTIME_API (host:port)
  std::vector<std::string> types{"platform", "function"};  // Telemetry API subscription types
  Buffering buffering;
  std::uint16_t listener_port = 0;  // 0: an ephemeral port
  // Tried in order: the platform answers 400 for a version it does not know.
  std::vector<std::string> schema_versions{"2025-01-29", "2022-12-13", "2022-07-01"};
  // Subscribe to the Telemetry API at all (an extension may only want the lifecycle).
  bool subscribe = true;
  // Time kept back from the SHUTDOWN deadline.
  std::chrono::milliseconds shutdown_margin{100};
  // How long SHUTDOWN waits for the last platform events (the Init's and the last invoke's reports).
  std::chrono::milliseconds final_telemetry_wait{500};
  // Log sink; lines a Processor should not feed back into what it exports start with "[<name>]".
  std::function<void(LogLevel, std::string_view)> log;

  // Defaults with the name taken from argv[0] and the runtime API from the environment.
  static RunOptions from(char** argv);
};

// Runs the extension until SHUTDOWN; returns the process exit code.
int run(Processor& processor, RunOptions options);

}  // namespace lambda_relay
