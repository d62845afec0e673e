#include "export/otlp/json_encoder.hpp"

#include "export/otlp/ids.hpp"
#include "json/writer.hpp"

#include <charconv>
#include <string_view>
#include <type_traits>
#include <variant>

namespace lambda_relay::otlp {
namespace {

using json::Writer;

// 64-bit integers are JSON strings in OTLP ("1749896130120000000"): a JSON number would lose
// precision in JavaScript-like parsers.
template <typename Integer>
void integer_string(Writer& w, std::string_view key, Integer value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  w.key(key).value(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
}

void time_field(Writer& w, std::string_view key, std::uint64_t nanos) {
  if (nanos != 0) integer_string(w, key, nanos);
}

void string_field(Writer& w, std::string_view key, const std::string& value) {
  if (!value.empty()) w.field(key, value);
}

template <std::size_t N>
void id_field(Writer& w, std::string_view key, const std::array<std::uint8_t, N>& id) {
  if (is_set(id)) w.field(key, to_hex(id));
}

template <typename Enum>
void enum_field(Writer& w, std::string_view key, Enum value) {
  const auto number = static_cast<std::int64_t>(value);
  if (number != 0) w.field(key, number);
}

void any_value(Writer& w, const AnyValue& any);

void key_value(Writer& w, const KeyValue& kv) {
  w.begin_object();
  string_field(w, "key", kv.key);
  w.key("value");
  any_value(w, kv.value);
  w.end_object();
}

void any_value(Writer& w, const AnyValue& any) {
  w.begin_object();
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          w.field("stringValue", value);
        } else if constexpr (std::is_same_v<T, bool>) {
          w.field("boolValue", value);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          integer_string(w, "intValue", value);
        } else if constexpr (std::is_same_v<T, double>) {
          w.field("doubleValue", value);
        } else if constexpr (std::is_same_v<T, ArrayValue>) {
          w.key("arrayValue").begin_object();
          if (!value.values.empty()) {
            w.key("values").begin_array();
            for (const auto& element : value.values) any_value(w, element);
            w.end_array();
          }
          w.end_object();
        } else {
          static_assert(std::is_same_v<T, KeyValueList>);
          w.key("kvlistValue").begin_object();
          if (!value.values.empty()) {
            w.key("values").begin_array();
            for (const auto& kv : value.values) key_value(w, kv);
            w.end_array();
          }
          w.end_object();
        }
      },
      any.value);
  w.end_object();
}

void attributes_field(Writer& w, const Attributes& attributes) {
  if (attributes.empty()) return;
  w.key("attributes").begin_array();
  for (const auto& kv : attributes) key_value(w, kv);
  w.end_array();
}

void resource_field(Writer& w, const Resource& resource) {
  w.key("resource").begin_object();
  attributes_field(w, resource.attributes);
  w.end_object();
}

void scope_field(Writer& w, const InstrumentationScope& scope) {
  w.key("scope").begin_object();
  string_field(w, "name", scope.name);
  string_field(w, "version", scope.version);
  w.end_object();
}

// {"resourceX":[{"resource":{...},"scopeX":[{"scope":{...},"items":[...]}]}]}
template <typename Request, typename WriteItem, typename Items>
std::string request_json(const Request& request, std::string_view resource_key, std::string_view scope_key,
                         std::string_view items_key, const Items& items, const WriteItem& write_item) {
  std::string out;
  Writer w(out);
  w.begin_object().key(resource_key).begin_array().begin_object();
  resource_field(w, request.resource);
  w.key(scope_key).begin_array().begin_object();
  scope_field(w, request.scope);
  if (!items.empty()) {
    w.key(items_key).begin_array();
    for (const auto& item : items) write_item(w, item);
    w.end_array();
  }
  w.end_object().end_array();
  w.end_object().end_array().end_object();
  return out;
}

void log_record(Writer& w, const LogRecord& record) {
  w.begin_object();
  time_field(w, "timeUnixNano", record.time_unix_nano);
  enum_field(w, "severityNumber", record.severity_number);
  string_field(w, "severityText", record.severity_text);
  if (record.body) {
    w.key("body");
    any_value(w, *record.body);
  }
  attributes_field(w, record.attributes);
  if (record.flags != 0) w.field("flags", record.flags);
  id_field(w, "traceId", record.trace_id);
  id_field(w, "spanId", record.span_id);
  time_field(w, "observedTimeUnixNano", record.observed_time_unix_nano);
  w.end_object();
}

