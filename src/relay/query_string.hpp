// Reading one parameter of a URL query string ("a=1&b=x%2Fy"), percent-decoded ('+' is a space).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::relay {

// The first value of `name` in `query` (the part after '?'); nothing when absent or badly encoded.
[[nodiscard]] std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

// Splits a request target into its path and its query string (without the '?').
struct TargetParts {
  std::string_view path;
  std::string_view query;
};
[[nodiscard]] TargetParts split_target(std::string_view target);

}  // namespace lambda_relay::relay
