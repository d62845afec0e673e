// Malformed batches and events: clear errors, the good events around a bad one still delivered.
#include "telemetry_samples.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace lambda_relay::telemetry {
namespace {

const std::string kGoodStart =
    R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"requestId":"a"}})";
const std::string kGoodLog = R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":"hello\n"})";
const std::string kBadReport =
    R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"requestId":"r","status":"success",)"
    R"("metrics":{"durationMs":"105.468","billedDurationMs":439}}})";

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(TelemetryMalformed, BatchThatIsNotAnArrayIsAnError) {
  for (const char* body : {R"({"time":"x"})", "\"text\"", "42", "null", "  ", ""}) {
    const auto result = decode(body, [](const Event&) { ADD_FAILURE() << "no event expected"; });
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_FALSE(result.error().message.empty());
  }
  const auto object = decode(R"({"a":1})", [](const Event&) {});
  EXPECT_TRUE(contains(object.error().message, "not a JSON array")) << object.error().message;
}

TEST(TelemetryMalformed, EmptyArrayDecodesToNothing) {
  for (const char* body : {"[]", " [ ] ", "[\n]\n"}) {
    const auto result = decode_batch(body);
    ASSERT_TRUE(result.ok()) << body;
    EXPECT_TRUE(result->events.empty());
    EXPECT_TRUE(result->errors.empty());
  }
}

TEST(TelemetryMalformed, WrongTypeInAKnownFieldSkipsOnlyThatEvent) {
  const std::string batch = "[" + kGoodStart + "," + kBadReport + "," + kGoodLog + "]";
  const auto result = decode_batch(batch);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->events.size(), 2U);
  EXPECT_EQ(result->events[0].type, EventType::platform_start);
  EXPECT_EQ(result->events[1].type, EventType::function);
  ASSERT_EQ(result->errors.size(), 1U);
  const DecodeError& error = result->errors[0];
  EXPECT_EQ(error.index, 1U);
  EXPECT_EQ(error.message, "platform.report: record.metrics.durationMs is not a number");
  EXPECT_EQ(batch.substr(error.offset, 10), "\"105.468\",");
}

TEST(TelemetryMalformed, ErrorsNameTheFieldPath) {
  auto message_for = [](const std::string& event) {
    const auto result = decode_batch("[" + event + "]");
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(result->errors.size(), 1U) << event;
    return result->errors.empty() ? std::string() : result->errors[0].message;
  };
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.runtimeDone","record":{"requestId":"r",)"
                        R"("spans":[{"name":"a","start":"2025-06-10T14:03:11Z","durationMs":1},{"name":"b","start":12}]}})"),
            "platform.runtimeDone: record.spans[1].start is not a string");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"requestId":7}})"),
            "platform.start: record.requestId is not a string");
  EXPECT_EQ(message_for(R"({"time":"yesterday","type":"platform.start","record":{"requestId":"r"}})"),
            "platform.start: time is not an ISO-8601 time");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.extension","record":{"events":"INVOKE"}})"),
            "platform.extension: record.events is not an array");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.report","record":{"metrics":{"billedDurationMs":1.5}}})"),
            "platform.report: record.metrics.billedDurationMs is not an integer");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.logsDropped","record":{"droppedBytes":-1}})"),
            "platform.logsDropped: record.droppedBytes is out of range");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":"r"})"),
            "platform.start: record is not an object");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"function","record":17})"),
            "function: record is neither a string nor an object");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","record":"r"})"), "event: type is missing");
  EXPECT_EQ(message_for(R"({"type":"function","record":"r"})"), "function: time is missing");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"function"})"), "function: record is missing");
  EXPECT_EQ(message_for(R"([1,2])"), "event: not a JSON object");
  EXPECT_EQ(message_for(R"({"time":"2025-06-10T14:03:11.737Z","type":"function","type":"extension","record":"r"})"),
            "function: type appears twice");
}

TEST(TelemetryMalformed, TruncatedBatchDeliversTheEventsBeforeTheCut) {
  const std::string full = "[" + kGoodStart + "," + kGoodLog + "," + kGoodStart + "]";
  // Cut at every byte after the second event: the two first events always arrive.
  const std::size_t second_end = 1 + kGoodStart.size() + 1 + kGoodLog.size();
  for (std::size_t cut = second_end; cut < full.size() - 1; ++cut) {
    const std::string body = full.substr(0, cut);
    const auto result = decode_batch(body);
    ASSERT_TRUE(result.ok()) << body;
    ASSERT_EQ(result->events.size(), 2U) << body;
    EXPECT_EQ(result->events[1].type, EventType::function);
    ASSERT_EQ(result->errors.size(), 1U) << body;
    EXPECT_EQ(result->errors[0].index, 2U);
    EXPECT_TRUE(contains(result->errors[0].message, "cut short")) << result->errors[0].message;
  }
  // Only the closing bracket is missing: every event arrives, and the cut is still reported.
  const auto missing_bracket = decode_batch(full.substr(0, full.size() - 1));
  ASSERT_TRUE(missing_bracket.ok());
  EXPECT_EQ(missing_bracket->events.size(), 3U);
  ASSERT_EQ(missing_bracket->errors.size(), 1U);
  EXPECT_EQ(missing_bracket->errors[0].index, 3U);
}

