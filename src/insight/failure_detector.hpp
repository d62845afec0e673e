// Recognises, from the Telemetry API stream alone, the failures a function cannot report itself —
// for any runtime — and hands each one over exactly once, with its request id, trace, durations,
// memory figures and the last function log lines.
//
// The rule (see docs/architecture.md, "Failure detection"):
//   init        initRuntimeDone / initReport with status error, failure or timeout. One failure per init
//               attempt: a suppressed init (phase "invoke") after a failed one is a new attempt.
//               errorType Runtime.HandlerNotFound, ImportModuleError, MalformedHandlerName,
//               BuiltInModuleConflict, InvalidEntrypoint → invalid_handler; status timeout →
//               init_timeout; Runtime.OutOfMemory → out_of_memory; status failure → platform_failure;
//               anything else → init_error.
//   invoke      runtimeDone / report (whichever come; report completes it):
//               status timeout (or errorType Sandbox.Timedout)        → timeout
//               status failure (or any other Sandbox.* errorType)      → platform_failure
//               status error + Runtime.OutOfMemory                     → out_of_memory
//               status error + Runtime.ExitError                       → crash, or out_of_memory when max
//                                                                        memory used ≥ memory size or the
//                                                                        invocation logged an OOM line
//               status error + Extension.*                             → crash (an extension died)
//               status error + Runtime.TruncatedResponse,
//                 InvalidResponseModeHeader, Function.ResponseSizeTooLarge → invalid_response
//               status error + an init errorType (suppressed init seen only through the report)
//                                                                      → invalid_handler / init_error
//               status error + any other type (the function's own exception, Runtime.Unknown,
//                 Function.Unknown, Runtime.MarshalError, none)       → NOT reported: the runtime reported
//                 it through /invocation/error, so the function's own Sentry SDK saw it (standard Lambda
//                 even reports these as status "success").
//   restore     restoreRuntimeDone / restoreReport not success        → restore_error
//
// Exactly once: a failure waits for the event that completes it (initReport after initRuntimeDone,
// report after runtimeDone, the platform.start that follows a failed suppressed init) and is handed
// over then; later events of the same init or request are recognised and ignored. flush() hands over
// whatever still waits (call it at SHUTDOWN: after a reset the report may never arrive).
#pragma once

#include "insight/failure.hpp"
#include "insight/log_tail.hpp"

#include <lambda_relay/telemetry.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_relay::insight {

struct FailureDetectorOptions {
  std::size_t log_tail_lines = 20;      // LAMBDA_RELAY_FAILURE_LOG_LINES
  std::size_t max_line_bytes = 1024;    // longer lines are kept cut
  std::size_t max_invocations = 64;     // tracked at once (Managed Instances run several concurrently)
};

// The classification rule above, for one status and errorType. Nothing when it is no failure to report.
struct Classification {
  FailureKind kind;
  std::string error_type;
};
[[nodiscard]] std::optional<Classification> classify_init(telemetry::Status status,
                                                          const std::optional<std::string>& error_type);
[[nodiscard]] std::optional<Classification> classify_invoke(telemetry::Status status,
                                                            const std::optional<std::string>& error_type);

class FailureDetector {
 public:
  using Sink = std::function<void(Failure)>;

  FailureDetector(FailureDetectorOptions options, Sink sink);

  // Every Telemetry API event, in the order received.
  void add(const telemetry::Event& event);
  // What the Extensions API INVOKE event adds: the deadline (for remaining time) and the invoked ARN.
  void note_invoke(std::string_view request_id, telemetry::Timestamp deadline, std::string_view invoked_function_arn,
                   std::optional<std::string_view> xray_header = std::nullopt);
  // Hands over every failure still waiting for its completing event.
  void flush();

  [[nodiscard]] std::uint64_t detected() const noexcept { return detected_; }

 private:
  struct Init {
    bool active = false;
    std::optional<telemetry::Timestamp> started;
    std::optional<std::string> initialization_type;
    std::optional<std::string> phase;
    std::optional<std::string> runtime_version;
    std::optional<std::string> function_name;
    std::optional<std::string> log_stream;
    std::optional<Failure> pending;  // initRuntimeDone failed; initReport completes it
  };
  struct Invocation {
    Invocation(std::string id, std::uint64_t sequence, LogTail log_tail)
        : request_id(std::move(id)), order(sequence), tail(std::move(log_tail)) {}
    std::string request_id;
    std::uint64_t order = 0;
    std::optional<telemetry::Timestamp> started;
    std::optional<std::string> xray_header;
    std::optional<std::string> span_id;
    std::optional<std::string> invoked_function_arn;
    std::optional<std::string> function_version;
    std::optional<telemetry::Timestamp> deadline;
    std::optional<telemetry::Milliseconds> runtime_duration;
    LogTail tail;
    std::optional<std::string> oom_line;
    std::optional<Failure> pending;  // runtimeDone failed; report completes it
    bool runtime_done = false;
    bool settled = false;  // its failure was handed over (or belongs to a failed suppressed init)
  };

  void on_init_start(const telemetry::Event& event, const telemetry::InitStart& record);
  void on_init_done(const telemetry::Event& event, const telemetry::InitRuntimeDone& record);
  void on_init_report(const telemetry::Event& event, const telemetry::InitReport& record);
  void on_start(const telemetry::Event& event, const telemetry::Start& record);
  void on_runtime_done(const telemetry::Event& event, const telemetry::RuntimeDone& record);
  void on_report(const telemetry::Event& event, const telemetry::Report& record);
  void on_restore(const telemetry::Event& event, const telemetry::Named<telemetry::Status>& status,
                  const std::optional<std::string>& error_type, std::optional<telemetry::Milliseconds> duration,
                  bool completes);
  void on_log(const telemetry::Event& event, const telemetry::LogRecord& record);

  Failure init_failure(const telemetry::Event& event, const Classification& c, telemetry::Status status) const;
  void complete_init(std::optional<std::string_view> phase);
  void attach_to_invocation(Failure& failure, const Invocation& invocation) const;
  Invocation& invocation(std::string_view request_id);
  Invocation* find(std::string_view request_id);
  [[nodiscard]] bool finished(std::string_view request_id) const;
  void finish(std::string_view request_id);
  void settle(Invocation& invocation, std::optional<Failure> failure);
  void emit(Failure failure);

  FailureDetectorOptions options_;
  Sink sink_;
  Init init_;
  LogTail init_tail_;
  std::optional<Failure> awaiting_start_;  // a failed suppressed init, waiting for its request's start
  std::optional<Failure> restore_pending_;
  std::vector<Invocation> invocations_;
  std::deque<std::string> finished_;  // request ids already settled and forgotten (late events ignored)
  std::string current_;               // the invocation text log lines belong to
  std::uint64_t next_order_ = 0;
  std::uint64_t detected_ = 0;
};

}  // namespace lambda_relay::insight
