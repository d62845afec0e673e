#include "insight/log_severity.hpp"

#include <array>
#include <cctype>

namespace lambda_relay::insight {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool is_upper_word(std::string_view word) noexcept {
  if (word.empty()) return false;
  for (const char c : word) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

struct Name {
  std::string_view text;
  int number;
  bool takes_suffix;  // TRACE2..4 etc.
};

constexpr std::array<Name, 10> kNames{{
    {"TRACE", 1, true},
    {"DEBUG", 5, true},
    {"INFO", 9, true},
    {"WARN", 13, true},
    {"ERROR", 17, true},
    {"FATAL", 21, true},
    {"WARNING", 13, false},
    {"CRITICAL", 21, false},
    {"ALL", 1, false},
    {"NOTICE", 10, false},  // syslog's notice sits just above info
}};

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  return text;
}

// The next word of `line` separated by spaces or tabs; `line` advances past it.
std::string_view next_word(std::string_view& line) noexcept {
  std::size_t start = 0;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  std::size_t end = start;
  while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
  const auto word = line.substr(start, end - start);
  line.remove_prefix(end);
  return word;
}

bool starts_with_digit(std::string_view word) noexcept {
  return !word.empty() && word.front() >= '0' && word.front() <= '9';
}

}  // namespace

int severity_from_level(std::string_view level) noexcept {
  level = trim(level);
  for (const auto& name : kNames) {
    if (iequals(level, name.text)) return name.number;
    if (name.takes_suffix && level.size() == name.text.size() + 1 && iequals(level.substr(0, name.text.size()), name.text)) {
      const char digit = level.back();
      if (digit >= '2' && digit <= '4') return name.number + (digit - '1');
    }
  }
  return 0;
}

int severity_from_line(std::string_view line) noexcept {
  // "[LEVEL]" first (Python and many loggers), any case.
  if (line.starts_with('[')) {
    const auto close = line.find(']');
    if (close != std::string_view::npos && close <= 10) {
      if (const int number = severity_from_level(line.substr(1, close - 1)); number != 0) return number;
    }
  }
  std::string_view rest = line;
  const auto first = next_word(rest);
  // "ERROR: ..." or "WARN ..." — upper case only: "Error: boom" is an exception's text, not a level.
  auto bare = first;
  if (bare.ends_with(':')) bare.remove_suffix(1);
  if (is_upper_word(bare)) {
    if (const int number = severity_from_level(bare); number != 0) return number;
  }
  // After a timestamp, the level is one of the next three words (Node: time, request id, LEVEL; Java:
  // date, time, request id, LEVEL).
  if (starts_with_digit(first)) {
    for (int i = 0; i < 3 && !rest.empty(); ++i) {
      const auto word = next_word(rest);
      if (is_upper_word(word)) {
        if (const int number = severity_from_level(word); number != 0) return number;
      }
    }
  }
  // logfmt: "level=error" anywhere among the first words.
  rest = line;
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    const auto word = next_word(rest);
    if (word.size() > 6 && iequals(word.substr(0, 6), "level=")) {
      auto value = word.substr(6);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return severity_from_level(value);
    }
  }
  return 0;
}

std::string_view severity_name(int number) noexcept {
  static constexpr std::array<std::string_view, 25> kShortNames{
      "",      "TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4",
      "INFO",  "INFO2", "INFO3",  "INFO4",  "WARN",   "WARN2", "WARN3",  "WARN4",  "ERROR",
      "ERROR2", "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4"};
  if (number < 0 || number > 24) return "";
  return kShortNames[static_cast<std::size_t>(number)];
}

}  // namespace lambda_relay::insight
