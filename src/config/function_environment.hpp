// What Lambda tells every process of a function through its reserved environment variables (the
// function's identity for exported telemetry). Lambda sets them, so nothing here fails Init: a value
// that cannot be read is left out.
#pragma once

#include "config/environment.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lambda_relay::config {

struct FunctionEnvironment {
  std::string function_name;                  // AWS_LAMBDA_FUNCTION_NAME
  std::string function_version;               // AWS_LAMBDA_FUNCTION_VERSION ("$LATEST", "7")
  std::string region;                         // AWS_REGION (else AWS_DEFAULT_REGION)
  std::optional<std::int64_t> memory_size_mb;  // AWS_LAMBDA_FUNCTION_MEMORY_SIZE
  std::string log_group;                      // AWS_LAMBDA_LOG_GROUP_NAME
  std::string log_stream;                     // AWS_LAMBDA_LOG_STREAM_NAME
  std::string execution_env;                  // AWS_EXECUTION_ENV ("AWS_Lambda_python3.12")
};

[[nodiscard]] FunctionEnvironment read_function_environment(const Environment& env);

}  // namespace lambda_relay::config
