// One emulator run: serve the platform APIs, play the invokes, write the report.
#pragma once

#include "options.hpp"

namespace lambda_emulator {

// Returns the process exit code (0, or 3 with --strict when the run broke the platform contract).
int run_emulator(EmulatorOptions options);

}  // namespace lambda_emulator
