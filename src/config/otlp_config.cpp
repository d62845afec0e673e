#include "config/otlp_config.hpp"

#include "config/parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lambda_relay::config {
namespace {

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// RFC 9110 token characters (header field names).
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

struct SignalNames {
  OtlpSignal signal;
  std::string_view path;         // "v1/traces"
  std::string_view endpoint;     // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  std::string_view headers;      // ..._HEADERS
  std::string_view protocol;     // ..._PROTOCOL
  std::string_view compression;  // ..._COMPRESSION
};

constexpr SignalNames kTraces{OtlpSignal::traces, "v1/traces", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                              "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                              "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"};
constexpr SignalNames kMetrics{OtlpSignal::metrics, "v1/metrics", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                               "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                               "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION"};
constexpr SignalNames kLogs{OtlpSignal::logs, "v1/logs", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
                            "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
                            "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"};

constexpr std::string_view kEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
constexpr std::string_view kHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
constexpr std::string_view kProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
constexpr std::string_view kCompression = "OTEL_EXPORTER_OTLP_COMPRESSION";

// A set, non-blank value.
std::optional<std::string> value_of(const Environment& env, std::string_view name) {
  auto v = env(name);
  if (!v || trim(*v).empty()) return std::nullopt;
  return std::string(trim(*v));
}

Result<OtlpProtocol> parse_protocol(std::string_view variable, std::string_view text) {
  const auto v = lower(text);
  if (v == "http/protobuf") return OtlpProtocol::http_protobuf;
  if (v == "http/json") return OtlpProtocol::http_json;
  if (v == "grpc") {
    return invalid(variable, "\"grpc\" is not supported: lambda-relay exports OTLP over HTTP; use http/protobuf "
                             "(the default) or http/json, and the collector's HTTP port (4318)");
  }
  return invalid(variable, fmt::format("\"{}\" is not an OTLP protocol (http/protobuf, http/json)", text));
}

Result<OtlpCompression> parse_compression(std::string_view variable, std::string_view text) {
  const auto v = lower(text);
  if (v == "gzip") return OtlpCompression::gzip;
  if (v == "none") return OtlpCompression::none;
  return invalid(variable, fmt::format("\"{}\" is not a compression (gzip, none)", text));
}

Result<net::Url> parse_endpoint(std::string_view variable, std::string_view text) {
  auto url = net::parse_url(text);
  if (!url) return invalid(variable, url.error().message);
  return url;
}

// base + "v1/<signal>" with exactly one '/' between them; a query string stays at the end.
net::Url signal_url(net::Url base, std::string_view path) {
  const auto query_start = base.target.find('?');
  std::string query = query_start == std::string::npos ? std::string() : base.target.substr(query_start);
  std::string target = base.target.substr(0, query_start);
  if (target.empty() || target.back() != '/') target += '/';
  target += path;
  base.target = target + query;
  return base;
}

// `extra` replaces entries of `headers` with the same name (compared case-insensitively).
void merge_headers(HeaderList& headers, const HeaderList& extra) {
  for (const auto& [name, value] : extra) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
    headers.emplace_back(name, value);
  }
}

Result<HeaderList> parse_headers(std::string_view variable, std::string_view text) {
  auto list = parse_key_value_list(variable, text);
  if (!list) return list.error();
  // Messages name entries by position only: a mistyped entry may hold a credential.
  std::size_t position = 0;
  for (const auto& [name, value] : *list) {
    ++position;
    if (!is_token(name)) return invalid(variable, fmt::format("entry {} has no valid HTTP header name", position));
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return invalid(variable, fmt::format("the value of entry {} contains a line break or NUL", position));
    }
  }
  return list;
}

Result<std::optional<OtlpSignalConfig>> load_signal(const Environment& env, const SignalNames& names,
                                                    const std::optional<net::Url>& base,
                                                    const HeaderList& base_headers, OtlpProtocol base_protocol,
                                                    OtlpCompression base_compression) {
  OtlpSignalConfig signal;
  if (auto v = value_of(env, names.endpoint)) {
    auto url = parse_endpoint(names.endpoint, *v);
    if (!url) return url.error();
    signal.url = std::move(url).value();
  } else if (base) {
    signal.url = signal_url(*base, names.path);
  } else {
    return std::optional<OtlpSignalConfig>{};
  }
  signal.protocol = base_protocol;
  if (auto v = value_of(env, names.protocol)) {
    auto protocol = parse_protocol(names.protocol, *v);
    if (!protocol) return protocol.error();
    signal.protocol = *protocol;
  }
  signal.compression = base_compression;
  if (auto v = value_of(env, names.compression)) {
    auto compression = parse_compression(names.compression, *v);
    if (!compression) return compression.error();
    signal.compression = *compression;
  }
  signal.headers = base_headers;
  if (auto v = value_of(env, names.headers)) {
    auto headers = parse_headers(names.headers, *v);
    if (!headers) return headers.error();
    merge_headers(signal.headers, *headers);
  }
  return std::optional<OtlpSignalConfig>(std::move(signal));
}

}  // namespace

