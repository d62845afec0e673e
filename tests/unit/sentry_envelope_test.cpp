// Envelope reading (spec §1.5): both producers' styles, and every way an envelope can arrive broken.
#include "relay/sentry/data_category.hpp"
#include "relay/sentry/envelope.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace lambda_relay::relay::sentry {
namespace {

// As the JS SDK writes them: no lengths, no trailing newline.
constexpr std::string_view kJsStyle =
    "{\"sent_at\":\"2026-11-22T23:36:07.845Z\",\"dsn\":\"http://publickey@127.0.0.1:8999/42\"}\n"
    "{\"type\":\"session\"}\n"
    "{\"sid\":\"8587466a\",\"status\":\"ok\"}";

// As sentry-python writes them: lengths and a newline after every payload.
constexpr std::string_view kPythonStyle =
    "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n"
    "{\"type\":\"event\",\"length\":11,\"content_type\":\"application/json\"}\n"
    "{\"a\":\n\"bc\"}\n"
    "{\"type\":\"attachment\",\"length\":5,\"filename\":\"x.bin\"}\n"
    "\n\x01\x02\n\x03\n";

std::string error_of(std::string_view bytes) {
  auto parsed = parse_envelope(bytes);
  if (parsed) return "(parsed)";
  EXPECT_EQ(parsed.error().code, "InvalidEnvelope");
  return parsed.error().message;
}

TEST(SentryEnvelope, ReadsItemsWithoutLengthAndTheHeadersDsn) {
  auto envelope = parse_envelope(kJsStyle);
  ASSERT_TRUE(envelope) << envelope.error().message;
  EXPECT_EQ(envelope->dsn, std::optional<std::string>("http://publickey@127.0.0.1:8999/42"));
  ASSERT_EQ(envelope->items.size(), 1U);
  EXPECT_EQ(envelope->items[0].type, "session");
  EXPECT_EQ(kJsStyle.substr(envelope->items[0].payload_offset, envelope->items[0].payload_size),
            "{\"sid\":\"8587466a\",\"status\":\"ok\"}");
  EXPECT_EQ(main_category(*envelope), "session");
}

TEST(SentryEnvelope, ReadsLengthPrefixedItemsWhosePayloadsHoldNewlines) {
  auto envelope = parse_envelope(kPythonStyle);
  ASSERT_TRUE(envelope) << envelope.error().message;
  EXPECT_FALSE(envelope->dsn);
  EXPECT_EQ(envelope->event_id, "9ec79c33ec9942ab8353589fcb2e04dc");
  ASSERT_EQ(envelope->items.size(), 2U);
  EXPECT_EQ(envelope->items[0].type, "event");
  EXPECT_EQ(envelope->items[0].payload_size, 11U);
  EXPECT_EQ(envelope->items[1].type, "attachment");
  EXPECT_EQ(kPythonStyle.substr(envelope->items[1].payload_offset, 5), std::string_view("\n\x01\x02\n\x03", 5));
  EXPECT_EQ(main_category(*envelope), "error") << "the event decides, not the first item";
}

TEST(SentryEnvelope, AcceptsHeadersOnlyAndEmptyPayloads) {
  auto headers_only = parse_envelope("{}");
  ASSERT_TRUE(headers_only);
  EXPECT_TRUE(headers_only->items.empty());
  EXPECT_EQ(main_category(*headers_only), "");
  EXPECT_TRUE(parse_envelope("{}\n"));
  auto empty_payload = parse_envelope("{}\n{\"type\":\"attachment\",\"length\":0}\n");
  ASSERT_TRUE(empty_payload) << empty_payload.error().message;
  ASSERT_EQ(empty_payload->items.size(), 1U);
  EXPECT_EQ(empty_payload->items[0].payload_size, 0U);
}

TEST(SentryEnvelope, RejectsAPayloadShorterThanItsLength) {
  const std::string envelope(kPythonStyle.substr(0, kPythonStyle.size() - 3));
  EXPECT_NE(error_of(envelope).find("item 2 (attachment) declares 5 bytes but only 3 follow"), std::string::npos)
      << error_of(envelope);
}

TEST(SentryEnvelope, RejectsAJsonPayloadWithoutLengthThatWasCutShort) {
  const auto cut = kJsStyle.substr(0, kJsStyle.size() - 10);
  EXPECT_NE(error_of(cut).find("item 1 (session) is not complete JSON"), std::string::npos) << error_of(cut);
  const auto header_only = kJsStyle.substr(0, kJsStyle.find("{\"sid\""));
  EXPECT_NE(error_of(header_only).find("item 1 (session)"), std::string::npos) << error_of(header_only);
}

TEST(SentryEnvelope, RejectsBytesThatAreNotAnEnvelope) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("hello").find("envelope headers line is not JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"dsn\":42}").find("\"dsn\" is not a string"), std::string::npos);
  EXPECT_NE(error_of("{}\n{\"length\":2}\nab").find("item 1 has no \"type\""), std::string::npos);
  EXPECT_NE(error_of("{}\n{\"type\":\"event\",\"length\":-1}\n").find("\"length\" is not"), std::string::npos);
  EXPECT_NE(error_of("{}\n{\"type\":\"x\",\"length\":2}\nabc").find("not followed by a newline"), std::string::npos);
  EXPECT_NE(error_of("{}\n{\"type\":\"x\",\"length\":18446744073709551615}\nabc").find("truncated"), std::string::npos);
  EXPECT_NE(error_of("\x1f\x8b\x08\x00").find("not JSON"), std::string::npos) << "still compressed";
}

