#include "config/function_environment.hpp"

#include <charconv>

namespace lambda_relay::config {

FunctionEnvironment read_function_environment(const Environment& env) {
  FunctionEnvironment function;
  auto text = [&](std::string_view name) { return env(name).value_or(std::string()); };
  function.function_name = text("AWS_LAMBDA_FUNCTION_NAME");
  function.function_version = text("AWS_LAMBDA_FUNCTION_VERSION");
  function.region = text("AWS_REGION");
  if (function.region.empty()) function.region = text("AWS_DEFAULT_REGION");
  function.log_group = text("AWS_LAMBDA_LOG_GROUP_NAME");
  function.log_stream = text("AWS_LAMBDA_LOG_STREAM_NAME");
  function.execution_env = text("AWS_EXECUTION_ENV");
  const std::string memory = text("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
  std::int64_t mb = 0;
  const auto [end, ec] = std::from_chars(memory.data(), memory.data() + memory.size(), mb);
  if (!memory.empty() && ec == std::errc{} && end == memory.data() + memory.size() && mb > 0) {
    function.memory_size_mb = mb;
  }
  return function;
}

}  // namespace lambda_relay::config
