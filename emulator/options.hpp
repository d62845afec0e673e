// lambda-emulator's command line (docs/emulator.md).
#pragma once

#include "sandbox.hpp"
#include "sandbox_state.hpp"

#include <lambda_relay/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lambda_emulator {

struct EmulatorOptions {
  FunctionConfig function;
  SandboxOptions sandbox;
  std::vector<std::string> payloads;
  std::chrono::milliseconds idle{20};
  std::string runtime_api_host = "127.0.0.1";
  std::vector<std::string> telemetry_schema_versions{"2022-07-01", "2022-12-13", "2025-01-29"};
  std::optional<std::string> json_path;
  bool quiet = false;
  bool sink = false;
  bool strict = false;
};

[[nodiscard]] lambda_relay::Result<EmulatorOptions> parse_options(int argc, char** argv);
[[nodiscard]] std::string usage();

}  // namespace lambda_emulator
