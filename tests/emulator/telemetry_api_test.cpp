// Telemetry API (PUT /2022-07-01/telemetry) and Logs API (PUT /2020-08-15/logs) subscriptions over
// HTTP: identification, the Init-only window, body validation (spec §3.1, §4).
#include "platform_api_fixture.hpp"

#include <algorithm>
#include <string>

namespace lambda_emulator::test {
namespace {

constexpr std::string_view kTelemetry = "/2022-07-01/telemetry";
constexpr std::string_view kLogs = "/2020-08-15/logs";

constexpr std::string_view kValidBody = R"({
  "schemaVersion": "2022-12-13",
  "types": ["platform", "function"],
  "destination": {"protocol": "HTTP", "URI": "http://sandbox.localdomain:4243/telemetry"}
})";

std::string body_with(std::string_view schema, std::string_view types, std::string_view buffering,
                      std::string_view uri) {
  std::string body = R"({"schemaVersion":")" + std::string(schema) + R"(","types":)" + std::string(types);
  if (!buffering.empty()) body += R"(,"buffering":)" + std::string(buffering);
  body += R"(,"destination":{"protocol":"HTTP","URI":")" + std::string(uri) + R"("}})";
  return body;
}

constexpr std::string_view kUri = "http://sandbox.localdomain:4243/telemetry";
constexpr std::string_view kAllTypes = R"(["platform","function","extension"])";

class TelemetryApiTest : public PlatformApiTest {
 protected:
  void SetUp() override {
    id_ = register_extension("relay");
    ASSERT_FALSE(id_.empty());
  }

  net::Response subscribe(std::string_view body, std::string_view path = kTelemetry) {
    return send(with_identifier(http::verb::put, std::string(path), id_, std::string(body),
                                {{"Content-Type", "application/json"}}));
  }

  // A 400 ValidationError whose errorMessage contains `reason`.
  ::testing::AssertionResult IsValidationError(const net::Response& response, std::string_view reason) {
    auto result = IsLambdaError(response, http::status::bad_request, "ValidationError");
    if (!result) return result;
    const auto message = json_string_field(response.body(), "errorMessage").value_or("");
    if (message.find(reason) == std::string::npos) {
      return ::testing::AssertionFailure() << "errorMessage \"" << message << "\" does not mention \"" << reason
                                           << "\"";
    }
    return ::testing::AssertionSuccess();
  }

  [[nodiscard]] std::size_t history_count(std::string_view type) const {
    const auto needle = R"("type":")" + std::string(type) + "\"";
    return static_cast<std::size_t>(std::count_if(telemetry_.history().begin(), telemetry_.history().end(),
                                                  [&](const std::string& e) { return e.find(needle) != e.npos; }));
  }

  std::string id_;
};

TEST_F(TelemetryApiTest, UnsupportedSchemaVersionIs400NamingTheVersion) {
  const auto response = subscribe(body_with("2099-01-01", kAllTypes, "", kUri));
  EXPECT_TRUE(IsValidationError(response, "2099-01-01"));
  EXPECT_FALSE(state_.find_by_id(id_)->telemetry_api);
  EXPECT_EQ(history_count("platform.telemetrySubscription"), 0U);
}

TEST_F(TelemetryApiTest, LogsApiSchemaVersionIs400OnTheTelemetryApi) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2020-08-15", kAllTypes, "", kUri)), "2020-08-15"));
}

TEST_F(TelemetryApiTest, EmptyTypesIs400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", "[]", "", kUri)), "types"));
}

TEST_F(TelemetryApiTest, MissingTypesIs400) {
  const std::string body =
      R"({"schemaVersion":"2022-12-13","destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4243"}})";
  EXPECT_TRUE(IsValidationError(subscribe(body), "types"));
}

TEST_F(TelemetryApiTest, UnknownTypeIs400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", R"(["platform","metrics"])", "", kUri)), "metrics"));
}

TEST_F(TelemetryApiTest, MaxItemsBelowMinimumIs400NamingTheField) {
  const auto response = subscribe(body_with("2022-12-13", kAllTypes, R"({"maxItems":999})", kUri));
  EXPECT_TRUE(IsValidationError(response, "maxItems"));
}

TEST_F(TelemetryApiTest, TimeoutMsBelowMinimumIs400NamingTheField) {
  const auto response = subscribe(body_with("2022-12-13", kAllTypes, R"({"timeoutMs":24})", kUri));
  EXPECT_TRUE(IsValidationError(response, "timeoutMs"));
}

TEST_F(TelemetryApiTest, MaxBytesAboveMaximumIs400NamingTheField) {
  const auto response = subscribe(body_with("2022-12-13", kAllTypes, R"({"maxBytes":2000000})", kUri));
  EXPECT_TRUE(IsValidationError(response, "maxBytes"));
}

TEST_F(TelemetryApiTest, BufferingAtTheLimitsIs200) {
  const auto low = subscribe(body_with("2022-12-13", kAllTypes, R"({"maxItems":1000,"maxBytes":262144,"timeoutMs":25})", kUri));
  EXPECT_EQ(low.result(), http::status::ok) << low.body();
  const auto high =
      subscribe(body_with("2022-12-13", kAllTypes, R"({"maxItems":10000,"maxBytes":1048576,"timeoutMs":30000})", kUri));
  EXPECT_EQ(high.result(), http::status::ok) << high.body();
}

