// Field numbers are those of opentelemetry-proto v1 (common, resource, logs, trace, metrics and the
// collector services). Fields are written in field-number order, as protobuf's own serialisers do, so
// our bytes are the canonical encoding: tests/clients re-encodes every body with the generated OTLP
// schema of the OpenTelemetry JS SDK and requires identical bytes.
#include "export/otlp/proto_encoder.hpp"

#include "export/otlp/proto_writer.hpp"

#include <bit>
#include <span>
#include <type_traits>
#include <variant>

namespace lambda_relay::otlp {
namespace {

template <typename Sink>
void write_string(Sink& sink, std::uint32_t field, const std::string& value) {
  if (!value.empty()) sink.bytes(field, std::string_view(value));
}

template <typename Sink, std::size_t N>
void write_id(Sink& sink, std::uint32_t field, const std::array<std::uint8_t, N>& id) {
  if (is_set(id)) sink.bytes(field, std::span<const std::uint8_t>(id));
}

template <typename Sink>
void write_uint(Sink& sink, std::uint32_t field, std::uint64_t value) {
  if (value != 0) sink.varint(field, value);
}

template <typename Sink>
void write_fixed64(Sink& sink, std::uint32_t field, std::uint64_t value) {
  if (value != 0) sink.fixed64(field, value);
}

template <typename Sink>
void write_fixed32(Sink& sink, std::uint32_t field, std::uint32_t value) {
  if (value != 0) sink.fixed32(field, value);
}

template <typename Sink, typename Enum>
void write_enum(Sink& sink, std::uint32_t field, Enum value) {
  // Enums are int32 on the wire: a negative value would be sign-extended to 10 bytes. Ours are >= 0.
  const auto number = static_cast<std::int32_t>(value);
  if (number != 0) sink.varint(field, static_cast<std::uint64_t>(static_cast<std::int64_t>(number)));
}

template <typename Sink>
void write_double(Sink& sink, std::uint32_t field, double value) {
  sink.fixed64(field, std::bit_cast<std::uint64_t>(value));
}

// ---------------------------------------------------------------------------------------------------
// common.proto, resource.proto

template <typename Sink>
void write_key_value(Sink& sink, std::uint32_t field, const KeyValue& kv);

// AnyValue: oneof value { string_value = 1; bool_value = 2; int_value = 3; double_value = 4;
// array_value = 5; kvlist_value = 6; bytes_value = 7; } — a oneof member is sent even at its default.
template <typename Sink>
void write_any_value(Sink& sink, std::uint32_t field, const AnyValue& any) {
  sink.begin(field);
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          sink.bytes(1, std::string_view(value));
        } else if constexpr (std::is_same_v<T, bool>) {
          sink.varint(2, value ? 1 : 0);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          sink.varint(3, static_cast<std::uint64_t>(value));
        } else if constexpr (std::is_same_v<T, double>) {
          write_double(sink, 4, value);
        } else if constexpr (std::is_same_v<T, ArrayValue>) {
          sink.begin(5);
          for (const auto& element : value.values) write_any_value(sink, 1, element);
          sink.end();
        } else {
          static_assert(std::is_same_v<T, KeyValueList>);
          sink.begin(6);
          for (const auto& kv : value.values) write_key_value(sink, 1, kv);
          sink.end();
        }
      },
      any.value);
  sink.end();
}

// KeyValue: key = 1, value = 2.
template <typename Sink>
void write_key_value(Sink& sink, std::uint32_t field, const KeyValue& kv) {
  sink.begin(field);
  write_string(sink, 1, kv.key);
  write_any_value(sink, 2, kv.value);
  sink.end();
}

template <typename Sink>
void write_attributes(Sink& sink, std::uint32_t field, const Attributes& attributes) {
  for (const auto& kv : attributes) write_key_value(sink, field, kv);
}

// Resource: attributes = 1.
template <typename Sink>
void write_resource(Sink& sink, std::uint32_t field, const Resource& resource) {
  sink.begin(field);
  write_attributes(sink, 1, resource.attributes);
  sink.end();
}

