// OTLP/HTTP on the relay (../shared/spec/upstream-protocols.md §3): POST /v1/traces, /v1/metrics and
// /v1/logs, protobuf or JSON, plain or gzip, as the OpenTelemetry SDKs' HTTP exporters send them
// (their default endpoint is http://localhost:4318). Each request goes to its signal's OTLP upstream
// (OTEL_EXPORTER_OTLP_ENDPOINT + /v1/<signal>, or the signal's own endpoint) with the configured
// headers, its body and Content-Encoding as the SDK sent them. The SDK gets what a collector answers:
// 200 with an empty Export<Signal>ServiceResponse in its request's encoding.
#pragma once

#include "config/otlp_config.hpp"
#include "delivery/delivery_engine.hpp"
#include "log/logger.hpp"
#include "relay/otlp/otlp_upstream.hpp"
#include "relay/route_table.hpp"

#include <cstddef>
#include <string>

namespace lambda_relay::relay::otlp {

class OtlpRoutes {
 public:
  // A signal without an upstream answers 404 naming the variables to set (not retryable: an
  // exporter must not hold up the function retrying what will never be accepted).
  OtlpRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger, OtlpUpstreams upstreams,
             std::size_t max_decoded_bytes);

  void add_to(RouteTable& routes);
  // "traces, metrics, logs": the signals that have an upstream ("" for none).
  [[nodiscard]] std::string describe() const;

 private:
  net::Response receive(config::OtlpSignal signal, net::Request& request);
  net::Response not_configured(config::OtlpSignal signal, const net::Request& request);

  delivery::DeliveryEngine& engine_;
  const log::Logger& logger_;
  OtlpUpstreams upstreams_;
  std::size_t max_decoded_bytes_;
  bool warned_ = false;
};

}  // namespace lambda_relay::relay::otlp