TEST_F(TelemetryApiTest, UriWithoutPortIs400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", kAllTypes, "", "http://sandbox.localdomain/telemetry")),
                                "port"));
}

TEST_F(TelemetryApiTest, Port9001Is400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", kAllTypes, "", "http://sandbox.localdomain:9001/")),
                                "9001"));
}

TEST_F(TelemetryApiTest, HostOtherThanSandboxLocaldomainIs400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", kAllTypes, "", "http://127.0.0.1:4243/telemetry")),
                                "127.0.0.1"));
}

TEST_F(TelemetryApiTest, HttpsUriIs400) {
  EXPECT_TRUE(IsValidationError(subscribe(body_with("2022-12-13", kAllTypes, "", "https://sandbox.localdomain:4243/")),
                                "http://"));
}

TEST_F(TelemetryApiTest, SampleRequestIs200AndEmitsTelemetrySubscriptionEvent) {
  const auto sample = read_shared_file("spec/samples/telemetry-subscribe-request.json");
  if (!sample) GTEST_SKIP() << "no " << LAMBDA_RELAY_SHARED_DIR << "/spec/samples/telemetry-subscribe-request.json";

  const auto response = subscribe(*sample);
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  EXPECT_EQ(response.body(), R"("OK")");  // a JSON string
  EXPECT_TRUE(state_.find_by_id(id_)->telemetry_api);

  ASSERT_EQ(history_count("platform.telemetrySubscription"), 1U);
  const auto& event = telemetry_.history().back();
  EXPECT_NE(event.find(R"("name":"relay")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("state":"Subscribed")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("types":["platform","function","extension"])"), std::string::npos) << event;

  const auto stats = telemetry_.stats();
  ASSERT_EQ(stats.size(), 1U);
  EXPECT_EQ(stats.front().name, "relay");
  EXPECT_EQ(stats.front().schema_version, "2022-12-13");
  EXPECT_EQ(stats.front().api, "telemetry");
}

TEST_F(TelemetryApiTest, SubscribingAgainIs200AlreadySubscribed) {
  ASSERT_EQ(subscribe(kValidBody).result(), http::status::ok);
  const auto again = subscribe(kValidBody);
  ASSERT_EQ(again.result(), http::status::ok) << again.body();
  ASSERT_EQ(history_count("platform.telemetrySubscription"), 2U);
  EXPECT_NE(telemetry_.history().back().find(R"("state":"Already subscribed")"), std::string::npos)
      << telemetry_.history().back();
  EXPECT_EQ(telemetry_.stats().size(), 1U);
}

TEST_F(TelemetryApiTest, SubscribeAfterInitIs403SubscriptionClosed) {
  state_.init_open = false;
  EXPECT_TRUE(IsLambdaError(subscribe(kValidBody), http::status::forbidden, "Telemetry.SubscriptionClosed"));
  EXPECT_EQ(history_count("platform.telemetrySubscription"), 0U);
}

TEST_F(TelemetryApiTest, LogsSubscribeAfterInitIs403LogsSubscriptionClosed) {
  state_.init_open = false;
  EXPECT_TRUE(IsLambdaError(subscribe(kValidBody, kLogs), http::status::forbidden, "Logs.SubscriptionClosed"));
}

TEST_F(TelemetryApiTest, LogsSubscribeAfterTelemetrySubscribeIs400) {
  ASSERT_EQ(subscribe(kValidBody).result(), http::status::ok);
  const std::string logs_body =
      R"({"types":["platform"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4244/logs"}})";
  EXPECT_TRUE(IsLambdaError(subscribe(logs_body, kLogs), http::status::bad_request, "ValidationError"));
  EXPECT_FALSE(state_.find_by_id(id_)->logs_api);
}

TEST_F(TelemetryApiTest, TelemetrySubscribeAfterLogsSubscribeIs400) {
  const std::string logs_body =
      R"({"types":["platform"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:4244/logs"}})";
  const auto logs = subscribe(logs_body, kLogs);
  ASSERT_EQ(logs.result(), http::status::ok) << logs.body();
  EXPECT_TRUE(state_.find_by_id(id_)->logs_api);
  EXPECT_TRUE(IsLambdaError(subscribe(kValidBody), http::status::bad_request, "ValidationError"));
  EXPECT_FALSE(state_.find_by_id(id_)->telemetry_api);
}

TEST_F(TelemetryApiTest, SubscribeWithoutIdentifierIs403) {
  const auto response = send(make_request(http::verb::put, std::string(kTelemetry), std::string(kValidBody)));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.MissingExtensionIdentifier"));
  EXPECT_EQ(history_count("platform.telemetrySubscription"), 0U);
}

TEST_F(TelemetryApiTest, SubscribeWithUnknownIdentifierIs403) {
  const auto response = send(with_identifier(http::verb::put, std::string(kTelemetry),
                                             "0b6ba2b4-4c33-4a3e-9e5f-3a4b5c6d7e8f", std::string(kValidBody)));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.UnknownExtensionIdentifier"));
}

}  // namespace
}  // namespace lambda_emulator::test
