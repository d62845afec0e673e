#include "json/writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

namespace lambda_relay::json {

void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

std::string iso8601(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  // floor, not truncation: 1969-12-31T23:59:59.999Z is -1 ms, not "-0.001" past 1970.
  const auto ms = floor<milliseconds>(time.time_since_epoch()).count();
  const auto whole_seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::time_t seconds = static_cast<std::time_t>(whole_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Plain integers, not fmt's chrono formatting: that goes through std::locale, which the static
  // binary is built without (FMT_STATIC_THOUSANDS_SEPARATOR).
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, ms - whole_seconds * 1000);
}

void Writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_.push_back(',');
    has_items_.back() = true;
  }
}

Writer& Writer::begin_object() {
  before_value();
  out_.push_back('{');
  has_items_.push_back(false);
  return *this;
}

Writer& Writer::end_object() {
  out_.push_back('}');
  has_items_.pop_back();
  return *this;
}

Writer& Writer::begin_array() {
  before_value();
  out_.push_back('[');
  has_items_.push_back(false);
  return *this;
}

Writer& Writer::end_array() {
  out_.push_back(']');
  has_items_.pop_back();
  return *this;
}

Writer& Writer::key(std::string_view name) {
  before_value();
  append_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

Writer& Writer::value(std::string_view text) {
  before_value();
  append_string(out_, text);
  return *this;
}

Writer& Writer::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

Writer& Writer::value(std::int64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

Writer& Writer::value(std::uint64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

Writer& Writer::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    out_ += "null";  // JSON has no NaN or infinity
  } else {
    fmt::format_to(std::back_inserter(out_), "{}", number);
  }
  return *this;
}

Writer& Writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

Writer& Writer::raw(std::string_view json_text) {
  before_value();
  out_ += json_text;
  return *this;
}

}  // namespace lambda_relay::json