TEST(SentryEnvelope, KeepsUnknownItemTypesAndNonJsonPayloadsWithoutLength) {
  auto envelope = parse_envelope("{}\n{\"type\":\"statsd\"}\nfoo:1|c\n{\"type\":\"future_thing\"}\nwhatever");
  ASSERT_TRUE(envelope) << envelope.error().message;
  ASSERT_EQ(envelope->items.size(), 2U);
  EXPECT_EQ(main_category(*envelope), "metric_bucket");
  EXPECT_EQ(data_category("future_thing"), "unknown");
}

TEST(SentryEnvelope, MapsItemTypesToTheirDataCategories) {
  EXPECT_EQ(data_category("event"), "error");
  EXPECT_EQ(data_category("transaction"), "transaction");
  EXPECT_EQ(data_category("client_report"), "internal");
  EXPECT_EQ(data_category("check_in"), "monitor");
  EXPECT_EQ(data_category("log"), "log_item");
  EXPECT_EQ(data_category("sessions"), "session");
  auto transaction = parse_envelope("{}\n{\"type\":\"profile\",\"length\":2}\n{}\n{\"type\":\"transaction\"}\n{}");
  ASSERT_TRUE(transaction);
  EXPECT_EQ(main_category(*transaction), "transaction");
}

// Every envelope captured from the real SDKs parses (gzipped ones once decoded).
TEST(SentryEnvelope, ParsesEveryCapturedSdkEnvelope) {
  const auto shared = test::fixtures_dir();
  if (!shared) GTEST_SKIP() << "shared fixtures not found";
  const auto fixtures = *shared / "sentry";
  std::size_t parsed = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(fixtures)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".envelope") || name.find(".decoded.") != std::string::npos) continue;
    auto bytes = test::read_file(entry.path());
    if (bytes.starts_with("\x1f\x8b")) bytes = support::gunzip(bytes, 1 << 24).value();
    auto envelope = parse_envelope(bytes);
    ASSERT_TRUE(envelope) << entry.path() << ": " << envelope.error().message;
    EXPECT_FALSE(envelope->items.empty()) << entry.path();
    ++parsed;
  }
  EXPECT_GE(parsed, 30U);
}

}  // namespace
}  // namespace lambda_relay::relay::sentry
