#include "config/config.hpp"

#include "config/parse.hpp"

#include "net/http.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lambda_relay::config {
namespace {

// The value of `primary`, else of its established alias; `name` says which one was set.
std::optional<std::string> lookup(const Environment& env, std::string_view primary, std::string_view alias,
                                  std::string_view& name) {
  name = primary;
  if (auto v = env(primary)) return v;
  name = alias;
  return env(alias);
}

Result<std::vector<std::string>> parse_types(std::string_view variable, std::string_view text) {
  std::vector<std::string> types;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item != "platform" && item != "function" && item != "extension") {
      return invalid(variable, fmt::format("\"{}\" is not a telemetry type (platform, function, extension)", item));
    }
    if (std::find(types.begin(), types.end(), item) == types.end()) types.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (types.empty()) return invalid(variable, "at least one telemetry type is needed (platform, function, extension)");
  return types;
}

Result<void> load_telemetry(const Environment& env, Config& config) {
  if (auto v = env("LAMBDA_RELAY_TELEMETRY_TYPES")) {
    auto types = parse_types("LAMBDA_RELAY_TELEMETRY_TYPES", *v);
    if (!types) return types.error();
    config.telemetry_types = std::move(types).value();
  }
  struct Bound {
    std::string_view variable;
    int& target;
    std::int64_t min;
    std::int64_t max;
  };
  // Lambda's limits for the Telemetry API buffering.
  for (const Bound& b : {Bound{"LAMBDA_RELAY_BUFFER_MAX_ITEMS", config.buffering.max_items, 1'000, 10'000},
                         Bound{"LAMBDA_RELAY_BUFFER_MAX_BYTES", config.buffering.max_bytes, 262'144, 1'048'576},
                         Bound{"LAMBDA_RELAY_BUFFER_TIMEOUT_MS", config.buffering.timeout_ms, 25, 30'000}}) {
    if (auto v = env(b.variable)) {
      auto n = parse_int(b.variable, *v, b.min, b.max);
      if (!n) return n.error();
      b.target = static_cast<int>(*n);
    }
  }
  if (auto v = env("LAMBDA_RELAY_TELEMETRY_PORT")) {
    auto port = parse_int("LAMBDA_RELAY_TELEMETRY_PORT", *v, 0, 65535);
    if (!port) return port.error();
    if (*port == 9001) return invalid("LAMBDA_RELAY_TELEMETRY_PORT", "9001 is reserved for the Lambda APIs");
    config.telemetry_port = static_cast<std::uint16_t>(*port);
  }
  return {};
}

Result<void> load_batch_dispatch(const Environment& env, Config& config) {
  std::string_view name;
  if (auto v = lookup(env, "LAMBDA_RELAY_BATCH_URL", "DISPATCH_POST_URI", name); v && !v->empty()) {
    auto url = net::parse_url(*v);
    if (!url) return invalid(name, url.error().message);
    config.batch_url = std::move(url).value();
  }
  if (auto v = lookup(env, "LAMBDA_RELAY_BATCH_MIN_ITEMS", "DISPATCH_MIN_BATCH_SIZE", name)) {
    auto n = parse_int(name, *v, 1, 100'000);
    if (!n) return n.error();
    config.batch_min_items = static_cast<std::size_t>(*n);
  }
  if (auto v = env("LAMBDA_RELAY_BATCH_COMPRESSION")) {
    if (*v != "gzip" && *v != "none") {
      return invalid("LAMBDA_RELAY_BATCH_COMPRESSION", fmt::format("\"{}\" is not a compression (gzip, none)", *v));
    }
    config.batch_gzip = *v == "gzip";
  }
  return {};
}

Result<void> load_delivery(const Environment& env, Config& config) {
  if (auto v = env("LAMBDA_RELAY_MAX_BUFFER_BYTES")) {
    auto n = parse_int("LAMBDA_RELAY_MAX_BUFFER_BYTES", *v, 64 * 1024, 1024LL * 1024 * 1024);
    if (!n) return n.error();
    config.max_buffer_bytes = static_cast<std::size_t>(*n);
  }
  if (auto v = env("LAMBDA_RELAY_FLUSH")) {
    auto setting = delivery::parse_flush_setting(*v);
    if (!setting) return invalid("LAMBDA_RELAY_FLUSH", setting.error().message);
    config.flush = *setting;
  }
  if (auto v = env("LAMBDA_RELAY_FLUSH_TIMEOUT_MS")) {
    auto ms = parse_int("LAMBDA_RELAY_FLUSH_TIMEOUT_MS", *v, 1, 60'000);
    if (!ms) return ms.error();
    config.flush_timeout = std::chrono::milliseconds(*ms);
  }
  return {};
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

  if (auto loaded = load_telemetry(env, config); !loaded) return loaded.error();
  if (auto loaded = load_batch_dispatch(env, config); !loaded) return loaded.error();
  if (auto loaded = load_delivery(env, config); !loaded) return loaded.error();
  auto otlp = load_otlp(env);
  if (!otlp) return otlp.error();
  config.otlp = std::move(otlp).value();
  config.function = read_function_environment(env);
  auto relay = load_relay_config(env, config.max_buffer_bytes, config.telemetry_port);
  if (!relay) return relay.error();
  config.relay = std::move(relay).value();
  if (const auto& pyroscope = config.relay.pyroscope) {
    // The Pyroscope extension's settings stand in where lambda-relay's own are not set (drop-in).
    if (pyroscope->log_level) config.log_level = *pyroscope->log_level;
    if (pyroscope->log_format) config.log_format = *pyroscope->log_format;
    if (pyroscope->flush_at_end) config.flush = delivery::FlushSetting{delivery::FlushMode::end, {}};
  }
  if (auto attached = attach_otlp(config.relay, config.otlp, env); !attached) return attached.error();
  auto insight = load_insight_config(env);
  if (!insight) return insight.error();
  config.insight = std::move(insight).value();

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
