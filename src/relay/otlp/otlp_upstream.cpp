#include "relay/otlp/otlp_upstream.hpp"

#include <string>

namespace lambda_relay::relay::otlp {

OtlpUpstreams add_otlp_upstreams(delivery::DeliveryEngine& engine, const config::OtlpConfig& config) {
  OtlpUpstreams upstreams;
  for (const auto signal : {config::OtlpSignal::traces, config::OtlpSignal::metrics, config::OtlpSignal::logs}) {
    if (const auto& s = config.signal(signal)) {
      const auto id = engine.add_upstream("otlp-" + std::string(config::to_string(signal)), s->url);
      upstreams[static_cast<std::size_t>(signal)] = OtlpUpstream{id, s->headers};
    }
  }
  return upstreams;
}

}  // namespace lambda_relay::relay::otlp
