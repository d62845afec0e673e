// ISO-8601 times and the enum names of the Telemetry API.
#include "telemetry/timestamp.hpp"

#include <lambda_relay/telemetry.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace lambda_relay::telemetry {
namespace {

using namespace std::chrono;

Timestamp at(year_month_day date, microseconds time_of_day) { return sys_days(date) + time_of_day; }

TEST(TelemetryTimestamp, ParsesMillisecondsAsLambdaWritesThem) {
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.402Z"),
            at(2025y / June / 10, hours(14) + minutes(3) + seconds(11) + milliseconds(402)));
}

TEST(TelemetryTimestamp, AcceptsAnyNumberOfFractionalDigits) {
  const auto base = at(2025y / June / 10, hours(14) + minutes(3) + seconds(11));
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11Z"), base);
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.4Z"), base + milliseconds(400));
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.40Z"), base + milliseconds(400));
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.402517Z"), base + microseconds(402517));
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.402517999Z"), base + microseconds(402517));  // truncated
}

TEST(TelemetryTimestamp, AcceptsOffsets) {
  const auto utc = at(2025y / June / 10, hours(14) + minutes(3) + seconds(11) + milliseconds(402));
  EXPECT_EQ(parse_timestamp("2025-06-10T14:03:11.402+00:00"), utc);
  EXPECT_EQ(parse_timestamp("2025-06-10T16:33:11.402+02:30"), utc);
  EXPECT_EQ(parse_timestamp("2025-06-10T09:03:11.402-05:00"), utc);
  EXPECT_EQ(parse_timestamp("2025-06-10t14:03:11.402z"), utc);
}

TEST(TelemetryTimestamp, AgreesWithTheStandardCalendarOverCenturies) {
  for (int y = 1; y <= 9999; y += 37) {
    for (unsigned m = 1; m <= 12; ++m) {
      const year_month_day date{year{y}, month{m}, day{m == 2 ? 28U : 30U}};
      EXPECT_EQ(days_from_civil(y, m, static_cast<unsigned>(date.day())), sys_days(date).time_since_epoch().count());
      const Timestamp time = at(date, hours(23) + minutes(59) + seconds(58) + microseconds(123456));
      EXPECT_EQ(parse_timestamp(format_timestamp(time)), time) << format_timestamp(time);
    }
  }
  EXPECT_EQ(parse_timestamp("2024-02-29T00:00:00Z"), at(2024y / February / 29, {}));
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59.999Z"), Timestamp(microseconds(-1000)));
}

