// Log lines are masked before any exporter sees them: text records as text, JSON-format records value
// by value so they stay JSON, and clean lines pass without a copy.
#include "insight/redact_event.hpp"

#include <simdjson.h>

#include <gtest/gtest.h>

namespace lambda_relay::insight {
namespace {

telemetry::Event log_event(std::string text, std::string json = {}) {
  telemetry::Event event;
  event.type = telemetry::EventType::function;
  event.type_text = "function";
  telemetry::LogRecord record;
  record.structured = !json.empty();
  record.text = std::move(text);
  record.json = std::move(json);
  event.record = std::move(record);
  return event;
}

const telemetry::LogRecord& line(const telemetry::Event& event) { return std::get<telemetry::LogRecord>(event.record); }

TEST(RedactLogEvent, MasksAnAwsKeyAndABearerTokenInATextLine) {
  std::string scratch;
  const auto event = log_event("calling with AKIAIOSFODNN7EXAMPLE and Authorization: Bearer eyJabc.def-ghi");
  const auto masked = redacted_log_event(event, Redactor(), scratch);
  ASSERT_TRUE(masked);
  EXPECT_EQ(line(*masked).text.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << line(*masked).text;
  EXPECT_EQ(line(*masked).text.find("eyJabc.def-ghi"), std::string::npos) << line(*masked).text;
  EXPECT_NE(line(*masked).text.find("[Filtered]"), std::string::npos);
  EXPECT_EQ(masked->type_text, "function");
}

TEST(RedactLogEvent, ACleanLineIsNotCopied) {
  std::string scratch;
  EXPECT_FALSE(redacted_log_event(log_event("order 42 shipped"), Redactor(), scratch));
}

TEST(RedactLogEvent, OnlyLogRecordsAreTouched) {
  std::string scratch;
  telemetry::Event event;
  event.type = telemetry::EventType::platform_start;
  event.record = telemetry::Start{};
  EXPECT_FALSE(redacted_log_event(event, Redactor(), scratch));
}

TEST(RedactLogEvent, AJsonRecordIsMaskedValueByValueAndStaysJson) {
  std::string scratch;
  const auto json = std::string(R"({"level":"INFO","message":"login","password":"hunter2","card":4111111111111111})");
  const auto masked = redacted_log_event(log_event("login", json), Redactor(), scratch);
  ASSERT_TRUE(masked);
  const auto& out = line(*masked).json;
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
}

}  // namespace
}  // namespace lambda_relay::insight
