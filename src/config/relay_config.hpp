// Configuration of the local relay (the ingest server SDKs send to): its ports, its body bound, and
// where each protocol goes. Documented in docs/configuration.md ("Relay").
#pragma once

#include "config/environment.hpp"
#include "config/pyroscope_config.hpp"
#include "config/otlp_config.hpp"
#include "relay/forward_routes.hpp"
#include "relay/sentry/dsn.hpp"

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace lambda_relay::config {

struct RelayConfig {
  std::vector<std::uint16_t> ingest_ports{9000, 4040, 4318};  // LAMBDA_RELAY_INGEST_PORTS ("" for none)
  std::size_t max_request_bytes = 4 * 1024 * 1024;            // LAMBDA_RELAY_MAX_REQUEST_BYTES
  std::optional<relay::sentry::Dsn> sentry_dsn;               // SENTRY_DSN
  std::vector<relay::ForwardRule> forward;                    // LAMBDA_RELAY_FORWARD
  std::optional<PyroscopeConfig> pyroscope;                   // PYROSCOPE_REMOTE_ADDRESS, PYROSCOPE_*
  bool otlp = false;  // an OTLP signal has an endpoint (OTEL_EXPORTER_OTLP_*; set by attach_otlp)

  // Compressed bodies may decode to this much (a bound against decompression bombs).
  [[nodiscard]] std::size_t max_decoded_bytes() const noexcept { return 4 * max_request_bytes; }
  // The ingest server runs when it has ports and something to relay to.
  [[nodiscard]] bool enabled() const noexcept {
    return !ingest_ports.empty() && (sentry_dsn || pyroscope || otlp || !forward.empty());
  }
};

// Reads the relay's variables. `max_buffer_bytes` (the outbox) bounds the request size: a larger
// request could never be accepted. `telemetry_port` must not be an ingest port.
[[nodiscard]] Result<RelayConfig> load_relay_config(const Environment& env, std::size_t max_buffer_bytes,
                                                    std::uint16_t telemetry_port);

// The relay's OTLP routes forward to the OTLP export's endpoints. Fails (naming the variable) when
// one of them is the relay itself (loopback, an ingest port): what it forwards would come back to it
// forever. A function's SDK pointed at the relay through OTEL_EXPORTER_OTLP_ENDPOINT does that, as
// the SDK and lambda-relay read the same variables.
[[nodiscard]] Result<void> attach_otlp(RelayConfig& relay, const OtlpConfig& otlp, const Environment& env);

}  // namespace lambda_relay::config