TEST(TelemetryTimestamp, RejectsMalformedTimes) {
  for (const char* text : {"", "2025-06-10", "2025-06-10T14:03:11", "2025-06-10T14:03:11.Z", "2025-13-10T14:03:11Z",
                           "2025-02-29T14:03:11Z", "2025-06-10T24:03:11Z", "2025-06-10T14:60:11Z",
                           "2025-06-10 14:03:11Z", "2025-06-10T14:03:11.402", "2025-06-10T14:03:11.402Zjunk",
                           "2025-06-10T14:03:11+0000", "+2025-06-10T14:03:11Z", "2025-6-10T14:03:11Z",
                           "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
  }
}

TEST(TelemetryTimestamp, TheRememberingParserAgreesWithTheOneShotParser) {
  TimestampParser parse;
  for (const char* text : {"2025-06-10T14:03:11.402Z", "2025-06-10T14:03:11.403Z", "2025-06-10T14:03:11.4x3Z",
                           "2025-06-10T14:03:11.999Z", "2025-06-10T14:03:12.000Z", "2025-06-10T14:03:11.402517Z",
                           "2025-06-10T14:03:12.001Z", "2025-06-11T14:03:12.001Z", "2025-02-30T14:03:12.001Z",
                           "2025-06-11T14:03:12.001+00:00", "2025-06-11T14:03:12.001Z", "garbage"}) {
    EXPECT_EQ(parse(text), parse_timestamp(text)) << text;
  }
}

TEST(TelemetryTimestamp, TheRememberingParserAgreesAcrossSecondsAndMinutes) {
  TimestampParser parse;
  for (const char* text : {"2025-06-10T14:03:11.402Z", "2025-06-10T14:03:59.999Z", "2025-06-10T14:03:60.000Z",
                           "2025-06-10T14:03:61.000Z", "2025-06-10T14:03:5x.000Z", "2025-06-10T14:03:12.00xZ",
                           "2025-06-10T14:03:12.001Z", "2025-06-10T14:04:00.001Z", "2025-06-10T14:04:07.001Z",
                           "1969-12-31T23:59:58.100Z", "1969-12-31T23:59:07.200Z", "1969-12-31T23:59:60.300Z",
                           "0000-01-01T00:00:00.000Z", "0000-01-01T00:00:01.000Z"}) {
    EXPECT_EQ(parse(text), parse_timestamp(text)) << text;
  }
}

TEST(TelemetryTimestamp, FormatsMillisecondsOrMicroseconds) {
  const auto base = at(2025y / June / 10, hours(14) + minutes(3) + seconds(11));
  EXPECT_EQ(format_timestamp(base + milliseconds(402)), "2025-06-10T14:03:11.402Z");
  EXPECT_EQ(format_timestamp(base), "2025-06-10T14:03:11.000Z");
  EXPECT_EQ(format_timestamp(base + microseconds(402517)), "2025-06-10T14:03:11.402517Z");
  EXPECT_EQ(format_timestamp(base + microseconds(7)), "2025-06-10T14:03:11.000007Z");
  EXPECT_EQ(format_timestamp(Timestamp(microseconds(-1))), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
}

TEST(TelemetryEnums, EventTypesRoundTrip) {
  for (int i = 0; i < static_cast<int>(EventType::unknown); ++i) {
    const auto type = static_cast<EventType>(i);
    EXPECT_EQ(parse_event_type(to_string(type)), type) << to_string(type);
  }
  EXPECT_EQ(parse_event_type("platform.initStart"), EventType::platform_init_start);
  EXPECT_EQ(parse_event_type("platform.logsSubscription"), EventType::platform_logs_subscription);
  EXPECT_EQ(parse_event_type("platform.fault"), EventType::platform_fault);
  EXPECT_EQ(parse_event_type("function"), EventType::function);
  EXPECT_EQ(parse_event_type("platform."), EventType::unknown);
  EXPECT_EQ(parse_event_type("platform.Start"), EventType::unknown);
  EXPECT_EQ(parse_event_type(""), EventType::unknown);
  EXPECT_EQ(to_string(EventType::unknown), "unknown");
}

TEST(TelemetryEnums, StatusesInitTypesPhasesAndSpanNames) {
  EXPECT_EQ(parse_status("success"), Status::success);
  EXPECT_EQ(parse_status("error"), Status::error);
  EXPECT_EQ(parse_status("failure"), Status::failure);
  EXPECT_EQ(parse_status("timeout"), Status::timeout);
  EXPECT_EQ(parse_status("Success"), Status::unknown);
  EXPECT_EQ(to_string(Status::timeout), "timeout");
  EXPECT_EQ(parse_init_type("on-demand"), InitType::on_demand);
  EXPECT_EQ(parse_init_type("provisioned-concurrency"), InitType::provisioned_concurrency);
  EXPECT_EQ(parse_init_type("snap-start"), InitType::snap_start);
  EXPECT_EQ(parse_init_type("lambda-managed-instances"), InitType::lambda_managed_instances);
  EXPECT_EQ(to_string(InitType::provisioned_concurrency), "provisioned-concurrency");
  EXPECT_EQ(parse_init_phase("init"), InitPhase::init);
  EXPECT_EQ(parse_init_phase("invoke"), InitPhase::invoke);
  EXPECT_EQ(parse_init_phase("snap-start"), InitPhase::snap_start);
  EXPECT_EQ(to_string(InitPhase::invoke), "invoke");
  EXPECT_EQ(parse_span_name("responseLatency"), SpanName::response_latency);
  EXPECT_EQ(parse_span_name("responseDuration"), SpanName::response_duration);
  EXPECT_EQ(parse_span_name("runtimeOverhead"), SpanName::runtime_overhead);
  EXPECT_EQ(parse_span_name("extensionOverhead"), SpanName::extension_overhead);
  EXPECT_EQ(parse_span_name("other"), SpanName::unknown);
  EXPECT_EQ(to_string(SpanName::extension_overhead), "extensionOverhead");
}

}  // namespace
}  // namespace lambda_relay::telemetry
