// ISO-8601 UTC times as the Telemetry API writes them ("2025-06-10T14:03:11.402Z"), to and from
// telemetry::Timestamp (microseconds since the epoch), without libc's time functions.
#pragma once

#include <lambda_relay/telemetry.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::telemetry {

// Days since 1970-01-01 of a proleptic Gregorian date (any year; month 1..12, day 1..31).
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);                      // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)". Any number of fractional digits (beyond microseconds
// they are truncated). The result must fall within the years 0000..9999. Nothing on a malformed text.
[[nodiscard]] std::optional<Timestamp> parse_timestamp(std::string_view text) noexcept;

// parse_timestamp for a stream of times that mostly share their second (a batch): the date and time
// of day of the last "YYYY-MM-DDTHH:MM:SS.mmmZ" are remembered, so the next one in the same second
// only has its milliseconds parsed, and one in the same minute its seconds and milliseconds.
class TimestampParser {
 public:
  // The time in `text` into `out`; false (and `out` untouched) on a malformed text. (Not an optional:
  // the decoder calls this for every event, and returning one costs a store-forwarding stall.)
  [[nodiscard]] bool parse(std::string_view text, Timestamp& out) noexcept;
  [[nodiscard]] std::optional<Timestamp> operator()(std::string_view text) noexcept {
    Timestamp time;
    if (parse(text, time)) return time;
    return std::nullopt;
  }

 private:
  char prefix_[19] = {};
  std::int64_t seconds_ = 0;  // of prefix_
  std::int64_t minute_ = 0;   // seconds_ at the start of its minute
  bool remembered_ = false;
};

// Appends "YYYY-MM-DDTHH:MM:SS.mmmZ", or ".uuuuuuZ" when the time is not a whole millisecond.
// Times outside the years 0000..9999 are clamped to that range.
void append_timestamp(std::string& out, Timestamp time);
[[nodiscard]] std::string format_timestamp(Timestamp time);

}  // namespace lambda_relay::telemetry
