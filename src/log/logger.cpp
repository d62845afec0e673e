#include "log/logger.hpp"

#include "json/writer.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>

namespace lambda_relay::log {
namespace {

constexpr std::array<std::string_view, 6> kLevelNames{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a failed log write
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

Result<Level> parse_level(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (iequals(text, kLevelNames[i])) return static_cast<Level>(i);
  }
  if (iequals(text, "warning")) return Level::warn;
  return make_error("InvalidValue", fmt::format("\"{}\" is not a log level (trace, debug, info, warn, error, off)", text));
}

Result<Format> parse_format(std::string_view text) {
  if (iequals(text, "text")) return Format::text;
  if (iequals(text, "json")) return Format::json;
  return make_error("InvalidValue", fmt::format("\"{}\" is not a log format (text, json)", text));
}

std::string_view level_name(Level level) { return kLevelNames[static_cast<std::size_t>(level)]; }

Logger::Logger(std::string component, Level threshold, Format format, int fd)
    : component_(std::move(component)), threshold_(threshold), format_(format), fd_(fd) {}

void Logger::write(Level level, std::string_view message) const {
  if (sink_) {
    sink_(level, message);
    return;
  }
  std::string line;
  line.reserve(message.size() + component_.size() + 64);
  if (format_ == Format::json) {
    json::Writer w(line);
    w.begin_object();
    w.field("timestamp", json::iso8601(std::chrono::system_clock::now()));
    w.field("level", level_name(level));
    w.field("logger", component_);
    w.field("message", message);
    w.end_object();
  } else {
    fmt::format_to(std::back_inserter(line), "[{}] {} {}", component_, level_name(level), message);
  }
  line.push_back('\n');
  write_all(fd_, line);
}

}  // namespace lambda_relay::log
