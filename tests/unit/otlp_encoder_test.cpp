// The hand-written protobuf writer and the OTLP encoders (protobuf and JSON). The strict check against
// the real OTLP schema is tests/clients/otlp_schema_test.sh; these pin the wire details.
#include "export/otlp/ids.hpp"
#include "export/otlp/json_encoder.hpp"
#include "export/otlp/proto_encoder.hpp"
#include "export/otlp/proto_writer.hpp"
#include "proto_reader.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <string>

namespace lambda_relay::otlp {
namespace {

using test::read_fields;
using test::submessage;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

TEST(ProtoWriter, VarintSizesFollowSevenBitGroups) {
  EXPECT_EQ(proto::varint_size(0), 1U);
  EXPECT_EQ(proto::varint_size(127), 1U);
  EXPECT_EQ(proto::varint_size(128), 2U);
  EXPECT_EQ(proto::varint_size(16383), 2U);
  EXPECT_EQ(proto::varint_size(16384), 3U);
  EXPECT_EQ(proto::varint_size(~std::uint64_t{0}), 10U);
}

TEST(ProtoWriter, WritesCanonicalVarintsFixedAndNestedLengths) {
  const auto bytes = proto::serialize([](auto& sink) {
    sink.varint(1, 300);          // 08 ac 02
    sink.fixed64(2, 1);           // 11 01 00 00 00 00 00 00 00
    sink.fixed32(3, 0x01020304);  // 1d 04 03 02 01
    sink.begin(4);                // 22 <len>
    sink.bytes(1, std::string_view("ab"));  // 0a 02 61 62
    sink.begin(2);                          // 12 00 (an empty nested message)
    sink.end();
    sink.end();
  });
  EXPECT_EQ(hex(bytes), "08ac02" "110100000000000000" "1d04030201" "2206" "0a026162" "1200");
}

TEST(ProtoWriter, LengthsOfAtLeast128TakeTwoBytesAndTheOuterLengthsAccountForThem) {
  const std::string long_text(200, 'x');
  const auto bytes = proto::serialize([&](auto& sink) {
    sink.begin(1);
    sink.begin(1);
    sink.bytes(1, std::string_view(long_text));  // 0a c8 01 + 200 bytes = 203
    sink.end();                                  // 0a cb 01 + 203 = 206
    sink.end();                                  // 0a ce 01 + 206 = 209
  });
  ASSERT_EQ(bytes.size(), 209U);
  EXPECT_EQ(hex(bytes.substr(0, 9)), "0ace010acb010ac801");
  const auto outer = submessage(bytes, 1);
  ASSERT_TRUE(outer);
  const auto inner = submessage(*outer, 1);
  ASSERT_TRUE(inner);
  EXPECT_EQ(submessage(*inner, 1), std::string_view(long_text));
}

TEST(ProtoWriter, PacksRepeatedDoublesAsLittleEndianFixed64) {
  const std::vector<double> values{1.5, -2.0};
  const auto bytes = proto::serialize([&](auto& sink) { sink.packed64(7, values); });
  const auto fields = read_fields(bytes);
  ASSERT_TRUE(fields);
  ASSERT_EQ(fields->size(), 1U);
  EXPECT_EQ((*fields)[0].number, 7U);
  ASSERT_EQ((*fields)[0].bytes.size(), 16U);
  std::uint64_t first = 0;
  std::memcpy(&first, (*fields)[0].bytes.data(), 8);
  EXPECT_EQ(std::bit_cast<double>(first), 1.5);
}

LogsRequest small_logs_request() {
  LogsRequest request;
  request.scope.name = "s";
  LogRecord record;
  record.time_unix_nano = 1;
  record.severity_number = 9;
  record.severity_text = "INFO";
  record.body = AnyValue{std::string("hi")};
  request.records.push_back(record);
  return request;
}

TEST(OtlpProto, EncodesALogsRequestByteForByte) {
  // ExportLogsServiceRequest{resource_logs: [{resource: {}, scope_logs: [{scope: {name: "s"},
  //   log_records: [{time_unix_nano: 1, severity_number: 9, severity_text: "INFO", body: "hi"}]}]}]}
  EXPECT_EQ(hex(encode_proto(small_logs_request())),
            "0a22"                                 // resource_logs, 34 bytes
            "0a00"                                 //   resource {}
            "121e"                                 //   scope_logs, 30 bytes
            "0a030a0173"                           //     scope {name: "s"}
            "1217"                                 //     log_records, 23 bytes
            "090100000000000000"                   //       time_unix_nano (fixed64)
            "1009"                                 //       severity_number 9
            "1a04494e464f"                         //       severity_text "INFO"
            "2a040a026869");                       //       body {string_value: "hi"}
}

TEST(OtlpProto, LeavesDefaultsOutButAlwaysSendsOneofMembers) {
  MetricsRequest request;
  Sum sum;
  sum.monotonic = true;
  sum.data_points.push_back(NumberDataPoint{{}, 0, 0, std::int64_t{0}});
  request.metrics.push_back(Metric{"m", "", "", sum});
  request.resource.attributes.push_back(attribute("flag", false));
  const auto body = encode_proto(request);

  const auto resource_metrics = submessage(body, 1);
  ASSERT_TRUE(resource_metrics);
  // resource.attributes[0].value.bool_value = false is present (a oneof member).
  const auto resource = submessage(*resource_metrics, 1);
  ASSERT_TRUE(resource);
  const auto kv = submessage(*resource, 1);
  ASSERT_TRUE(kv);
  const auto value = submessage(*kv, 2);
  ASSERT_TRUE(value);
  EXPECT_EQ(hex(*value), "1000");

  const auto scope_metrics = submessage(*resource_metrics, 2);
  ASSERT_TRUE(scope_metrics);
  const auto metric = submessage(*scope_metrics, 2);
  ASSERT_TRUE(metric);
  const auto sum_bytes = submessage(*metric, 7);
  ASSERT_TRUE(sum_bytes);
  // data point {as_int: 0} (sfixed64, field 6) — no times; temporality cumulative; monotonic.
  EXPECT_EQ(hex(*sum_bytes), "0a09" "310000000000000000" "1002" "1801");
}

TEST(OtlpProto, WritesSpanFieldsInFieldNumberOrder) {
  TracesRequest request;
  Span span;
  span.trace_id = *parse_trace_id("684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  span.span_id = *parse_span_id("c4a1f7e29b3d5a86");
  span.parent_span_id = *parse_span_id("53995c3f42cd8ad8");
  span.name = "f";
  span.kind = SpanKind::server;
  span.start_time_unix_nano = 10;
  span.end_time_unix_nano = 20;
  span.attributes.push_back(attribute("n", std::int64_t{-1}));
  span.events.push_back(SpanEvent{15, "e", {}});
  span.links.push_back(SpanLink{span.trace_id, span.parent_span_id, {}, 1});
  span.status = SpanStatus{StatusCode::error, "boom"};
  span.flags = 0x301;
  request.spans.push_back(span);
  const auto body = encode_proto(request);
  const auto span_bytes = submessage(*submessage(*submessage(body, 1), 2), 2);
  ASSERT_TRUE(span_bytes);
  const auto fields = read_fields(*span_bytes);
  ASSERT_TRUE(fields);
  std::vector<std::uint32_t> numbers;
  for (const auto& f : *fields) numbers.push_back(f.number);
  EXPECT_EQ(numbers, (std::vector<std::uint32_t>{1, 2, 4, 5, 6, 7, 8, 9, 11, 13, 15, 16}));
  EXPECT_EQ(hex((*fields)[0].bytes), "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_EQ((*fields)[4].value, 2U);       // kind SERVER
  EXPECT_EQ((*fields)[11].wire_type, 5U);  // flags: fixed32
  EXPECT_EQ((*fields)[11].value, 0x301U);
  // int64 -1 is a 10-byte varint (two's complement), as protobuf writes negative int64.
  const auto any = submessage(*submessage(*span_bytes, 9), 2);
  ASSERT_TRUE(any);
  EXPECT_EQ(hex(*any), "18ffffffffffffffffff01");
  EXPECT_EQ(hex(*submessage(*span_bytes, 15)), "1204626f6f6d" "1802");  // message then code
}

TEST(OtlpJson, UsesHexIdsStringIntegersIntegerEnumsAndCamelCase) {
  TracesRequest request;
  request.scope = {"lambda-relay", "0.1.0"};
  request.resource.attributes.push_back(attribute("faas.max_memory", std::int64_t{536870912}));
  Span span;
  span.trace_id = *parse_trace_id("684D4BC22F8E6A1B3C5D7E9F0A1B2C3D");
  span.span_id = *parse_span_id("c4a1f7e29b3d5a86");
  span.parent_span_id = *parse_span_id("53995c3f42cd8ad8");
  span.name = "orders-api";
  span.kind = SpanKind::server;
  span.start_time_unix_nano = 1749896130540000000;
  span.end_time_unix_nano = 1749896130701230000;
  span.attributes.push_back(attribute("faas.coldstart", true));
  span.attributes.push_back(KeyValue{"names", AnyValue{ArrayValue{{AnyValue{std::string("a")}}}}});
  span.status = SpanStatus{StatusCode::error, "Task timed out after 30.00 seconds"};
  request.spans.push_back(span);
  EXPECT_EQ(encode_json(request),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"faas.max_memory","value":{"intValue":"536870912"}}]},)"
            R"("scopeSpans":[{"scope":{"name":"lambda-relay","version":"0.1.0"},"spans":[{"traceId":"684d4bc22f8e6a1b3c5d7e9f0a1b2c3d",)"
            R"("spanId":"c4a1f7e29b3d5a86","parentSpanId":"53995c3f42cd8ad8","name":"orders-api","kind":2,)"
            R"("startTimeUnixNano":"1749896130540000000","endTimeUnixNano":"1749896130701230000","attributes":[)"
            R"({"key":"faas.coldstart","value":{"boolValue":true}},{"key":"names","value":{"arrayValue":{"values":[{"stringValue":"a"}]}}}],)"
            R"("status":{"message":"Task timed out after 30.00 seconds","code":2}}]}]}]})");
}