// InstrumentationScope: name = 1, version = 2.
template <typename Sink>
void write_scope(Sink& sink, std::uint32_t field, const InstrumentationScope& scope) {
  sink.begin(field);
  write_string(sink, 1, scope.name);
  write_string(sink, 2, scope.version);
  sink.end();
}

// Export*ServiceRequest { repeated ResourceX = 1 } → ResourceX { resource = 1; repeated ScopeX = 2 }
// → ScopeX { scope = 1; repeated items = 2 }: the same nesting for the three signals.
template <typename Sink, typename Request, typename WriteItems>
void write_request(Sink& sink, const Request& request, const WriteItems& write_items) {
  sink.begin(1);
  write_resource(sink, 1, request.resource);
  sink.begin(2);
  write_scope(sink, 1, request.scope);
  write_items(sink);
  sink.end();
  sink.end();
}

// ---------------------------------------------------------------------------------------------------
// logs.proto

// LogRecord: time_unix_nano = 1 (fixed64), severity_number = 2, severity_text = 3, body = 5,
// attributes = 6, flags = 8 (fixed32), trace_id = 9, span_id = 10, observed_time_unix_nano = 11.
template <typename Sink>
void write_log_record(Sink& sink, std::uint32_t field, const LogRecord& record) {
  sink.begin(field);
  write_fixed64(sink, 1, record.time_unix_nano);
  write_enum(sink, 2, record.severity_number);
  write_string(sink, 3, record.severity_text);
  if (record.body) write_any_value(sink, 5, *record.body);
  write_attributes(sink, 6, record.attributes);
  write_fixed32(sink, 8, record.flags);
  write_id(sink, 9, record.trace_id);
  write_id(sink, 10, record.span_id);
  write_fixed64(sink, 11, record.observed_time_unix_nano);
  sink.end();
}

// ---------------------------------------------------------------------------------------------------
// trace.proto

// Span.Event: time_unix_nano = 1 (fixed64), name = 2, attributes = 3.
template <typename Sink>
void write_span_event(Sink& sink, std::uint32_t field, const SpanEvent& event) {
  sink.begin(field);
  write_fixed64(sink, 1, event.time_unix_nano);
  write_string(sink, 2, event.name);
  write_attributes(sink, 3, event.attributes);
  sink.end();
}

// Span.Link: trace_id = 1, span_id = 2, attributes = 4, flags = 6 (fixed32).
template <typename Sink>
void write_span_link(Sink& sink, std::uint32_t field, const SpanLink& link) {
  sink.begin(field);
  write_id(sink, 1, link.trace_id);
  write_id(sink, 2, link.span_id);
  write_attributes(sink, 4, link.attributes);
  write_fixed32(sink, 6, link.flags);
  sink.end();
}

// Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, start_time_unix_nano = 7,
// end_time_unix_nano = 8 (fixed64), attributes = 9, events = 11, links = 13, status = 15 (Status:
// message = 2, code = 3), flags = 16 (fixed32).
template <typename Sink>
void write_span(Sink& sink, std::uint32_t field, const Span& span) {
  sink.begin(field);
  write_id(sink, 1, span.trace_id);
  write_id(sink, 2, span.span_id);
  write_id(sink, 4, span.parent_span_id);
  write_string(sink, 5, span.name);
  write_enum(sink, 6, span.kind);
  write_fixed64(sink, 7, span.start_time_unix_nano);
  write_fixed64(sink, 8, span.end_time_unix_nano);
  write_attributes(sink, 9, span.attributes);
  for (const auto& event : span.events) write_span_event(sink, 11, event);
  for (const auto& link : span.links) write_span_link(sink, 13, link);
  if (span.status.code != StatusCode::unset || !span.status.message.empty()) {
    sink.begin(15);
    write_string(sink, 2, span.status.message);
    write_enum(sink, 3, span.status.code);
    sink.end();
  }
  write_fixed32(sink, 16, span.flags);
  sink.end();
}

// ---------------------------------------------------------------------------------------------------
// metrics.proto

