// The severity of a function or extension log line, on OpenTelemetry's SeverityNumber scale
// (1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL; 0 unknown). Lambda's JSON
// log format names the level; text lines carry it in the runtimes' prefixes:
//   Python  "[ERROR]\t2025-06-10T14:03:11.741Z\t<request id>\tmessage"
//   Node    "2025-06-10T14:03:11.741Z\t<request id>\tERROR\tmessage"
//   Java    "2025-06-10 14:03:11 <request id> ERROR Handler - message"
//   others  "ERROR: message", "WARN message", "... level=error msg=..." (logfmt)
#pragma once

#include <string_view>

namespace lambda_relay::insight {

// "INFO", "warning", "Error", "CRITICAL", "fatal", "TRACE2", ... → the number; 0 when unknown.
[[nodiscard]] int severity_from_level(std::string_view level) noexcept;
// The number from a text line's prefix; 0 when the line shows none.
[[nodiscard]] int severity_from_line(std::string_view line) noexcept;
// 9 → "INFO", 14 → "WARN2", 0 → "" (OpenTelemetry's short names).
[[nodiscard]] std::string_view severity_name(int number) noexcept;

}  // namespace lambda_relay::insight
