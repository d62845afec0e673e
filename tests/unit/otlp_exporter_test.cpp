#include "export/otlp/otlp_exporter.hpp"

#include "support/gzip.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <string>

namespace lambda_relay::exporters {
namespace {

using config::OtlpSignal;

std::string gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));  // NOLINT
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  EXPECT_EQ(result, Z_STREAM_END);
  return out;
}

config::OtlpConfig load(std::map<std::string, std::string, std::less<>> vars) {
  auto config = config::load_otlp(config::environment_from(std::move(vars)));
  EXPECT_TRUE(config.ok());
  return config.ok() ? std::move(config).value() : config::OtlpConfig{};
}

otlp::MapperOptions options() {
  otlp::MapperOptions o;
  o.resource.function.function_name = "orders-api";
  o.id_seed = 1;
  return o;
}

telemetry::Event function_line() {
  auto event = telemetry::decode_event(R"({"time":"2025-06-10T14:03:11.000Z","type":"function","record":"[INFO] hello\n"})");
  EXPECT_TRUE(event.ok());
  return std::move(event).value();
}

TEST(OtlpExporter, EncodesProtobufByDefaultWithTheConfiguredHeaders) {
  OtlpExporter exporter(load({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                              {"OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20t"},
                              {"OTEL_SERVICE_NAME", "svc"}}),
                        options());
  exporter.add(function_line());
  auto payload = exporter.take(OtlpSignal::logs);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->content_type, "application/x-protobuf");
  EXPECT_EQ(payload->items, 1U);
  const config::HeaderList headers{{"authorization", "Bearer t"}};
  EXPECT_EQ(payload->headers, headers);
  EXPECT_NE(payload->body.find("svc"), std::string::npos);  // OTEL_SERVICE_NAME reached the resource
  EXPECT_NE(payload->body.find("[INFO] hello"), std::string::npos);
  EXPECT_FALSE(exporter.take(OtlpSignal::logs));
  EXPECT_FALSE(exporter.take(OtlpSignal::traces));  // nothing finished yet
}

TEST(OtlpExporter, EncodesJsonAndGzipsWhenConfigured) {
  OtlpExporter exporter(load({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                              {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                              {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}}),
                        options());
  exporter.add(function_line());
  EXPECT_FALSE(exporter.take(OtlpSignal::metrics));  // no metric changed
  auto payload = exporter.take(OtlpSignal::logs);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->content_type, "application/json");
  ASSERT_EQ(payload->headers.size(), 1U);
  EXPECT_EQ(payload->headers[0], (std::pair<std::string, std::string>{"Content-Encoding", "gzip"}));
  EXPECT_EQ(payload->body.substr(0, 2), "\x1f\x8b");
  const auto json = gunzip(payload->body);
  EXPECT_TRUE(json.starts_with(R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name")")) << json;
  EXPECT_NE(json.find(R"("body":{"stringValue":"[INFO] hello"})"), std::string::npos) << json;
}

TEST(OtlpExporter, KeepsNothingForSignalsWithoutAnEndpoint) {
  OtlpExporter exporter(load({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"}}), options());
  exporter.add(function_line());
  EXPECT_EQ(exporter.mapper().pending_log_records(), 0U);
  EXPECT_FALSE(exporter.take(OtlpSignal::logs));
  EXPECT_FALSE(exporter.take(OtlpSignal::metrics));
}

TEST(OtlpExporter, IsDueOnceHalfAMegabyteOfLogRecordsWaits) {
  OtlpExporter exporter(load({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}}), options());
  const std::string line(10'000, 'x');
  auto event = telemetry::decode_event(R"({"time":"2025-06-10T14:03:11.000Z","type":"function","record":")" + line + R"("})");
  ASSERT_TRUE(event.ok());
  int added = 0;
  while (!exporter.due() && added < 1000) {
    exporter.add(*event);
    ++added;
  }
  EXPECT_GE(added, 50);
  EXPECT_LE(added, 53);
  EXPECT_TRUE(exporter.take(OtlpSignal::logs));
  EXPECT_FALSE(exporter.due());
}

TEST(Gzip, RoundTripsEmptyAndLargeInputs) {
  EXPECT_EQ(gunzip(support::gzip("")), "");
  std::string large;
  for (int i = 0; i < 20000; ++i) large += std::to_string(i) + ",";
  const auto compressed = support::gzip(large);
  EXPECT_LT(compressed.size(), large.size() / 2);
  EXPECT_EQ(gunzip(compressed), large);
}

}  // namespace
}  // namespace lambda_relay::exporters
