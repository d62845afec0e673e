// OTLP/protobuf request bodies (logs, traces, metrics) read back into plain structs for end-to-end
// assertions, on top of the unit tests' wire-format reader (tests/unit/proto_reader.hpp). Independent of
// lambda-relay's encoder; field numbers from opentelemetry-proto. A body that is not well-formed
// protobuf decodes to nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::testing::otlp_wire {

// Attribute values as text: strings as they are, integers in decimal, booleans "true"/"false",
// doubles with %g, anything else "<kind>".
using Attributes = std::map<std::string, std::string, std::less<>>;

struct LogRecord {
  std::uint64_t time_unix_nano = 0;
  int severity_number = 0;
  std::string severity_text;
  std::string body;
  Attributes attributes;
  std::string trace_id;  // hex, empty when unset
  std::string span_id;
  Attributes resource;
};

struct Span {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  int kind = 0;  // 1 internal, 2 server, ...
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  Attributes attributes;
  int status_code = 0;  // 0 unset, 1 ok, 2 error
  std::string status_message;
  Attributes resource;
};

// One data point of a sum (value) or a histogram (count, sum).
struct MetricPoint {
  std::string name;
  std::string unit;
  bool histogram = false;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::int64_t value = 0;
  std::uint64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  Attributes resource;
};

[[nodiscard]] std::optional<std::vector<LogRecord>> decode_logs(std::string_view body);
[[nodiscard]] std::optional<std::vector<Span>> decode_traces(std::string_view body);
[[nodiscard]] std::optional<std::vector<MetricPoint>> decode_metrics(std::string_view body);

}  // namespace lambda_relay::testing::otlp_wire
