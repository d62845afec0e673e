#include "config/pyroscope_config.hpp"

#include "config/parse.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace lambda_relay::config {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kRemoteAddress = "PYROSCOPE_REMOTE_ADDRESS";
constexpr std::string_view kAuthToken = "PYROSCOPE_AUTH_TOKEN";
constexpr std::string_view kBasicUser = "PYROSCOPE_BASIC_AUTH_USER";
constexpr std::string_view kBasicPassword = "PYROSCOPE_BASIC_AUTH_PASSWORD";
constexpr std::string_view kTenantId = "PYROSCOPE_TENANT_ID";
constexpr std::string_view kHttpHeaders = "PYROSCOPE_HTTP_HEADERS";
constexpr std::string_view kTimeout = "PYROSCOPE_TIMEOUT";
constexpr std::string_view kNumWorkers = "PYROSCOPE_NUM_WORKERS";
constexpr std::string_view kFlushOnInvoke = "PYROSCOPE_FLUSH_ON_INVOKE";
constexpr std::string_view kSelfProfiling = "PYROSCOPE_SELF_PROFILING";
constexpr std::string_view kLogLevel = "PYROSCOPE_LOG_LEVEL";
constexpr std::string_view kLogFormat = "PYROSCOPE_LOG_FORMAT";
constexpr std::string_view kLogTimestampDisable = "PYROSCOPE_LOG_TIMESTAMP_DISABLE";

// logrus's field names and timestamp layout: lambda-relay's log records have a fixed shape.
constexpr std::array kLogShapeVariables{"PYROSCOPE_LOG_TIMESTAMP_FORMAT",     "PYROSCOPE_LOG_TIMESTAMP_DISABLE",
                                        "PYROSCOPE_LOG_TIMESTAMP_FIELD_NAME", "PYROSCOPE_LOG_LEVEL_FIELD_NAME",
                                        "PYROSCOPE_LOG_MSG_FIELD_NAME",       "PYROSCOPE_LOG_LOGRUS_ERROR_FIELD_NAME",
                                        "PYROSCOPE_LOG_FUNC_FIELD_NAME",      "PYROSCOPE_LOG_FILE_FIELD_NAME"};

// The upper bound of PYROSCOPE_TIMEOUT: Lambda's longest invocation.
constexpr std::chrono::minutes kMaxTimeout{15};

// Headers lambda-relay sets itself (framing, the body's type) or that would redirect the request.
constexpr std::array kReservedHeaders{"host",    "content-length", "transfer-encoding", "connection",
                                      "upgrade", "te",             "trailer",           "keep-alive",
                                      "expect",  "content-type",   "content-encoding"};

// A set, non-blank value.
std::optional<std::string> value_of(const Environment& env, std::string_view name) {
  auto v = env(name);
  if (!v || trim(*v).empty()) return std::nullopt;
  return std::string(trim(*v));
}

