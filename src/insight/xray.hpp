// The X-Ray trace header Lambda passes on (Telemetry API `tracing.value`, the INVOKE event's tracing,
// _X_AMZN_TRACE_ID): "Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1".
// The W3C trace id is Root's two hex groups after "1-", concatenated; Parent is a span id. Keys may come
// in any order, unknown keys (Lineage=...) are ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::insight {

struct XrayTrace {
  std::string trace_id;                 // 32 lowercase hex digits
  std::optional<std::string> parent_id;  // 16 lowercase hex digits
  std::optional<bool> sampled;
};

// Nothing when there is no well-formed Root. A malformed Parent or Sampled is ignored.
[[nodiscard]] std::optional<XrayTrace> parse_xray_header(std::string_view header);

}  // namespace lambda_relay::insight
