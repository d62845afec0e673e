// The built-in simulated function: a real runtime process (this binary with --simulated-runtime) that
// speaks the Runtime API like any other and behaves as each invoke payload asks:
//   {"action": "ok|error|timeout|oom|crash", "duration_ms": 1, "log_lines": 2}
// LAMBDA_EMULATOR_INIT_ERROR=<type> makes its Init fail through /runtime/init/error.
#pragma once

namespace lambda_emulator {

int run_simulated_runtime();

}  // namespace lambda_emulator