bool is_token(std::string_view text) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](unsigned char c) {
    return std::isalnum(c) != 0 || kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool has_line_break(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Messages name headers (names are not secret) but never quote a value.
Result<void> check_header(std::string_view name, std::string_view value) {
  if (!is_token(name)) return invalid(kHttpHeaders, fmt::format("\"{}\" is not an HTTP header name", name.substr(0, 40)));
  const auto lowered = lower(name);
  if (std::find(kReservedHeaders.begin(), kReservedHeaders.end(), lowered) != kReservedHeaders.end()) {
    return invalid(kHttpHeaders, fmt::format("{} cannot be set: lambda-relay sends the SDK's", name));
  }
  if (has_line_break(value)) return invalid(kHttpHeaders, fmt::format("the value of {} contains a line break", name));
  return {};
}

// A JSON object of strings, as the extension reads it: {"X-Header": "value"}.
Result<std::vector<std::pair<std::string, std::string>>> parse_http_headers(std::string_view text) {
  const simdjson::padded_string padded(text);
  od::parser parser;
  od::document document;
  od::object object;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS || document.get_object().get(object) != simdjson::SUCCESS) {
    return invalid(kHttpHeaders, "not a JSON object of header names to values, e.g. {\"X-Header\": \"value\"}");
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (auto field : object) {
    std::string_view name;
    std::string_view value;
    if (field.unescaped_key().get(name) != simdjson::SUCCESS) return invalid(kHttpHeaders, "not valid JSON");
    std::string key(name);
    if (field.value().get_string().get(value) != simdjson::SUCCESS) {
      return invalid(kHttpHeaders, fmt::format("the value of {} is not a JSON string", key.substr(0, 40)));
    }
    if (auto checked = check_header(key, value); !checked) return checked.error();
    std::erase_if(headers, [&](const auto& h) { return lower(h.first) == lower(key); });  // the last one wins
    headers.emplace_back(std::move(key), std::string(value));
  }
  return headers;
}

// logrus's levels; panic and fatal are errors to lambda-relay.
Result<log::Level> parse_logrus_level(std::string_view text) {
  const auto v = lower(text);
  if (v == "panic" || v == "fatal") return log::Level::error;
  auto level = log::parse_level(v);
  if (!level || *level == log::Level::off) {
    return invalid(kLogLevel, fmt::format("\"{}\" is not a log level (error, warn, info, debug, trace)", text));
  }
  return *level;
}

Result<net::Url> parse_remote(std::string_view text) {
  auto url = net::parse_url(text);
  if (!url) return invalid(kRemoteAddress, url.error().message);
  if (url->target.find('?') != std::string::npos) {
    return invalid(kRemoteAddress, "a query string is not supported (the SDK's query is sent)");
  }
  return url;
}

Result<void> load_credentials(const Environment& env, PyroscopeConfig& config) {
  if (auto v = value_of(env, kAuthToken)) config.auth_token = std::move(*v);
  if (auto v = value_of(env, kBasicUser)) config.basic_auth_user = std::move(*v);
  if (auto v = value_of(env, kBasicPassword)) config.basic_auth_password = std::move(*v);
  // The extension ignores one half of basic auth without the other; here it is a mistake to report.
  if (!config.basic_auth_user.empty() && config.basic_auth_password.empty()) {
    return invalid(kBasicPassword, fmt::format("not set, but {} is: basic auth needs both", kBasicUser));
  }
  if (config.basic_auth_user.empty() && !config.basic_auth_password.empty()) {
    return invalid(kBasicUser, fmt::format("not set, but {} is: basic auth needs both", kBasicPassword));
  }
  for (const auto& [name, value] : {std::pair{kAuthToken, &config.auth_token},
                                    std::pair{kBasicUser, &config.basic_auth_user},
                                    std::pair{kBasicPassword, &config.basic_auth_password}}) {
    if (has_line_break(*value)) return invalid(name, "contains a line break");
  }
  if (config.basic_auth_user.find(':') != std::string::npos) {
    return invalid(kBasicUser, "contains ':', which basic auth cannot carry in a user name");
  }
  if (!config.auth_token.empty() && !config.basic_auth_user.empty()) {
    config.notes.push_back(fmt::format("{} and {}/_PASSWORD are both set: the token is sent (as the Pyroscope "
                                       "extension does)",
                                       kAuthToken, kBasicUser));
  }
  if (auto v = value_of(env, kTenantId)) {
    if (has_line_break(*v)) return invalid(kTenantId, "contains a line break");
    config.tenant_id = std::move(*v);
  }
  return {};
}

Result<void> load_headers_and_timeout(const Environment& env, PyroscopeConfig& config) {
  if (auto v = value_of(env, kHttpHeaders)) {
    auto headers = parse_http_headers(*v);
    if (!headers) return headers.error();
    config.http_headers = std::move(headers).value();
  }
  if (auto v = value_of(env, kTimeout)) {
    auto timeout = parse_go_duration(kTimeout, *v);
    if (!timeout) return timeout.error();
    config.timeout = *timeout;
  }
  return {};
}

// The extension's own logging, flushing and process settings: adopted where lambda-relay has a
// counterpart that is not set, otherwise noted.
Result<void> load_behaviour(const Environment& env, PyroscopeConfig& config) {
  if (auto v = value_of(env, kLogLevel)) {
    auto level = parse_logrus_level(*v);
    if (!level) return level.error();
    if (env("LAMBDA_RELAY_LOG_LEVEL")) {
      config.notes.push_back(fmt::format("{} is overridden by LAMBDA_RELAY_LOG_LEVEL", kLogLevel));
    } else {
      config.log_level = *level;
    }
  }
  if (auto v = value_of(env, kLogFormat)) {
    auto format = log::parse_format(*v);
    if (!format) return invalid(kLogFormat, format.error().message);
    if (env("LAMBDA_RELAY_LOG_FORMAT")) {
      config.notes.push_back(fmt::format("{} is overridden by LAMBDA_RELAY_LOG_FORMAT", kLogFormat));
    } else {
      config.log_format = *format;
    }
  }
  if (auto v = value_of(env, kLogTimestampDisable)) {
    if (auto checked = parse_bool(kLogTimestampDisable, *v); !checked) return checked.error();
  }
  std::string shape;
  for (const auto* name : kLogShapeVariables) {
    if (!value_of(env, name)) continue;
    if (!shape.empty()) shape += ", ";
    shape += name;
  }
  if (!shape.empty()) {
    config.notes.push_back(fmt::format("{}: no effect, lambda-relay's log records have a fixed shape "
                                       "(LAMBDA_RELAY_LOG_FORMAT)",
                                       shape));
  }

  if (auto v = value_of(env, kFlushOnInvoke)) {
    auto flush = parse_bool(kFlushOnInvoke, *v);
    if (!flush) return flush.error();
    if (*flush && env("LAMBDA_RELAY_FLUSH")) {
      config.notes.push_back(fmt::format("{}=true is overridden by LAMBDA_RELAY_FLUSH", kFlushOnInvoke));
    } else if (*flush) {
      config.flush_at_end = true;
      config.notes.push_back(fmt::format("{}=true: everything is sent at the end of every invocation, before "
                                         "the next event (LAMBDA_RELAY_FLUSH=end)",
                                         kFlushOnInvoke));
    }
  }
  if (auto v = value_of(env, kNumWorkers)) {
    auto workers = parse_int(kNumWorkers, *v, 1, 1024);
    if (!workers) return workers.error();
    config.notes.push_back(fmt::format("{}: no effect, lambda-relay sends to each upstream over 2 keep-alive "
                                       "connections and queues the rest in its outbox",
                                       kNumWorkers));
  }
  if (auto v = value_of(env, kSelfProfiling)) {
    auto self = parse_bool(kSelfProfiling, *v);
    if (!self) return self.error();
    if (*self) config.notes.push_back(fmt::format("{}: no effect, lambda-relay does not profile itself", kSelfProfiling));
  }
  return {};
}

}  // namespace

Result<std::chrono::milliseconds> parse_go_duration(std::string_view variable, std::string_view text) {
  struct Unit {
    std::string_view name;
    double nanoseconds;
  };
  // "ms" before "m": the first unit the text starts with is taken. µ as the micro sign or Greek mu.
  constexpr std::array<Unit, 8> kUnits{{{"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
                                        {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}}};
  const auto bad = [&] {
    return invalid(variable, fmt::format("\"{}\" is not a duration (e.g. 10s, 1m30s, 500ms)", text.substr(0, 40)));
  };
  std::string_view rest = text;
  if (rest == "0") return invalid(variable, "must be more than 0");
  if (rest.empty()) return bad();
  double total = 0;
  while (!rest.empty()) {
    std::size_t digits = 0;
    while (digits < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[digits])) != 0 || rest[digits] == '.')) {
      ++digits;
    }
    const auto number = rest.substr(0, digits);
    if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) return bad();
    rest.remove_prefix(digits);
    const auto unit =
        std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit& u) { return rest.starts_with(u.name); });
    if (unit == kUnits.end()) return bad();
    rest.remove_prefix(unit->name.size());
    total += std::strtod(std::string(number).c_str(), nullptr) * unit->nanoseconds;
  }
  const double milliseconds = std::round(total / 1e6);
  if (milliseconds < 1) return invalid(variable, fmt::format("\"{}\" is less than 1 ms", text.substr(0, 40)));
  if (milliseconds > std::chrono::duration<double, std::milli>(kMaxTimeout).count()) {
    return invalid(variable, fmt::format("\"{}\" is more than 15m, the longest a Lambda invocation runs", text.substr(0, 40)));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(milliseconds));
}

Result<std::optional<PyroscopeConfig>> load_pyroscope_config(const Environment& env) {
  const auto address = value_of(env, kRemoteAddress);
  if (!address) {
    // The extension would send to its built-in default (one Grafana Cloud region); lambda-relay
    // sends nowhere it was not told to.
    for (const auto name : {kAuthToken, kBasicUser, kBasicPassword, kTenantId}) {
      if (value_of(env, name)) {
        return invalid(kRemoteAddress, fmt::format("not set, but {} is: lambda-relay has no default Pyroscope server; "
                                                   "set the server's URL",
                                                   name));
      }
    }
    return std::optional<PyroscopeConfig>{};
  }
  PyroscopeConfig config;
  auto remote = parse_remote(*address);
  if (!remote) return remote.error();
  config.remote = std::move(remote).value();
  if (auto loaded = load_credentials(env, config); !loaded) return loaded.error();
  if (auto loaded = load_headers_and_timeout(env, config); !loaded) return loaded.error();
  if (auto loaded = load_behaviour(env, config); !loaded) return loaded.error();
  return std::optional<PyroscopeConfig>(std::move(config));
}

}  // namespace lambda_relay::config
