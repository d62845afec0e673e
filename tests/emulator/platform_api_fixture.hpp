// A complete platform API on a loopback port per test: io_context, StateChanged, ProcessTable,
// TelemetryHub, SandboxState, PlatformApi and an HttpServer on 127.0.0.1:0 whose handler is
// PlatformApi::handle. Requests go over real sockets (HttpConnection, or raw bytes for malformed
// HTTP); the io_context runs only until what the test waits for has happened — no sleeps.
#pragma once

#include "platform_api.hpp"
#include "process.hpp"
#include "sandbox_state.hpp"
#include "telemetry_hub.hpp"

#include "net/http.hpp"
#include "net/http_server.hpp"

#include <lambda_relay/result.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_emulator::test {

namespace asio = boost::asio;
namespace net = lambda_relay::net;
namespace http = net::http;

using Headers = std::vector<std::pair<std::string, std::string>>;

// Ordinary functions (not coroutines) build requests: GCC 12 mishandles braced initialiser lists
// and fmt format strings inside coroutine bodies.
net::Request make_request(http::verb method, std::string target, std::string body = {}, const Headers& headers = {});
// POST /2020-01-01/extension/register with Lambda-Extension-Name (omitted when `name` is empty).
net::Request register_request(std::string_view name, std::string body = R"({"events":["INVOKE"]})",
                              const Headers& extra = {});
// Any request carrying Lambda-Extension-Identifier: `id`.
net::Request with_identifier(http::verb method, std::string target, std::string_view id, std::string body = {},
                             const Headers& extra = {});

// The value of a top-level string field of a JSON object body, nullopt when absent or not JSON.
std::optional<std::string> json_string_field(std::string_view body, std::string_view key);
// True if the body is a JSON object that has `key` at the top level.
bool json_has_field(std::string_view body, std::string_view key);

// Status, errorType and a non-empty errorMessage of one of Lambda's JSON error answers.
::testing::AssertionResult IsLambdaError(const net::Response& response, http::status status,
                                         std::string_view error_type);

bool is_uuid(std::string_view text);

// Reads a file from the shared spec directory (LAMBDA_RELAY_SHARED_DIR); nullopt when absent.
std::optional<std::string> read_shared_file(std::string_view relative_path);

// A request in flight: `result` is set once the exchange is over.
struct PendingRequest {
  bool done = false;
  std::optional<lambda_relay::Result<net::Response>> result;
};

class PlatformApiTest : public ::testing::Test {
 protected:
  PlatformApiTest();
  ~PlatformApiTest() override;

  // Runs one request on a fresh keep-alive connection and returns the response (an empty 599
  // response plus a test failure when the exchange itself failed).
  net::Response send(net::Request request);

  // Starts a request without waiting for its answer (for long polls).
  std::shared_ptr<PendingRequest> start(net::Request request);
  // Runs the io_context until `condition()` holds; false (and a test failure) if nothing happens
  // for 10 s (a watchdog, never a synchronisation point).
  bool run_until(const std::function<bool()>& condition);

  // Connects a raw TCP socket, writes `bytes` and reads until the server closes the connection.
  // Returns what the server sent.
  std::string raw_exchange(std::string bytes);

  // Registers an extension over HTTP and returns its Lambda-Extension-Identifier ("" on failure).
  std::string register_extension(std::string_view name, std::string body = R"({"events":["INVOKE"]})");
  // Adds an extension as the sandbox does for a file found in the extensions directory: it has a
  // (live) process, so it may register for SHUTDOWN.
  std::shared_ptr<Extension> add_launched_extension(std::string name);

  asio::io_context io_{1};
  StateChanged changed_{io_.get_executor()};
  ProcessTable processes_{io_.get_executor(), changed_};
  TelemetryHub telemetry_{changed_, processes_};
  SandboxState state_;
  PlatformApi api_{state_, changed_, telemetry_};
  net::HttpServer server_;
  net::tcp::endpoint endpoint_;
};

}  // namespace lambda_emulator::test
