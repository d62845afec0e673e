// parse_telemetry_subscription / parse_logs_subscription called directly (spec §3.1, §4).
#include "subscription.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lambda_emulator {
namespace {

TEST(ParseTelemetrySubscription, HttpUriGivesHostPortAndPath) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2025-01-29","types":["platform","extension"],)"
      R"("destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:8080/lambda_logs","method":"POST","encoding":"JSON"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->api, SubscriptionApi::telemetry);
  EXPECT_EQ(s->schema_version, "2025-01-29");
  EXPECT_EQ(s->protocol, DeliveryProtocol::http);
  EXPECT_EQ(s->host, "sandbox.localdomain");
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->path, "/lambda_logs");
  EXPECT_TRUE(s->platform);
  EXPECT_FALSE(s->function);
  EXPECT_TRUE(s->extension);
  EXPECT_EQ(s->types, (std::vector<std::string>{"platform", "extension"}));
}

TEST(ParseTelemetrySubscription, UriWithoutPathDeliversToRoot) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-07-01","types":["function"],"destination":{"protocol":"HTTP","URI":"http://sandbox:9000"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->host, "sandbox");
  EXPECT_EQ(s->port, 9000);
  EXPECT_EQ(s->path, "/");
}

TEST(ParseTelemetrySubscription, TcpWithPortIsAccepted) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"TCP","port":4245}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->protocol, DeliveryProtocol::tcp);
  EXPECT_EQ(s->port, 4245);
  EXPECT_EQ(s->host, "sandbox.localdomain");
}

TEST(ParseTelemetrySubscription, TcpWithUriPortIsAccepted) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"TCP","URI":"http://sandbox.localdomain:4246"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->protocol, DeliveryProtocol::tcp);
  EXPECT_EQ(s->port, 4246);
}

TEST(ParseTelemetrySubscription, TcpPortOutOfRangeOr9001IsRejected) {
  for (const char* port : {"0", "65536", "9001"}) {
    SCOPED_TRACE(port);
    const auto s = parse_telemetry_subscription(
        std::string(R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"TCP","port":)") +
        port + "}}");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "ValidationError");
    EXPECT_NE(s.error().message.find("port"), std::string::npos) << s.error().message;
  }
}

TEST(ParseTelemetrySubscription, UnknownProtocolIsRejected) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"UDP","port":4245}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "ValidationError");
  EXPECT_NE(s.error().message.find("UDP"), std::string::npos) << s.error().message;
}

TEST(ParseTelemetrySubscription, MissingDestinationIsRejected) {
  const auto s = parse_telemetry_subscription(R"({"schemaVersion":"2022-12-13","types":["platform"]})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "ValidationError");
  EXPECT_NE(s.error().message.find("destination"), std::string::npos) << s.error().message;
}

TEST(ParseTelemetrySubscription, DefaultBufferingWhenAbsent) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4243"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->buffering.max_items, 10'000);
  EXPECT_EQ(s->buffering.max_bytes, 262'144);
  EXPECT_EQ(s->buffering.timeout_ms, 1'000);
}

TEST(ParseTelemetrySubscription, PartialBufferingKeepsOtherDefaults) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"buffering":{"timeoutMs":100},)"
      R"("destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4243"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->buffering.timeout_ms, 100);
  EXPECT_EQ(s->buffering.max_items, 10'000);
  EXPECT_EQ(s->buffering.max_bytes, 262'144);
}

TEST(ParseTelemetrySubscription, NonIntegerBufferingIsRejected) {
  const auto s = parse_telemetry_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"buffering":{"maxItems":"many"},)"
      R"("destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4243"}})");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("maxItems"), std::string::npos) << s.error().message;
}

TEST(ParseTelemetrySubscription, MissingSchemaVersionIsRejected) {
  const auto s = parse_telemetry_subscription(
      R"({"types":["platform"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4243"}})");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("schemaVersion"), std::string::npos) << s.error().message;
}

TEST(ParseTelemetrySubscription, BodyThatIsNotAnObjectIsRejected) {
  for (const char* body : {"", "null", "[]", "{", R"("OK")"}) {
    SCOPED_TRACE(body);
    const auto s = parse_telemetry_subscription(body);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "ValidationError");
  }
}

TEST(ParseLogsSubscription, SchemaVersionDefaultsTo20200815) {
  const auto s = parse_logs_subscription(
      R"({"types":["platform","function"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4244/logs"}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->api, SubscriptionApi::logs);
  EXPECT_EQ(s->schema_version, "2020-08-15");
  EXPECT_EQ(s->port, 4244);
  EXPECT_EQ(s->path, "/logs");
}

TEST(ParseLogsSubscription, Accepts20210318) {
  const auto s = parse_logs_subscription(
      R"({"schemaVersion":"2021-03-18","types":["platform"],"destination":{"protocol":"TCP","port":4247}})");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->schema_version, "2021-03-18");
  EXPECT_EQ(s->protocol, DeliveryProtocol::tcp);
  EXPECT_EQ(s->port, 4247);
}

TEST(ParseLogsSubscription, TelemetrySchemaVersionIsRejected) {
  const auto s = parse_logs_subscription(
      R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"TCP","port":4247}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "ValidationError");
  EXPECT_NE(s.error().message.find("2022-12-13"), std::string::npos) << s.error().message;
}

TEST(ParseLogsSubscription, SameBufferingLimitsAsTelemetry) {
  const auto s = parse_logs_subscription(
      R"({"types":["platform"],"buffering":{"maxItems":999},"destination":{"protocol":"TCP","port":4247}})");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("maxItems"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace lambda_emulator
