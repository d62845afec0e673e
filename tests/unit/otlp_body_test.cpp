// The OTLP routes' cheap checks of what an SDK sent: the encoding from Content-Type, and the shape
// of a body (protobuf framing, a JSON object) without decoding it.
#include "relay/otlp/otlp_body.hpp"
#include "relay_harness.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::relay::otlp {
namespace {

using namespace std::string_literals;

TEST(OtlpBody, NamesTheEncodingOfTheTwoOtlpContentTypesOnly) {
  EXPECT_EQ(otlp_encoding("application/x-protobuf"), OtlpEncoding::protobuf);
  EXPECT_EQ(otlp_encoding("Application/JSON; charset=utf-8"), OtlpEncoding::json);
  EXPECT_EQ(otlp_encoding(" application/json "), OtlpEncoding::json);
  EXPECT_FALSE(otlp_encoding(""));
  EXPECT_FALSE(otlp_encoding("text/plain"));
  EXPECT_FALSE(otlp_encoding("application/jsonl"));
  EXPECT_FALSE(otlp_encoding("application/grpc"));
}

TEST(OtlpBody, AcceptsWellFramedProtobufWithUnknownFieldsOfEveryWireType) {
  const auto traces = test::otlp_traces("span");
  EXPECT_TRUE(check_export_request(OtlpEncoding::protobuf, traces));
  const auto unknown = "\x10\x96\x01"s + "\x19" + std::string(8, '\x01') + "\x25" + std::string(4, '\x02');
  EXPECT_TRUE(check_export_request(OtlpEncoding::protobuf, traces + unknown + traces));
}

TEST(OtlpBody, RefusesProtobufCutAnywhereInsideAField) {
  const auto traces = test::otlp_traces("a span with a name");
  for (std::size_t size = 1; size < traces.size(); ++size) {
    auto checked = check_export_request(OtlpEncoding::protobuf, traces.substr(0, size));
    ASSERT_FALSE(checked) << "cut at " << size;
    EXPECT_NE(checked.error().message.find("not an OTLP protobuf message"), std::string::npos)
        << checked.error().message;
  }
  auto cut = check_export_request(OtlpEncoding::protobuf, traces.substr(0, traces.size() - 1));
  EXPECT_NE(cut.error().message.find("truncated"), std::string::npos) << cut.error().message;
}

TEST(OtlpBody, RefusesJsonAndGarbageSentAsProtobuf) {
  auto json = check_export_request(OtlpEncoding::protobuf, R"({"resourceSpans":[]})");
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find("wire type"), std::string::npos) << json.error().message;
  EXPECT_FALSE(check_export_request(OtlpEncoding::protobuf, "\x00\x01"s)) << "field number 0";
  EXPECT_FALSE(check_export_request(OtlpEncoding::protobuf, "\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"s))
      << "a length that never ends";
}

TEST(OtlpBody, AcceptsAJsonObjectAndRefusesTruncatedOrForeignJson) {
  EXPECT_TRUE(check_export_request(OtlpEncoding::json, "{}"));
  EXPECT_TRUE(check_export_request(OtlpEncoding::json, " \n{\"resourceSpans\":[]}\r\n"));
  auto truncated = check_export_request(OtlpEncoding::json, R"({"resourceSpans":[{"resource":)");
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("truncated"), std::string::npos) << truncated.error().message;
  EXPECT_FALSE(check_export_request(OtlpEncoding::json, "[1,2]"));
  EXPECT_FALSE(check_export_request(OtlpEncoding::json, test::otlp_traces("span")));
}

}  // namespace
}  // namespace lambda_relay::relay::otlp