// NumberDataPoint: start_time_unix_nano = 2, time_unix_nano = 3 (fixed64), as_double = 4 (double) |
// as_int = 6 (sfixed64), attributes = 7.
template <typename Sink>
void write_number_point(Sink& sink, std::uint32_t field, const NumberDataPoint& point) {
  sink.begin(field);
  write_fixed64(sink, 2, point.start_time_unix_nano);
  write_fixed64(sink, 3, point.time_unix_nano);
  if (const auto* as_double = std::get_if<double>(&point.value)) {
    write_double(sink, 4, *as_double);
  } else {
    sink.fixed64(6, static_cast<std::uint64_t>(std::get<std::int64_t>(point.value)));
  }
  write_attributes(sink, 7, point.attributes);
  sink.end();
}

// HistogramDataPoint: start_time_unix_nano = 2, time_unix_nano = 3, count = 4 (fixed64),
// optional sum = 5, bucket_counts = 6 (packed fixed64), explicit_bounds = 7 (packed double),
// attributes = 9, optional min = 11, optional max = 12.
template <typename Sink>
void write_histogram_point(Sink& sink, std::uint32_t field, const HistogramDataPoint& point) {
  sink.begin(field);
  write_fixed64(sink, 2, point.start_time_unix_nano);
  write_fixed64(sink, 3, point.time_unix_nano);
  write_fixed64(sink, 4, point.count);
  if (point.sum) write_double(sink, 5, *point.sum);
  if (!point.bucket_counts.empty()) sink.packed64(6, point.bucket_counts);
  if (!point.explicit_bounds.empty()) sink.packed64(7, point.explicit_bounds);
  write_attributes(sink, 9, point.attributes);
  if (point.min) write_double(sink, 11, *point.min);
  if (point.max) write_double(sink, 12, *point.max);
  sink.end();
}

// Metric: name = 1, description = 2, unit = 3, gauge = 5 | sum = 7 | histogram = 9.
// Gauge { data_points = 1 }, Sum { data_points = 1, aggregation_temporality = 2, is_monotonic = 3 },
// Histogram { data_points = 1, aggregation_temporality = 2 }.
template <typename Sink>
void write_metric(Sink& sink, std::uint32_t field, const Metric& metric) {
  sink.begin(field);
  write_string(sink, 1, metric.name);
  write_string(sink, 2, metric.description);
  write_string(sink, 3, metric.unit);
  std::visit(
      [&](const auto& data) {
        using T = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<T, Gauge>) {
          sink.begin(5);
          for (const auto& point : data.data_points) write_number_point(sink, 1, point);
          sink.end();
        } else if constexpr (std::is_same_v<T, Sum>) {
          sink.begin(7);
          for (const auto& point : data.data_points) write_number_point(sink, 1, point);
          write_enum(sink, 2, data.temporality);
          write_uint(sink, 3, data.monotonic ? 1 : 0);
          sink.end();
        } else {
          static_assert(std::is_same_v<T, Histogram>);
          sink.begin(9);
          for (const auto& point : data.data_points) write_histogram_point(sink, 1, point);
          write_enum(sink, 2, data.temporality);
          sink.end();
        }
      },
      metric.data);
  sink.end();
}

}  // namespace

std::string encode_proto(const LogsRequest& request) {
  return proto::serialize([&](auto& sink) {
    write_request(sink, request, [&](auto& items) {
      for (const auto& record : request.records) write_log_record(items, 2, record);
    });
  });
}

std::string encode_proto(const TracesRequest& request) {
  return proto::serialize([&](auto& sink) {
    write_request(sink, request, [&](auto& items) {
      for (const auto& span : request.spans) write_span(items, 2, span);
    });
  });
}

std::string encode_proto(const MetricsRequest& request) {
  return proto::serialize([&](auto& sink) {
    write_request(sink, request, [&](auto& items) {
      for (const auto& metric : request.metrics) write_metric(items, 2, metric);
    });
  });
}

}  // namespace lambda_relay::otlp
