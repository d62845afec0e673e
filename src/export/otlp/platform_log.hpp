// The log line of a telemetry event: platform events as the CloudWatch-style text Lambda itself writes
// (START, END, REPORT, INIT_START, ...), function and extension records as they were logged, each with
// its severity (OpenTelemetry SeverityNumber).
#pragma once

#include <lambda_relay/telemetry.hpp>

#include <string>
#include <string_view>

namespace lambda_relay::otlp {

struct LogLine {
  std::string body;
  int severity = 0;
};

// `version` is the function version for lines that show one but whose record lacks it (END).
[[nodiscard]] LogLine describe(const telemetry::Event& event, std::string_view version);

}  // namespace lambda_relay::otlp
