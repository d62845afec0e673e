#include "json/writer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace lambda_relay::json {
namespace {

using namespace std::chrono_literals;

bool is_valid_json(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  return parser.parse(text).get(element) == simdjson::SUCCESS;
}

std::string escaped(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

// Parses `text` as one JSON string and returns its decoded value.
std::string decoded(const std::string& text) {
  simdjson::dom::parser parser;
  std::string_view value;
  EXPECT_EQ(parser.parse(text).get_string().get(value), simdjson::SUCCESS) << text;
  return std::string(value);
}

TEST(JsonWriter, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(escaped(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
}

TEST(JsonWriter, EscapesNamedControlCharacters) {
  EXPECT_EQ(escaped("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
}

TEST(JsonWriter, EscapesOtherControlCharactersAsUnicode) {
  const std::string text{'\x00', '\x01', '\x1f', 'x'};
  EXPECT_EQ(escaped(text), R"("\u0000\u0001\u001fx")");
}

TEST(JsonWriter, EscapedStringsRoundTripThroughAParser) {
  std::string every_byte;
  for (int c = 1; c < 0x80; ++c) every_byte.push_back(static_cast<char>(c));
  every_byte += "\xc3\xa9\xe2\x82\xac";  // UTF-8 passes through untouched
  const auto json = escaped(every_byte);
  ASSERT_TRUE(is_valid_json(json)) << json;
  EXPECT_EQ(decoded(json), every_byte);
}

TEST(JsonWriter, LeavesPrintableTextAndDelUnescaped) {
  EXPECT_EQ(escaped("plain text /\x7f"), "\"plain text /\x7f\"");
  EXPECT_EQ(escaped(""), R"("")");
}

TEST(JsonWriter, PlacesCommasBetweenItemsOfNestedContainers) {
  std::string out;
  Writer w(out);
  w.begin_object();
  w.key("a").begin_array().value(1).begin_object().field("b", true).end_object().begin_array().end_array().end_array();
  w.key("c").begin_object().end_object();
  w.field("d", "x");
  w.key("e").null();
  w.key("f").raw(R"({"g":[1,2]})");
  w.end_object();
  EXPECT_EQ(out, R"({"a":[1,{"b":true},[]],"c":{},"d":"x","e":null,"f":{"g":[1,2]}})");
  EXPECT_TRUE(is_valid_json(out));
}

TEST(JsonWriter, TopLevelArrayOfObjectsIsValid) {
  std::string out;
  Writer w(out);
  w.begin_array();
  for (int i = 0; i < 3; ++i) w.begin_object().field("i", i).field("s", std::string("v")).end_object();
  w.end_array();
  EXPECT_EQ(out, R"([{"i":0,"s":"v"},{"i":1,"s":"v"},{"i":2,"s":"v"}])");
}

TEST(JsonWriter, EscapesKeys) {
  std::string out;
  Writer(out).begin_object().field("we\"ird\n", false).end_object();
  EXPECT_EQ(out, R"({"we\"ird\n":false})");
}

TEST(JsonWriter, WritesIntegerExtremes) {
  std::string out;
  Writer(out)
      .begin_array()
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::int64_t>::max())
      .value(std::numeric_limits<std::uint64_t>::max())
      .value(-1)
      .end_array();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,18446744073709551615,-1]");
  EXPECT_TRUE(is_valid_json(out));
}

TEST(JsonWriter, WritesDoublesInShortestRoundTripForm) {
  std::string out;
  Writer(out).begin_array().value(1.5).value(0.1).value(-2.25).value(3.0).value(1e21).value(12.345).end_array();
  EXPECT_EQ(out, "[1.5,0.1,-2.25,3,1e+21,12.345]");
  ASSERT_TRUE(is_valid_json(out));

  simdjson::dom::parser parser;
  simdjson::dom::array array;
  ASSERT_EQ(parser.parse(out).get_array().get(array), simdjson::SUCCESS);
  double second = 0;
  ASSERT_EQ(array.at(1).get_double().get(second), simdjson::SUCCESS);
  EXPECT_EQ(second, 0.1);
}

TEST(JsonWriter, WritesNonFiniteDoublesAsNull) {
  std::string out;
  Writer(out)
      .begin_array()
      .value(std::numeric_limits<double>::quiet_NaN())
      .value(std::numeric_limits<double>::infinity())
      .value(-std::numeric_limits<double>::infinity())
      .end_array();
  EXPECT_EQ(out, "[null,null,null]");
}

TEST(JsonWriter, FormatsIso8601InUtcWithMilliseconds) {
  const std::chrono::system_clock::time_point time{std::chrono::milliseconds(1749564194737)};
  EXPECT_EQ(iso8601(time), "2025-06-10T14:03:14.737Z");
}

TEST(JsonWriter, Iso8601PadsMillisecondsAndTruncatesMicroseconds) {
  const std::chrono::system_clock::time_point epoch{};
  EXPECT_EQ(iso8601(epoch), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(epoch + 7ms + 999us), "1970-01-01T00:00:00.007Z");
  EXPECT_EQ(iso8601(epoch + 86'399'999ms), "1970-01-01T23:59:59.999Z");
}

}  // namespace
}  // namespace lambda_relay::json

namespace lambda_relay::json {
namespace {

TEST(Iso8601, TimesBefore1970KeepPositiveMilliseconds) {
  using namespace std::chrono;
  EXPECT_EQ(iso8601(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601(system_clock::time_point(milliseconds(-1000))), "1969-12-31T23:59:59.000Z");
}

TEST(JsonWriter, WritesUnsignedInts) {
  std::string out;
  Writer(out).begin_array().value(5u).end_array();
  EXPECT_EQ(out, "[5]");
}

}  // namespace
}  // namespace lambda_relay::json
