// The small parsers every configuration file shares: errors that name the variable, booleans,
// bounded integers, trimming and lower-casing.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lambda_relay::config {

// An Error whose code is the variable's name and whose message starts with it.
[[nodiscard]] Error invalid(std::string_view variable, std::string_view detail);
// true/false, 1/0, yes/no, on/off (any case); empty is false.
[[nodiscard]] Result<bool> parse_bool(std::string_view variable, std::string_view text);
[[nodiscard]] Result<std::int64_t> parse_int(std::string_view variable, std::string_view text, std::int64_t min,
                                             std::int64_t max);
// Without leading and trailing spaces, tabs and carriage returns.
[[nodiscard]] std::string_view trim(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);

}  // namespace lambda_relay::config
