// What the platform knows about the execution environment at any moment: the function's
// configuration, the registered extensions, the runtime and the invocation in progress. The API
// handlers and the orchestrator (sandbox.cpp) read and change it; StateChanged wakes the waiters.
#pragma once

#include "process.hpp"
#include "support/state_changed.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emulator {

using lambda_relay::support::StateChanged;
using Clock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

struct ErrorReport {
  std::string type;
  std::string message;
};

struct FunctionConfig {
  std::string name = "lambda-emulator-fn";
  std::string version = "$LATEST";
  std::string handler = "index.handler";
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  int memory_mb = 128;
  std::chrono::milliseconds timeout{3000};
  std::string log_format = "Text";  // AWS_LAMBDA_LOG_FORMAT
  std::optional<std::string> runtime_cmd;  // a real runtime; empty = built-in simulated function
  std::string function_dir;
  std::optional<std::string> simulated_init_error;
  std::vector<std::string> extra_env;  // "K=V"

  [[nodiscard]] std::string arn() const {
    return "arn:aws:lambda:" + region + ":" + account_id + ":function:" + name;
  }
  [[nodiscard]] std::string log_group() const { return "/aws/lambda/" + name; }
};

struct Extension {
  std::string name;
  int instance = 0;  // 1 for the first process of this name, 2 after a reset, ...
  std::string id;    // Lambda-Extension-Identifier
  std::shared_ptr<Process> process;  // null for an internal extension
  std::optional<std::string> launch_error;

  bool registered = false;
  bool wants_invoke = false;
  bool wants_shutdown = false;
  std::vector<std::string> events;
  std::vector<std::string> features;
  std::optional<Clock::time_point> registered_at;
  std::optional<Clock::time_point> first_next_at;
  std::optional<Clock::time_point> last_next_at;

  bool in_next = false;
  std::deque<std::string> queued_events;  // event/next bodies not yet handed out
  std::optional<ErrorReport> init_error;
  std::optional<ErrorReport> exit_error;
  std::string state = "Started";  // RIE state names: Started, Registered, Ready, Running, InitError, ...

  std::optional<std::string> shutdown_reason;
  std::optional<Clock::time_point> shutdown_sent_at;
  bool missed_shutdown_deadline = false;

  bool telemetry_api = false;  // subscribed through the Telemetry API
  bool logs_api = false;       // subscribed through the Logs API

  [[nodiscard]] bool alive() const { return process ? !process->exited : registered; }
};

struct Invocation {
  std::string request_id;
  std::string payload;
  std::string trace_header;
  WallClock::time_point deadline;
  Clock::time_point started_at;  // platform.start
  std::optional<Clock::time_point> delivered_at;  // runtime received it from invocation/next
  std::optional<Clock::time_point> response_at;
  std::optional<Clock::time_point> runtime_done_at;  // runtime called next again
  std::optional<std::string> response;
  std::optional<ErrorReport> error;
  std::size_t produced_bytes = 0;
};

struct Runtime {
  std::shared_ptr<Process> process;
  bool in_next = false;
  bool ever_called_next = false;
  std::optional<ErrorReport> init_error;
  std::shared_ptr<Invocation> pending;  // waiting to be taken by invocation/next
  std::shared_ptr<Invocation> current;  // taken, not finished
};

struct SandboxState {
  FunctionConfig function;
  std::vector<std::shared_ptr<Extension>> extensions;  // every instance ever started, in order
  Runtime runtime;
  bool init_open = false;  // registration and subscriptions allowed
  std::string init_phase = "init";
  std::string runtime_api;  // host:port advertised
  std::vector<std::string> telemetry_schema_versions{"2022-07-01", "2022-12-13", "2025-01-29"};  // accepted

  [[nodiscard]] std::shared_ptr<Extension> find_by_id(std::string_view id) const {
    for (const auto& e : extensions) {
      if (e->id == id) return e;
    }
    return nullptr;
  }
  // Extensions of the current generation (not exited and not replaced).
  [[nodiscard]] std::vector<std::shared_ptr<Extension>> current_extensions() const {
    std::vector<std::shared_ptr<Extension>> out;
    for (const auto& e : extensions) {
      if (e->alive()) out.push_back(e);
    }
    return out;
  }
};

}  // namespace lambda_emulator