TEST(OtlpJson, WritesHistogramCountsAsStringsAndBoundsAsNumbers) {
  MetricsRequest request;
  HistogramDataPoint point;
  point.start_time_unix_nano = 1;
  point.time_unix_nano = 2;
  point.count = 1;
  point.sum = 0.16123;
  point.bucket_counts = {0, 1, 0};
  point.explicit_bounds = {0.1, 0.25};
  point.min = 0.16123;
  point.max = 0.16123;
  Histogram histogram;
  histogram.data_points.push_back(point);
  request.metrics.push_back(Metric{"faas.invoke_duration", "d", "s", histogram});
  EXPECT_EQ(encode_json(request),
            R"({"resourceMetrics":[{"resource":{},"scopeMetrics":[{"scope":{},"metrics":[{"name":"faas.invoke_duration",)"
            R"("description":"d","unit":"s","histogram":{"dataPoints":[{"startTimeUnixNano":"1","timeUnixNano":"2","count":"1",)"
            R"("sum":0.16123,"bucketCounts":["0","1","0"],"explicitBounds":[0.1,0.25],"min":0.16123,"max":0.16123}],)"
            R"("aggregationTemporality":2}}]}]}]})");
}

TEST(OtlpJson, WritesLogRecordsWithSeverityNumberBodyAndIds) {
  auto request = small_logs_request();
  request.records[0].trace_id = *parse_trace_id("684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  request.records[0].span_id = *parse_span_id("c4a1f7e29b3d5a86");
  request.records[0].flags = 1;
  request.records[0].body = AnyValue{std::string("tab\there")};
  EXPECT_EQ(encode_json(request),
            R"({"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1",)"
            R"("severityNumber":9,"severityText":"INFO","body":{"stringValue":"tab\there"},"flags":1,)"
            R"("traceId":"684d4bc22f8e6a1b3c5d7e9f0a1b2c3d","spanId":"c4a1f7e29b3d5a86"}]}]}]})");
}

TEST(OtlpIds, ParsesHexOfEitherCaseAndRejectsOtherText) {
  EXPECT_EQ(to_hex(*parse_span_id("C4A1F7E29B3D5A86")), "c4a1f7e29b3d5a86");
  EXPECT_FALSE(parse_span_id("c4a1f7e29b3d5a8"));
  EXPECT_FALSE(parse_span_id("c4a1f7e29b3d5a8g"));
  EXPECT_FALSE(parse_trace_id("c4a1f7e29b3d5a86"));
}

TEST(OtlpIds, GeneratesDistinctNonZeroIds) {
  IdGenerator ids(42);
  const auto a = ids.span_id();
  const auto b = ids.span_id();
  EXPECT_TRUE(is_set(a));
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_set(ids.trace_id()));
}

}  // namespace
}  // namespace lambda_relay::otlp