void span(Writer& w, const Span& s) {
  w.begin_object();
  id_field(w, "traceId", s.trace_id);
  id_field(w, "spanId", s.span_id);
  id_field(w, "parentSpanId", s.parent_span_id);
  string_field(w, "name", s.name);
  enum_field(w, "kind", s.kind);
  time_field(w, "startTimeUnixNano", s.start_time_unix_nano);
  time_field(w, "endTimeUnixNano", s.end_time_unix_nano);
  attributes_field(w, s.attributes);
  if (!s.events.empty()) {
    w.key("events").begin_array();
    for (const auto& event : s.events) {
      w.begin_object();
      time_field(w, "timeUnixNano", event.time_unix_nano);
      string_field(w, "name", event.name);
      attributes_field(w, event.attributes);
      w.end_object();
    }
    w.end_array();
  }
  if (!s.links.empty()) {
    w.key("links").begin_array();
    for (const auto& link : s.links) {
      w.begin_object();
      id_field(w, "traceId", link.trace_id);
      id_field(w, "spanId", link.span_id);
      attributes_field(w, link.attributes);
      if (link.flags != 0) w.field("flags", link.flags);
      w.end_object();
    }
    w.end_array();
  }
  if (s.status.code != StatusCode::unset || !s.status.message.empty()) {
    w.key("status").begin_object();
    string_field(w, "message", s.status.message);
    enum_field(w, "code", s.status.code);
    w.end_object();
  }
  if (s.flags != 0) w.field("flags", s.flags);
  w.end_object();
}

void number_point(Writer& w, const NumberDataPoint& point) {
  w.begin_object();
  time_field(w, "startTimeUnixNano", point.start_time_unix_nano);
  time_field(w, "timeUnixNano", point.time_unix_nano);
  if (const auto* as_double = std::get_if<double>(&point.value)) {
    w.field("asDouble", *as_double);
  } else {
    integer_string(w, "asInt", std::get<std::int64_t>(point.value));
  }
  attributes_field(w, point.attributes);
  w.end_object();
}

void histogram_point(Writer& w, const HistogramDataPoint& point) {
  w.begin_object();
  time_field(w, "startTimeUnixNano", point.start_time_unix_nano);
  time_field(w, "timeUnixNano", point.time_unix_nano);
  if (point.count != 0) integer_string(w, "count", point.count);
  if (point.sum) w.field("sum", *point.sum);
  if (!point.bucket_counts.empty()) {
    w.key("bucketCounts").begin_array();
    for (const auto count : point.bucket_counts) {
      char digits[24];
      const auto result = std::to_chars(digits, digits + sizeof digits, count);
      w.value(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
    }
    w.end_array();
  }
  if (!point.explicit_bounds.empty()) {
    w.key("explicitBounds").begin_array();
    for (const auto bound : point.explicit_bounds) w.value(bound);
    w.end_array();
  }
  attributes_field(w, point.attributes);
  if (point.min) w.field("min", *point.min);
  if (point.max) w.field("max", *point.max);
  w.end_object();
}

template <typename Points, typename WritePoint>
void data_points(Writer& w, const Points& points, const WritePoint& write_point) {
  if (points.empty()) return;
  w.key("dataPoints").begin_array();
  for (const auto& point : points) write_point(w, point);
  w.end_array();
}

void metric(Writer& w, const Metric& m) {
  w.begin_object();
  string_field(w, "name", m.name);
  string_field(w, "description", m.description);
  string_field(w, "unit", m.unit);
  std::visit(
      [&](const auto& data) {
        using T = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<T, Gauge>) {
          w.key("gauge").begin_object();
          data_points(w, data.data_points, number_point);
          w.end_object();
        } else if constexpr (std::is_same_v<T, Sum>) {
          w.key("sum").begin_object();
          data_points(w, data.data_points, number_point);
          enum_field(w, "aggregationTemporality", data.temporality);
          if (data.monotonic) w.field("isMonotonic", true);
          w.end_object();
        } else {
          static_assert(std::is_same_v<T, Histogram>);
          w.key("histogram").begin_object();
          data_points(w, data.data_points, histogram_point);
          enum_field(w, "aggregationTemporality", data.temporality);
          w.end_object();
        }
      },
      m.data);
  w.end_object();
}

}  // namespace

std::string encode_json(const LogsRequest& request) {
  return request_json(request, "resourceLogs", "scopeLogs", "logRecords", request.records, log_record);
}

std::string encode_json(const TracesRequest& request) {
  return request_json(request, "resourceSpans", "scopeSpans", "spans", request.spans, span);
}

std::string encode_json(const MetricsRequest& request) {
  return request_json(request, "resourceMetrics", "scopeMetrics", "metrics", request.metrics, metric);
}

}  // namespace lambda_relay::otlp
