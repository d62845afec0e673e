// One-line log records to stdout (Lambda ships stdout to CloudWatch and to `extension` telemetry),
// in text or JSON. Secrets never reach the logger: callers log names and redacted values only.
#pragma once

#include <fmt/format.h>

#include <lambda_relay/result.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace lambda_relay::log {

enum class Level { trace, debug, info, warn, error, off };
enum class Format { text, json };

[[nodiscard]] Result<Level> parse_level(std::string_view text);
[[nodiscard]] Result<Format> parse_format(std::string_view text);
[[nodiscard]] std::string_view level_name(Level level);

class Logger {
 public:
  explicit Logger(std::string component, Level threshold = Level::info, Format format = Format::text, int fd = 1);

  [[nodiscard]] bool enabled(Level level) const noexcept { return level >= threshold_ && level != Level::off; }
  void set_threshold(Level level) noexcept { threshold_ = level; }
  void set_format(Format format) noexcept { format_ = format; }
  // Hands every record (level, message) to `sink` instead of writing it (library users' own logging).
  void set_sink(std::function<void(Level, std::string_view)> sink) { sink_ = std::move(sink); }
  [[nodiscard]] const std::string& component() const noexcept { return component_; }

  // Writes one record with a single write(2): lines from several processes never interleave.
  void write(Level level, std::string_view message) const;

  template <typename... Args>
  void trace(fmt::format_string<Args...> f, Args&&... args) const { emit(Level::trace, f, std::forward<Args>(args)...); }
  template <typename... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const { emit(Level::debug, f, std::forward<Args>(args)...); }
  template <typename... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const { emit(Level::info, f, std::forward<Args>(args)...); }
  template <typename... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) const { emit(Level::warn, f, std::forward<Args>(args)...); }
  template <typename... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const { emit(Level::error, f, std::forward<Args>(args)...); }

 private:
  template <typename... Args>
  void emit(Level level, fmt::format_string<Args...> f, Args&&... args) const {
    if (enabled(level)) write(level, fmt::format(f, std::forward<Args>(args)...));
  }

  std::string component_;
  Level threshold_;
  Format format_;
  int fd_;
  std::function<void(Level, std::string_view)> sink_;
};

}  // namespace lambda_relay::log
