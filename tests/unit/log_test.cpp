#include "log/logger.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

namespace lambda_relay::log {
namespace {

// A pipe the logger writes into; read() returns everything written so far.
class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_.data(), O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2 failed");
  }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  [[nodiscard]] int write_fd() const { return fds_[1]; }

  std::string read_all() const {
    std::string out;
    std::array<char, 4096> chunk{};
    for (;;) {
      const ssize_t n = ::read(fds_[0], chunk.data(), chunk.size());
      if (n <= 0) break;  // EAGAIN: everything written so far has been read
      out.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  std::array<int, 2> fds_{-1, -1};
};

// "2025-06-10T14:03:11.402Z" (std::regex trips GCC 12's -Wmaybe-uninitialized at -O1).
bool looks_like_iso8601(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));  // unterminated: caught by the tests
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(LogParseLevel, AcceptsEveryLevelCaseInsensitively) {
  const std::vector<std::pair<std::string, Level>> cases{
      {"trace", Level::trace}, {"DEBUG", Level::debug}, {"Info", Level::info}, {"warn", Level::warn},
      {"WARNING", Level::warn}, {"error", Level::error}, {"off", Level::off}};
  for (const auto& [text, level] : cases) {
    auto parsed = parse_level(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, level) << text;
  }
}

TEST(LogParseLevel, RejectsUnknownLevelNamingTheValue) {
  for (const std::string text : {"", "verbose", "info ", "3"}) {
    auto parsed = parse_level(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.error().message.find('"' + text + '"'), std::string::npos) << parsed.error().message;
  }
}

TEST(LogParseFormat, AcceptsTextAndJsonCaseInsensitively) {
  EXPECT_EQ(*parse_format("text"), Format::text);
  EXPECT_EQ(*parse_format("JSON"), Format::json);
  EXPECT_EQ(*parse_format("Json"), Format::json);
}

TEST(LogParseFormat, RejectsUnknownFormat) {
  for (const std::string text : {"", "xml", "jsonl"}) {
    auto parsed = parse_format(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.error().message.find("log format"), std::string::npos);
  }
}

TEST(Logger, JsonOutputIsOneValidJsonObjectPerLineWithAllFields) {
  Pipe pipe;
  Logger logger("relay-test", Level::info, Format::json, pipe.write_fd());
  logger.info("hello {} \"{}\"", "world", "quoted\nnewline\\");
  logger.error("second {}", 2);

  const auto lines = lines_of(pipe.read_all());
  ASSERT_EQ(lines.size(), 2U);
  const std::array<std::pair<std::string_view, std::string_view>, 2> expected{
      {{"INFO", "hello world \"quoted\nnewline\\\""}, {"ERROR", "second 2"}}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    simdjson::dom::parser parser;
    simdjson::dom::object record;
    ASSERT_EQ(parser.parse(lines[i]).get_object().get(record), simdjson::SUCCESS) << lines[i];
    std::string_view timestamp, level, name, message;
    ASSERT_EQ(record["timestamp"].get_string().get(timestamp), simdjson::SUCCESS) << lines[i];
    ASSERT_EQ(record["level"].get_string().get(level), simdjson::SUCCESS) << lines[i];
    ASSERT_EQ(record["logger"].get_string().get(name), simdjson::SUCCESS) << lines[i];
    ASSERT_EQ(record["message"].get_string().get(message), simdjson::SUCCESS) << lines[i];
    EXPECT_TRUE(looks_like_iso8601(timestamp)) << timestamp;
    EXPECT_EQ(level, expected[i].first);
    EXPECT_EQ(name, "relay-test");
    EXPECT_EQ(message, expected[i].second);
    EXPECT_EQ(record.size(), 4U);
  }
}

TEST(Logger, TextOutputNamesComponentAndLevel) {
  Pipe pipe;
  Logger logger("relay-test", Level::debug, Format::text, pipe.write_fd());
  logger.debug("value={}", 42);
  EXPECT_EQ(pipe.read_all(), "[relay-test] DEBUG value=42\n");
}

TEST(Logger, DropsRecordsBelowThreshold) {
  Pipe pipe;
  Logger logger("t", Level::warn, Format::text, pipe.write_fd());
  logger.trace("no");
  logger.debug("no");
  logger.info("no");
  logger.warn("yes");
  logger.error("also");
  EXPECT_EQ(pipe.read_all(), "[t] WARN yes\n[t] ERROR also\n");
}

TEST(Logger, OffThresholdWritesNothing) {
  Pipe pipe;
  Logger logger("t", Level::off, Format::json, pipe.write_fd());
  logger.error("nothing");
  EXPECT_FALSE(logger.enabled(Level::off));
  EXPECT_EQ(pipe.read_all(), "");
}

TEST(Logger, SwitchesFormatAndThresholdAtRunTime) {
  Pipe pipe;
  Logger logger("t", Level::error, Format::text, pipe.write_fd());
  logger.info("dropped");
  logger.set_threshold(Level::info);
  logger.set_format(Format::json);
  logger.info("kept");
  const auto text = pipe.read_all();
  ASSERT_EQ(lines_of(text).size(), 1U) << text;
  EXPECT_NE(text.find(R"("message":"kept")"), std::string::npos) << text;
}

}  // namespace
}  // namespace lambda_relay::log
