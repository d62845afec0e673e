// The OTLP endpoints (OTEL_EXPORTER_OTLP_*) as upstreams of the delivery engine, one per signal,
// shared by everything that sends OTLP: lambda-relay's own export (platform telemetry) and the
// relay's /v1/<signal> routes (what the function's SDK sends). One upstream per signal, so the
// collector's rate limits and the backoff apply to both.
#pragma once

#include "config/otlp_config.hpp"
#include "delivery/delivery_engine.hpp"

#include <array>
#include <optional>

namespace lambda_relay::relay::otlp {

struct OtlpUpstream {
  delivery::DeliveryEngine::UpstreamId id;
  config::HeaderList headers;  // OTEL_EXPORTER_OTLP_HEADERS with the signal's own
};

// By config::OtlpSignal (traces, metrics, logs); empty for a signal without an endpoint.
using OtlpUpstreams = std::array<std::optional<OtlpUpstream>, 3>;

[[nodiscard]] inline const std::optional<OtlpUpstream>& upstream_for(const OtlpUpstreams& upstreams,
                                                                     config::OtlpSignal signal) {
  return upstreams[static_cast<std::size_t>(signal)];
}

// Adds "otlp-traces", "otlp-metrics", "otlp-logs" for the signals that have an endpoint.
[[nodiscard]] OtlpUpstreams add_otlp_upstreams(delivery::DeliveryEngine& engine, const config::OtlpConfig& config);

}  // namespace lambda_relay::relay::otlp
