// Client for the Lambda Extensions API (2020-01-01): register, event/next, init/error, exit/error.
// Usable on its own by anyone writing an extension in C++; lambda-relay's lifecycle is built on it.
#pragma once

#include <lambda_relay/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lambda_relay {

enum class LifecycleEventType { invoke, shutdown };
enum class ShutdownReason { spindown, timeout, failure, unknown };

[[nodiscard]] std::string_view to_string(LifecycleEventType type);
[[nodiscard]] std::string_view to_string(ShutdownReason reason);

struct RegisterResponse {
  std::string extension_id;  // Lambda-Extension-Identifier, sent on every later call
  std::string function_name;
  std::string function_version;
  std::string handler;
  std::optional<std::string> account_id;  // only when the accountId feature was requested
};

struct Tracing {
  std::string type;   // "X-Amzn-Trace-Id"
  std::string value;  // "Root=...;Parent=...;Sampled=1"
};

struct InvokeEvent {
  std::string request_id;
  std::chrono::system_clock::time_point deadline;
  std::string invoked_function_arn;
  std::optional<Tracing> tracing;
};

struct ShutdownEvent {
  ShutdownReason reason = ShutdownReason::unknown;
  std::string reason_text;  // as sent (parsed case-insensitively into `reason`)
  std::chrono::system_clock::time_point deadline;
};

using LifecycleEvent = std::variant<InvokeEvent, ShutdownEvent>;

// Pure parsers, exposed for tests and for extensions that bring their own HTTP client.
[[nodiscard]] Result<RegisterResponse> parse_register_response(std::string_view body, std::string extension_id);
[[nodiscard]] Result<LifecycleEvent> parse_lifecycle_event(std::string_view body);

class ExtensionsClient {
 public:
  // `runtime_api` is AWS_LAMBDA_RUNTIME_API: "host:port".
  ExtensionsClient(boost::asio::any_io_executor executor, std::string_view runtime_api);
  ~ExtensionsClient();
  ExtensionsClient(const ExtensionsClient&) = delete;
  ExtensionsClient& operator=(const ExtensionsClient&) = delete;

  // `name` must be the extension's file name in /opt/extensions (Lambda matches them).
  boost::asio::awaitable<Result<RegisterResponse>> register_extension(std::string name,
                                                                      std::vector<LifecycleEventType> events,
                                                                      bool accept_account_id = true);
  // Blocks until the next event, without a timeout: the sandbox may be frozen inside this call.
  boost::asio::awaitable<Result<LifecycleEvent>> next_event();
  // Reports a failed Init (then exit); `error_type` follows Lambda's "Category.Reason" convention.
  boost::asio::awaitable<Result<void>> init_error(std::string error_type, std::string message);
  // Reports a fatal error after Init (then exit).
  boost::asio::awaitable<Result<void>> exit_error(std::string error_type, std::string message);

  // Aborts a call in progress (e.g. a pending next_event on SIGTERM); it returns an error.
  void cancel();

  [[nodiscard]] const std::string& extension_id() const noexcept;
  [[nodiscard]] bool valid_runtime_api() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lambda_relay
