// A small streaming JSON writer: appends to a std::string, places commas itself, escapes strings
// per RFC 8259. Used wherever lambda-relay or the emulator produce JSON; simdjson does the reading.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::json {

// Appends `text` as a quoted, escaped JSON string.
void append_string(std::string& out, std::string_view text);

// "2025-06-10T14:03:11.402Z": UTC, millisecond precision, as Lambda writes times.
std::string iso8601(std::chrono::system_clock::time_point time);

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view name);

  Writer& value(std::string_view text);
  Writer& value(const char* text) { return value(std::string_view(text)); }
  Writer& value(const std::string& text) { return value(std::string_view(text)); }
  Writer& value(bool flag);
  Writer& value(std::int64_t number);
  Writer& value(std::uint64_t number);
  Writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  Writer& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
  Writer& value(double number);
  Writer& null();
  // Inserts already-serialised JSON (caller guarantees it is valid).
  Writer& raw(std::string_view json_text);

  template <typename T>
  Writer& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void before_value();

  std::string& out_;
  std::vector<bool> has_items_;  // one entry per open container
  bool after_key_ = false;
};

}  // namespace lambda_relay::json
