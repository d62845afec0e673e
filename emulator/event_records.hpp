// Builders for the Telemetry API records of every platform event the emulator emits, in the shapes of
// ../shared/spec/samples (full current field set for every schema version).
#pragma once

#include "sandbox_state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emulator::records {

struct Span {
  std::string name;
  WallClock::time_point start;
  double duration_ms;
};

struct Outcome {
  std::string status;  // success | error | failure | timeout
  std::optional<std::string> error_type;
};

std::string init_start(const FunctionConfig& f, std::string_view phase, std::string_view instance_id);
std::string init_runtime_done(std::string_view phase, const Outcome& outcome);
std::string init_report(std::string_view phase, const Outcome& outcome, double duration_ms);
std::string extension(const Extension& e, const std::optional<std::string>& error_type);
std::string start(const FunctionConfig& f, const Invocation& i);
std::string runtime_done(const Invocation& i, const Outcome& outcome, double duration_ms, const std::vector<Span>& spans);
struct ReportMetrics {
  double duration_ms = 0;
  std::optional<double> init_duration_ms;
  int memory_size_mb = 0;
  int max_memory_used_mb = 0;
};
std::string report(const Invocation& i, const Outcome& outcome, const ReportMetrics& metrics,
                   const std::vector<Span>& spans);
// Logs API only: platform.end.
std::string end(const Invocation& i);

double ms_between(Clock::time_point from, Clock::time_point to);

}  // namespace lambda_emulator::records
