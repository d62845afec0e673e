// OTLP/HTTP export configuration, from the OpenTelemetry exporter variables (the names users already
// set for their SDKs): OTEL_EXPORTER_OTLP_{,TRACES_,METRICS_,LOGS_}{ENDPOINT,HEADERS,PROTOCOL,
// COMPRESSION}, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES. Documented in docs/configuration.md.
#pragma once

#include "config/environment.hpp"
#include "net/url.hpp"

#include <lambda_relay/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_relay::config {

enum class OtlpProtocol { http_protobuf, http_json };
enum class OtlpCompression { none, gzip };
enum class OtlpSignal { traces, metrics, logs };

[[nodiscard]] std::string_view to_string(OtlpProtocol protocol) noexcept;  // "http/protobuf"
[[nodiscard]] std::string_view to_string(OtlpSignal signal) noexcept;      // "traces"

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct OtlpSignalConfig {
  net::Url url;  // where this signal's requests are POSTed
  OtlpProtocol protocol = OtlpProtocol::http_protobuf;
  OtlpCompression compression = OtlpCompression::none;
  HeaderList headers;  // OTEL_EXPORTER_OTLP_HEADERS merged with the signal's own (which win)
};

struct OtlpConfig {
  // A signal is exported when its own endpoint or the base endpoint is set.
  std::optional<OtlpSignalConfig> traces;
  std::optional<OtlpSignalConfig> metrics;
  std::optional<OtlpSignalConfig> logs;
  std::optional<std::string> service_name;  // OTEL_SERVICE_NAME
  HeaderList resource_attributes;           // OTEL_RESOURCE_ATTRIBUTES, in order, values decoded

  [[nodiscard]] bool enabled() const noexcept { return traces || metrics || logs; }
  [[nodiscard]] const std::optional<OtlpSignalConfig>& signal(OtlpSignal which) const noexcept;
};

// Builds and validates the OTLP configuration. Errors name the variable (the Error's code is its name).
[[nodiscard]] Result<OtlpConfig> load_otlp(const Environment& env);

// "k1=v1, k2=v2" as in OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES (W3C-baggage-like,
// values percent-decoded). The error message does not repeat values: headers may hold credentials.
[[nodiscard]] Result<HeaderList> parse_key_value_list(std::string_view variable, std::string_view text);

}  // namespace lambda_relay::config
