// The execution environment's life, as Lambda runs it: Init (extensions, then the runtime), invokes
// with their INVOKE events and telemetry, freeze between invokes, resets after timeouts and crashes
// (followed by a suppressed Init), and SHUTDOWN with its deadline and SIGKILL.
#pragma once

#include "event_records.hpp"
#include "process.hpp"
#include "sandbox_state.hpp"
#include "support/state_changed.hpp"
#include "telemetry_hub.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emulator {

struct SandboxOptions {
  std::string extensions_dir = "./extensions";
  std::optional<std::string> sandbox_root;  // chroot for extensions
  std::string self_path;  // this binary, for the simulated runtime
  bool echo_output = true;  // copy process output to the emulator's stderr
  std::chrono::milliseconds init_limit{10'000};
  std::chrono::milliseconds shutdown_limit{2'000};
  std::chrono::milliseconds runtime_sigterm_grace{300};
};

struct InitRecord {
  std::string phase;
  records::Outcome outcome;
  double duration_ms = 0;
};

struct InvokeRecord {
  std::string request_id;
  records::Outcome outcome;
  std::string response;
  double duration_ms = 0;
  double runtime_ms = 0;
  double post_runtime_ms = 0;
  bool suppressed_init = false;
  int max_memory_used_mb = 0;
};

class Sandbox {
 public:
  Sandbox(SandboxState& state, StateChanged& changed, ProcessTable& processes, TelemetryHub& telemetry,
          SandboxOptions options);

  // The cold start. False when Init failed (the next invoke retries it, suppressed).
  boost::asio::awaitable<bool> cold_start();
  boost::asio::awaitable<InvokeRecord> invoke(std::string payload);
  // Freezes every process for `duration`, as Lambda does between invokes.
  boost::asio::awaitable<void> idle(std::chrono::milliseconds duration);
  // Spindown: SIGTERM to the runtime, SHUTDOWN to the extensions, SIGKILL at the deadline.
  boost::asio::awaitable<void> spin_down();

  [[nodiscard]] const std::vector<InitRecord>& inits() const { return inits_; }
  [[nodiscard]] const std::vector<InvokeRecord>& invokes() const { return invokes_; }
  // Request ids of the invocations delivered so far, in order (including the one running).
  [[nodiscard]] const std::vector<std::string>& delivered_request_ids() const { return delivered_ids_; }
  [[nodiscard]] const std::vector<std::string>& violations() const { return violations_; }

 private:
  struct RuntimePhase {
    records::Outcome outcome{"success", std::nullopt};
    std::optional<std::string> reset_reason;  // "timeout" or "failure" when the sandbox must be reset
    int peak_memory_mb = 0;
    Clock::time_point ended_at;
    bool runtime_died = false;  // exited, or killed by the platform (OOM, a platform fault)
  };

  boost::asio::awaitable<bool> init(std::string phase, Clock::time_point deadline);
  std::shared_ptr<Invocation> new_invocation(std::string payload) const;
  std::vector<std::shared_ptr<Extension>> deliver(const std::shared_ptr<Invocation>& invocation);
  boost::asio::awaitable<RuntimePhase> await_runtime(const Invocation& invocation,
                                                     const std::vector<std::shared_ptr<Extension>>& subscribers,
                                                     Clock::time_point deadline,
                                                     std::optional<std::chrono::milliseconds> platform_fault);
  std::optional<std::chrono::milliseconds> platform_fault_in(const std::string& payload) const;
  boost::asio::awaitable<double> await_extensions(const std::vector<std::shared_ptr<Extension>>& subscribers,
                                                  Clock::time_point runtime_done, Clock::time_point deadline,
                                                  RuntimePhase& phase);
  static std::vector<records::Span> runtime_spans(const Invocation& invocation);
  static bool any_exited(const std::vector<std::shared_ptr<Extension>>& extensions);
  void launch_extensions();
  void launch_runtime();
  records::Outcome init_outcome(bool finished) const;
  void emit_extension_records();
  void close_init();  // registration and subscriptions end; Init events are no longer replayed
  boost::asio::awaitable<void> shut_down(std::string reason);
  boost::asio::awaitable<void> stop_runtime();
  boost::asio::awaitable<void> drain_output(std::shared_ptr<Process> process);
  std::vector<std::string> process_environment(bool for_runtime) const;
  void emit(std::string type, std::string record, Audience audience = Audience::both, bool logs_2021 = false);
  void emit_log_line(std::string_view type, std::string_view line);
  int memory_used_mb() const;

  SandboxState& state_;
  StateChanged& changed_;
  ProcessTable& processes_;
  TelemetryHub& telemetry_;
  SandboxOptions options_;
  std::string instance_id_;  // log stream name
  std::vector<std::shared_ptr<Extension>> generation_;  // the extension processes of the current Init
  bool needs_init_ = true;
  std::optional<double> pending_init_duration_ms_;  // reported on the first invoke after a normal Init
  std::vector<InitRecord> inits_;
  std::vector<InvokeRecord> invokes_;
  std::vector<std::string> delivered_ids_;
  std::vector<std::string> violations_;
};

}  // namespace lambda_emulator