TEST(TelemetryMalformed, TruncatedSampleBatchAtEveryByteNeverCrashes) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  std::size_t previous = 0;
  for (std::size_t cut = 1; cut < text.size(); cut += 7) {
    const auto result = decode_batch(std::string_view(text).substr(0, cut));
    ASSERT_TRUE(result.ok()) << cut;
    EXPECT_GE(result->events.size(), previous);  // more bytes never give fewer events
    previous = result->events.size();
    EXPECT_FALSE(result->errors.empty()) << cut;
  }
  EXPECT_GE(previous, 48U);
}

TEST(TelemetryMalformed, ContentAfterTheArrayIsReported) {
  const auto result = decode_batch("[" + kGoodStart + "] trailing");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->events.size(), 1U);
  ASSERT_EQ(result->errors.size(), 1U);
  EXPECT_TRUE(contains(result->errors[0].message, "after the closing ]")) << result->errors[0].message;
}

TEST(TelemetryMalformed, GarbageBytesAreAnErrorNotACrash) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
  for (const std::string& body : {garbage, "[" + garbage + "]", "[" + kGoodStart + "," + garbage,
                                  std::string("[\xff\xfe]"), std::string("[\"\xc3\x28\"]"), std::string(1000, '\0')}) {
    const auto result = decode_batch(body);
    if (result.ok()) {
      EXPECT_FALSE(result->errors.empty());
    } else {
      EXPECT_FALSE(result.error().message.empty());
    }
  }
}

TEST(TelemetryMalformed, ElementsThatAreNotObjectsAreSkipped) {
  const auto result = decode_batch("[1, \"x\", null, " + kGoodLog + ", [], {}]");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->events.size(), 1U);
  EXPECT_EQ(result->events[0].type, EventType::function);
  ASSERT_EQ(result->errors.size(), 5U);
  EXPECT_EQ(result->errors[0].index, 0U);
  EXPECT_EQ(result->errors[3].index, 4U);
  EXPECT_EQ(result->errors[4].message, "event: type is missing");
}

TEST(TelemetryMalformed, DeeplyNestedJunkIsRejected) {
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  const auto array_result = decode_batch(deep_array);
  if (array_result.ok()) {
    EXPECT_TRUE(array_result->events.empty());
    EXPECT_FALSE(array_result->errors.empty());
  }
  // Nesting inside an unknown field of an otherwise good event.
  const std::string deep_field = R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.end","record":{"requestId":"r","x":)" +
                                 std::string(5000, '[') + std::string(5000, ']') + "}}";
  const auto field_result = decode_batch("[" + deep_field + "," + kGoodLog + "]");
  ASSERT_TRUE(field_result.ok());
  ASSERT_EQ(field_result->events.size(), 1U);
  ASSERT_EQ(field_result->errors.size(), 1U);
  EXPECT_TRUE(contains(field_result->errors[0].message, "nested too deeply")) << field_result->errors[0].message;
  // Unbalanced nesting.
  const auto unbalanced = decode_batch(std::string(10000, '[') + "]");
  if (unbalanced.ok()) {
    EXPECT_TRUE(unbalanced->events.empty());
    EXPECT_FALSE(unbalanced->errors.empty());
  }
}

TEST(TelemetryMalformed, StructuralErrorInsideAnEventStopsTheBatchWithOneError) {
  const auto result = decode_batch("[" + kGoodStart + R"(,{"time":"2025-06-10T14:03:11.737Z" "type":"x"},)" + kGoodLog + "]");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->events.size(), 1U);
  ASSERT_EQ(result->errors.size(), 1U);
  EXPECT_EQ(result->errors[0].index, 1U);
}

TEST(TelemetryMalformed, DecodeEventRejectsWhatIsNotOneEvent) {
  EXPECT_FALSE(decode_event("").ok());
  EXPECT_FALSE(decode_event("[]").ok());
  EXPECT_FALSE(decode_event(kGoodStart + kGoodStart).ok());
  EXPECT_FALSE(decode_event(kGoodStart.substr(0, kGoodStart.size() - 1)).ok());
  const auto bad = decode_event(kBadReport);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.error().message, "record.metrics.durationMs is not a number")) << bad.error().message;
}

TEST(TelemetryMalformed, InvalidUtf8IsAnError) {
  const auto result = decode_batch("[" + kGoodStart + ",{\"time\":\"\xff\"}]");
  EXPECT_FALSE(result.ok());
}

}  // namespace
}  // namespace lambda_relay::telemetry
