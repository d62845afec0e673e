#include "config/parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lambda_relay::config {

Error invalid(std::string_view variable, std::string_view detail) {
  return make_error(std::string(variable), fmt::format("{}: {}", variable, detail));
}

Result<bool> parse_bool(std::string_view variable, std::string_view text) {
  const auto v = lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v.empty()) return false;
  return invalid(variable, fmt::format("\"{}\" is not a boolean (true or false)", text));
}

Result<std::int64_t> parse_int(std::string_view variable, std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return invalid(variable, fmt::format("\"{}\" is not an integer", text));
  }
  if (value < min || value > max) {
    return invalid(variable, fmt::format("{} is out of range [{}, {}]", value, min, max));
  }
  return value;
}

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace lambda_relay::config
