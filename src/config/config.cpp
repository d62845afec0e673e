#include "config/config.hpp"

#include "net/http.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lambda_relay::config {
namespace {

Error invalid(std::string_view variable, std::string_view detail) {
  return make_error(std::string(variable), fmt::format("{}: {}", variable, detail));
}

Result<bool> parse_bool(std::string_view variable, std::string_view text) {
  std::string v(text);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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

}  // namespace

Result<Config> load(const Environment& env) {
  Config config;

  if (auto v = env("LAMBDA_RELAY_LOG_LEVEL")) {
    auto level = log::parse_level(*v);
    if (!level) return invalid("LAMBDA_RELAY_LOG_LEVEL", level.error().message);
    config.log_level = *level;
  }
  if (auto v = env("LAMBDA_RELAY_LOG_FORMAT")) {
    auto format = log::parse_format(*v);
    if (!format) return invalid("LAMBDA_RELAY_LOG_FORMAT", format.error().message);
    config.log_format = *format;
  }
  if (auto v = env("LAMBDA_RELAY_DEV_MODE")) {
    auto dev = parse_bool("LAMBDA_RELAY_DEV_MODE", *v);
    if (!dev) return dev.error();
    config.dev_mode = *dev;
  }
  if (auto v = env("LAMBDA_RELAY_SHUTDOWN_MARGIN_MS")) {
    auto ms = parse_int("LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", *v, 0, 1000);
    if (!ms) return ms.error();
    config.shutdown_margin = std::chrono::milliseconds(*ms);
  }

  if (auto v = env("AWS_LAMBDA_RUNTIME_API")) config.runtime_api = *v;
  if (!config.dev_mode) {
    net::HostPort parsed;
    if (config.runtime_api.empty()) {
      return invalid("AWS_LAMBDA_RUNTIME_API",
                     "not set: lambda-relay must run as a Lambda extension (or set LAMBDA_RELAY_DEV_MODE=true)");
    }
    if (!net::parse_host_port(config.runtime_api, parsed)) {
      return invalid("AWS_LAMBDA_RUNTIME_API", fmt::format("\"{}\" is not host:port", config.runtime_api));
    }
  }
  return config;
}

}  // namespace lambda_relay::config
