// Redaction of the telemetry lambda-relay exports: a function or extension log line is masked before
// any exporter (JSON batch, OTLP logs, the log tail of failure events) sees it.
#pragma once

#include "insight/redact.hpp"

#include <lambda_relay/telemetry.hpp>

#include <optional>
#include <string>

namespace lambda_relay::insight {

// A copy of `event` with its log record masked (text and, for JSON-format records, the whole object);
// nothing when there is nothing to mask, which is the usual case and costs no copy of the event.
// `scratch` is reused between calls.
[[nodiscard]] std::optional<telemetry::Event> redacted_log_event(const telemetry::Event& event,
                                                                 const Redactor& redactor, std::string& scratch);

}  // namespace lambda_relay::insight
