#include "config/relay_config.hpp"

#include "config/parse.hpp"

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lambda_relay::config {
namespace {

// Calls `each(item, position)` for every non-empty item of a comma list; stops at the first error.
template <typename Each>
Result<void> for_each_item(std::string_view text, Each each) {
  std::size_t position = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = trim(text.substr(0, comma));
    if (!item.empty()) {
      if (auto done = each(item, ++position); !done) return done.error();
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return {};
}

Result<std::vector<std::uint16_t>> parse_ports(std::string_view variable, std::string_view text,
                                               std::uint16_t telemetry_port) {
  std::vector<std::uint16_t> ports;
  auto parsed = for_each_item(text, [&](std::string_view item, std::size_t) -> Result<void> {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (ec != std::errc{} || end != item.data() + item.size() || port == 0 || port > 65535) {
      return invalid(variable, fmt::format("\"{}\" is not a port (1-65535)", item.substr(0, 20)));
    }
    if (port == 9001) return invalid(variable, "9001 is reserved for the Lambda APIs");
    if (port == telemetry_port) {
      return invalid(variable, fmt::format("{} is LAMBDA_RELAY_TELEMETRY_PORT, the Telemetry API listener's", port));
    }
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(static_cast<std::uint16_t>(port));
    return {};
  });
  if (!parsed) return parsed.error();
  return ports;
}

// Entries are named by position, never by their text: a URL may carry a credential.
Result<std::vector<relay::ForwardRule>> parse_forward(std::string_view variable, std::string_view text) {
  std::vector<relay::ForwardRule> rules;
  auto parsed = for_each_item(text, [&](std::string_view item, std::size_t position) -> Result<void> {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      return invalid(variable, fmt::format("entry {} is not <path-prefix>=<url>", position));
    }
    std::string prefix(trim(item.substr(0, eq)));
    if (!prefix.starts_with('/') || prefix.find_first_of("?#*{} ") != std::string::npos) {
      return invalid(variable, fmt::format("entry {}: the path prefix must start with '/' (and hold no ?#*{{}})", position));
    }
    while (prefix.size() > 1 && prefix.ends_with('/')) prefix.pop_back();
    auto url = net::parse_url(trim(item.substr(eq + 1)));
    if (!url) return invalid(variable, fmt::format("entry {} ({}): {}", position, prefix, url.error().message));
    if (!url->userinfo.empty()) {
      return invalid(variable, fmt::format("entry {} ({}): credentials in the URL are not supported", position, prefix));
    }
    if (std::any_of(rules.begin(), rules.end(), [&](const auto& r) { return r.prefix == prefix; })) {
      return invalid(variable, fmt::format("entry {}: the prefix {} appears twice", position, prefix));
    }
    rules.push_back(relay::ForwardRule{std::move(prefix), std::move(url).value()});
    return {};
  });
  if (!parsed) return parsed.error();
  return rules;
}

// Reaches a socket listening on loopback: a loopback name or address, or the unspecified address.
bool is_local_host(std::string_view host) {
  if (lower(host) == "localhost" || lower(host).ends_with(".localhost")) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && (address.is_loopback() || address.is_unspecified());
}

// The variable a signal's endpoint came from (its own wins over the base).
std::string endpoint_variable(const Environment& env, OtlpSignal signal) {
  std::string own = "OTEL_EXPORTER_OTLP_";
  for (const char c : to_string(signal)) own += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  own += "_ENDPOINT";
  if (auto v = env(own); v && !trim(*v).empty()) return own;
  return "OTEL_EXPORTER_OTLP_ENDPOINT";
}

}  // namespace

Result<void> attach_otlp(RelayConfig& relay, const OtlpConfig& otlp, const Environment& env) {
  for (const auto signal : {OtlpSignal::traces, OtlpSignal::metrics, OtlpSignal::logs}) {
    const auto& s = otlp.signal(signal);
    if (!s) continue;
    relay.otlp = true;
    const auto& ports = relay.ingest_ports;
    if (is_local_host(s->url.host) && std::find(ports.begin(), ports.end(), s->url.port) != ports.end()) {
      return invalid(endpoint_variable(env, signal),
                     fmt::format("{} is lambda-relay's own relay (port {} of LAMBDA_RELAY_INGEST_PORTS): {} sent "
                                 "there would come back to lambda-relay forever. Point it at the collector, or "
                                 "take {} out of LAMBDA_RELAY_INGEST_PORTS",
                                 s->url.redacted(), s->url.port, to_string(signal), s->url.port));
    }
  }
  return {};
}

Result<RelayConfig> load_relay_config(const Environment& env, std::size_t max_buffer_bytes,
                                      std::uint16_t telemetry_port) {
  RelayConfig config;
  if (auto v = env("LAMBDA_RELAY_INGEST_PORTS")) {
    auto ports = parse_ports("LAMBDA_RELAY_INGEST_PORTS", *v, telemetry_port);
    if (!ports) return ports.error();
    config.ingest_ports = std::move(ports).value();
  } else if (std::find(config.ingest_ports.begin(), config.ingest_ports.end(), telemetry_port) !=
             config.ingest_ports.end()) {
    return invalid("LAMBDA_RELAY_TELEMETRY_PORT",
                   fmt::format("{} is one of the relay's ports (LAMBDA_RELAY_INGEST_PORTS)", telemetry_port));
  }

  config.max_request_bytes = std::min(config.max_request_bytes, max_buffer_bytes);
  if (auto v = env("LAMBDA_RELAY_MAX_REQUEST_BYTES")) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < 1024) {
      return invalid("LAMBDA_RELAY_MAX_REQUEST_BYTES", fmt::format("\"{}\" is not a byte count of at least 1024", *v));
    }
    if (n > max_buffer_bytes) {
      return invalid("LAMBDA_RELAY_MAX_REQUEST_BYTES",
                     fmt::format("{} is more than the outbox holds (LAMBDA_RELAY_MAX_BUFFER_BYTES, {}): such a "
                                 "request could never be accepted",
                                 n, max_buffer_bytes));
    }
    config.max_request_bytes = static_cast<std::size_t>(n);
  }

  // The DSN is a credential: errors say what is wrong with it, never what it is.
  if (auto v = env("SENTRY_DSN"); v && !trim(*v).empty()) {
    auto dsn = relay::sentry::parse_dsn(trim(*v));
    if (!dsn) return invalid("SENTRY_DSN", dsn.error().message);
    config.sentry_dsn = std::move(dsn).value();
  }

  if (auto v = env("LAMBDA_RELAY_FORWARD")) {
    auto rules = parse_forward("LAMBDA_RELAY_FORWARD", *v);
    if (!rules) return rules.error();
    config.forward = std::move(rules).value();
  }

  auto pyroscope = load_pyroscope_config(env);
  if (!pyroscope) return pyroscope.error();
  config.pyroscope = std::move(pyroscope).value();
  return config;
}

}  // namespace lambda_relay::config
