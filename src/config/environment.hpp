// Read access to environment variables, injectable so configuration can be tested without setenv.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::config {

using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
Environment process_environment();
// A fixed set of variables, for tests.
Environment environment_from(std::map<std::string, std::string, std::less<>> variables);

}  // namespace lambda_relay::config
