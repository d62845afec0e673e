// The part of the OTLP data model lambda-relay produces (opentelemetry-proto v1: common, resource,
// logs, trace, metrics), as plain structs. Encoders turn it into OTLP/protobuf (proto_encoder) or
// OTLP/JSON (json_encoder); the telemetry mapper fills it.
//
// Presence follows proto3: a scalar at its default (0, "", false, empty) is not sent, except for the
// members of a oneof (AnyValue, NumberDataPoint value) and the `optional` fields (HistogramDataPoint
// sum/min/max), which are always sent when set.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lambda_relay::otlp {

// Ids are raw bytes; all zeros means "no id" (OTLP's empty value) and is not sent.
using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

template <std::size_t N>
[[nodiscard]] constexpr bool is_set(const std::array<std::uint8_t, N>& id) noexcept {
  for (const auto byte : id) {
    if (byte != 0) return true;
  }
  return false;
}

struct AnyValue;
struct KeyValue;

struct ArrayValue {
  std::vector<AnyValue> values;
  bool operator==(const ArrayValue&) const;
};

struct KeyValueList {
  std::vector<KeyValue> values;
  bool operator==(const KeyValueList&) const;
};

// AnyValue's oneof: string, bool, int64, double, array, key-value list. (bytes is not produced.)
struct AnyValue {
  std::variant<std::string, bool, std::int64_t, double, ArrayValue, KeyValueList> value;
  bool operator==(const AnyValue&) const = default;
};

struct KeyValue {
  std::string key;
  AnyValue value;
  bool operator==(const KeyValue&) const = default;
};

inline bool ArrayValue::operator==(const ArrayValue& other) const { return values == other.values; }
inline bool KeyValueList::operator==(const KeyValueList& other) const { return values == other.values; }

using Attributes = std::vector<KeyValue>;

struct Resource {
  Attributes attributes;
};

struct InstrumentationScope {
  std::string name;
  std::string version;
};

// ---------------------------------------------------------------------------------------------------
// Logs

// SeverityNumber: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.
enum class Severity : std::int32_t {
  unspecified = 0,
  trace = 1,
  debug = 5,
  info = 9,
  warn = 13,
  error = 17,
  fatal = 21,
};

struct LogRecord {
  std::uint64_t time_unix_nano = 0;
  std::uint64_t observed_time_unix_nano = 0;
  std::int32_t severity_number = 0;
  std::string severity_text;
  std::optional<AnyValue> body;
  Attributes attributes;
  std::uint32_t flags = 0;  // W3C trace flags of the record's trace (bit 0: sampled)
  TraceId trace_id{};
  SpanId span_id{};
};

struct LogsRequest {
  Resource resource;
  InstrumentationScope scope;
  std::vector<LogRecord> records;
};

// ---------------------------------------------------------------------------------------------------
// Traces

enum class SpanKind : std::int32_t { unspecified = 0, internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
enum class StatusCode : std::int32_t { unset = 0, ok = 1, error = 2 };

// Span.flags: the W3C trace flags in bits 0–7; bit 8 says bit 9 is meaningful; bit 9: parent is remote.
inline constexpr std::uint32_t kFlagSampled = 0x01;
inline constexpr std::uint32_t kFlagHasIsRemote = 0x100;
inline constexpr std::uint32_t kFlagIsRemote = 0x200;

struct SpanEvent {
  std::uint64_t time_unix_nano = 0;
  std::string name;
  Attributes attributes;
};

struct SpanLink {
  TraceId trace_id{};
  SpanId span_id{};
  Attributes attributes;
  std::uint32_t flags = 0;
};

struct SpanStatus {
  StatusCode code = StatusCode::unset;
  std::string message;
};

struct Span {
  TraceId trace_id{};
  SpanId span_id{};
  SpanId parent_span_id{};
  std::string name;
  SpanKind kind = SpanKind::unspecified;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t end_time_unix_nano = 0;
  Attributes attributes;
  std::vector<SpanEvent> events;
  std::vector<SpanLink> links;
  SpanStatus status;
  std::uint32_t flags = 0;
};

struct TracesRequest {
  Resource resource;
  InstrumentationScope scope;
  std::vector<Span> spans;
};

// ---------------------------------------------------------------------------------------------------
// Metrics

enum class Temporality : std::int32_t { unspecified = 0, delta = 1, cumulative = 2 };

struct NumberDataPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::variant<std::int64_t, double> value;  // asInt | asDouble
};

struct HistogramDataPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  std::optional<double> sum;
  std::vector<std::uint64_t> bucket_counts;  // explicit_bounds.size() + 1 entries
  std::vector<double> explicit_bounds;
  std::optional<double> min;
  std::optional<double> max;
};

struct Gauge {
  std::vector<NumberDataPoint> data_points;
};

struct Sum {
  std::vector<NumberDataPoint> data_points;
  Temporality temporality = Temporality::cumulative;
  bool monotonic = false;
};

struct Histogram {
  std::vector<HistogramDataPoint> data_points;
  Temporality temporality = Temporality::cumulative;
};

struct Metric {
  std::string name;
  std::string description;
  std::string unit;
  std::variant<Gauge, Sum, Histogram> data;
};

struct MetricsRequest {
  Resource resource;
  InstrumentationScope scope;
  std::vector<Metric> metrics;
};

// Attribute constructors, so mapping code reads as a list of key = value.
[[nodiscard]] inline KeyValue attribute(std::string key, std::string value) {
  return KeyValue{std::move(key), AnyValue{std::move(value)}};
}
[[nodiscard]] inline KeyValue attribute(std::string key, const char* value) {
  return KeyValue{std::move(key), AnyValue{std::string(value)}};
}
[[nodiscard]] inline KeyValue attribute(std::string key, bool value) { return KeyValue{std::move(key), AnyValue{value}}; }
[[nodiscard]] inline KeyValue attribute(std::string key, std::int64_t value) {
  return KeyValue{std::move(key), AnyValue{value}};
}
[[nodiscard]] inline KeyValue attribute(std::string key, double value) {
  return KeyValue{std::move(key), AnyValue{value}};
}

}  // namespace lambda_relay::otlp
