// Trace and span ids: hex text (OTLP/JSON writes ids as lowercase hex, not base64) and fresh random ids.
#pragma once

#include "export/otlp/model.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace lambda_relay::otlp {

[[nodiscard]] std::string to_hex(const TraceId& id);
[[nodiscard]] std::string to_hex(const SpanId& id);
// 32 (trace) or 16 (span) hex digits, either case; nothing otherwise.
[[nodiscard]] std::optional<TraceId> parse_trace_id(std::string_view hex) noexcept;
[[nodiscard]] std::optional<SpanId> parse_span_id(std::string_view hex) noexcept;

// Random, never all-zero ids. Seeded from std::random_device unless a seed is given (tests).
class IdGenerator {
 public:
  IdGenerator();
  explicit IdGenerator(std::uint64_t seed) : random_(seed) {}

  [[nodiscard]] TraceId trace_id();
  [[nodiscard]] SpanId span_id();

 private:
  std::mt19937_64 random_;
};

}  // namespace lambda_relay::otlp
