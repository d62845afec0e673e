// OTLP/HTTP export of Lambda telemetry: the TelemetryMapper's requests encoded as each signal is
// configured (http/protobuf or http/json, gzip or not, the user's headers) and handed over as
// delivery::Payload, ready for the delivery engine's upstream of that signal (config.<signal>->url).
//
//   OtlpExporter otlp(*otlp_config, options);
//   otlp.add(event);                       // every decoded event
//   otlp.on_invoke(invoke);                // every INVOKE
//   if (auto p = otlp.take(OtlpSignal::logs)) engine.submit(logs_upstream, std::move(*p));
//   ...; at SHUTDOWN: otlp.finish(), then take every signal once more.
#pragma once

#include "config/otlp_config.hpp"
#include "delivery/payload.hpp"
#include "export/otlp/telemetry_mapper.hpp"

#include <lambda_relay/extensions_api.hpp>
#include <lambda_relay/telemetry.hpp>

#include <optional>
#include <string>

namespace lambda_relay::exporters {

class OtlpExporter {
 public:
  OtlpExporter(config::OtlpConfig config, otlp::MapperOptions options);

  void add(const telemetry::Event& event) { mapper_.add(event); }
  void on_invoke(const InvokeEvent& invoke) { mapper_.on_invoke(invoke); }
  void set_account_id(std::string account_id) { mapper_.set_account_id(std::move(account_id)); }
  void finish() { mapper_.finish(); }

  // Enough is pending that it should be taken now rather than at the next INVOKE (a busy invocation
  // logging a lot): bounds memory, which counts against the function.
  [[nodiscard]] bool due() const noexcept {
    return mapper_.pending_log_bytes() >= kDueLogBytes || mapper_.pending_spans() >= kDueSpans;
  }
  static constexpr std::size_t kDueLogBytes = 512 * 1024;
  static constexpr std::size_t kDueSpans = 1'000;

  // The pending data of `signal` as one request body; nothing when the signal is not configured or
  // has nothing new. Data of signals that are not configured is not kept.
  [[nodiscard]] std::optional<delivery::Payload> take(config::OtlpSignal signal);

  [[nodiscard]] const config::OtlpConfig& config() const noexcept { return config_; }
  [[nodiscard]] const otlp::TelemetryMapper& mapper() const noexcept { return mapper_; }

 private:
  config::OtlpConfig config_;
  otlp::TelemetryMapper mapper_;
};

// The body and headers of one request, encoded and compressed as `signal` says.
template <typename Request>
[[nodiscard]] delivery::Payload otlp_payload(const config::OtlpSignalConfig& signal, const Request& request);

}  // namespace lambda_relay::exporters
