// What a run shows: a readable summary on stdout and, with --json, every measurement as JSON
// (schema in docs/emulator.md).
#pragma once

#include "options.hpp"
#include "sandbox.hpp"
#include "sandbox_state.hpp"
#include "sink.hpp"
#include "telemetry_hub.hpp"

#include <string>
#include <vector>

namespace lambda_emulator {

struct RunResult {
  const EmulatorOptions& options;
  const SandboxState& state;
  const Sandbox& sandbox;
  const TelemetryHub& telemetry;
  const Sink* sink;  // null without --sink
};

// Nearest-rank percentile (p in [0, 100]) of `values`; 0 for none.
double percentile(std::vector<double> values, double p);

std::string json_report(const RunResult& run);
std::string text_summary(const RunResult& run);

}  // namespace lambda_emulator