std::string_view to_string(OtlpProtocol protocol) noexcept {
  return protocol == OtlpProtocol::http_json ? "http/json" : "http/protobuf";
}

std::string_view to_string(OtlpSignal signal) noexcept {
  switch (signal) {
    case OtlpSignal::traces: return "traces";
    case OtlpSignal::metrics: return "metrics";
    case OtlpSignal::logs: return "logs";
  }
  return "traces";
}

const std::optional<OtlpSignalConfig>& OtlpConfig::signal(OtlpSignal which) const noexcept {
  switch (which) {
    case OtlpSignal::traces: return traces;
    case OtlpSignal::metrics: return metrics;
    case OtlpSignal::logs: return logs;
  }
  return traces;
}

Result<HeaderList> parse_key_value_list(std::string_view variable, std::string_view text) {
  HeaderList list;
  std::size_t position = 0;
  while (!text.empty()) {
    ++position;
    const auto comma = text.find(',');
    const auto entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) continue;
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      return invalid(variable, fmt::format("entry {} has no \"=\" (expected key=value,key2=value2)", position));
    }
    const auto name = trim(entry.substr(0, equals));
    if (name.empty()) return invalid(variable, fmt::format("entry {} has an empty key", position));
    auto value = percent_decode(trim(entry.substr(equals + 1)));
    if (!value) {
      return invalid(variable, fmt::format("entry {} has a malformed percent-encoding (%XX expected)", position));
    }
    list.emplace_back(std::string(name), std::move(*value));
  }
  return list;
}

Result<OtlpConfig> load_otlp(const Environment& env) {
  OtlpConfig config;

  std::optional<net::Url> base;
  if (auto v = value_of(env, kEndpoint)) {
    auto url = parse_endpoint(kEndpoint, *v);
    if (!url) return url.error();
    base = std::move(url).value();
  }
  HeaderList base_headers;
  if (auto v = value_of(env, kHeaders)) {
    auto headers = parse_headers(kHeaders, *v);
    if (!headers) return headers.error();
    base_headers = std::move(headers).value();
  }
  auto protocol = OtlpProtocol::http_protobuf;
  if (auto v = value_of(env, kProtocol)) {
    auto parsed = parse_protocol(kProtocol, *v);
    if (!parsed) return parsed.error();
    protocol = *parsed;
  }
  auto compression = OtlpCompression::none;
  if (auto v = value_of(env, kCompression)) {
    auto parsed = parse_compression(kCompression, *v);
    if (!parsed) return parsed.error();
    compression = *parsed;
  }

  for (const SignalNames* names : {&kTraces, &kMetrics, &kLogs}) {
    auto signal = load_signal(env, *names, base, base_headers, protocol, compression);
    if (!signal) return signal.error();
    auto& target = names->signal == OtlpSignal::traces    ? config.traces
                   : names->signal == OtlpSignal::metrics ? config.metrics
                                                          : config.logs;
    target = std::move(signal).value();
  }

  if (auto v = value_of(env, "OTEL_SERVICE_NAME")) config.service_name = *v;
  if (auto v = value_of(env, "OTEL_RESOURCE_ATTRIBUTES")) {
    auto attributes = parse_key_value_list("OTEL_RESOURCE_ATTRIBUTES", *v);
    if (!attributes) return attributes.error();
    config.resource_attributes = std::move(attributes).value();
  }
  return config;
}

}  // namespace lambda_relay::config
