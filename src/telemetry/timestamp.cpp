#include "telemetry/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace lambda_relay::telemetry {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr std::int64_t kFirstDay = days_from_civil(0, 1, 1);      // 0000-01-01
constexpr std::int64_t kLastDay = days_from_civil(9999, 12, 31);  // 9999-12-31

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// `count` decimal digits at text[pos]; false when one is not a digit or the text is too short.
constexpr bool digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) noexcept {
  if (pos + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  out = value;
  return true;
}

constexpr bool is_leap(unsigned year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
  constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Inverse of days_from_civil (Howard Hinnant's algorithm).
constexpr Civil civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);                                  // [0, 146096]
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const unsigned mp = (5 * day_of_year + 2) / 153;                                                      // [0, 11]
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;                                           // [1, 31]
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;                                                    // [1, 12]
  const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

static_assert(civil_from_days(days_from_civil(2025, 6, 10)).day == 10);
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

void put_digits(char* out, unsigned value, int count) noexcept {
  for (int i = count - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

namespace {

// The form Lambda writes, "YYYY-MM-DDTHH:MM:SS.mmmZ", without loops: seconds since the epoch and
// milliseconds.
struct LambdaForm {
  std::int64_t seconds;
  unsigned millis;
};

inline bool parse_millis(const char* p, unsigned& millis) noexcept {
  const auto a = static_cast<unsigned>(static_cast<unsigned char>(p[20])) - '0';
  const auto b = static_cast<unsigned>(static_cast<unsigned char>(p[21])) - '0';
  const auto c = static_cast<unsigned>(static_cast<unsigned char>(p[22])) - '0';
  millis = a * 100 + b * 10 + c;
  return a <= 9 && b <= 9 && c <= 9;
}

bool parse_lambda_form(const char* p, LambdaForm& out) noexcept {
  unsigned bad = 0;
  auto digit = [&](std::size_t i) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - '0';
    bad |= static_cast<unsigned>(d > 9);
    return d;
  };
  const unsigned year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const unsigned month = digit(5) * 10 + digit(6);
  const unsigned day = digit(8) * 10 + digit(9);
  const unsigned hour = digit(11) * 10 + digit(12);
  const unsigned minute = digit(14) * 10 + digit(15);
  const unsigned second = digit(17) * 10 + digit(18);
  unsigned millis = 0;
  if (bad != 0 || !parse_millis(p, millis) || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' ||
      p[16] != ':' || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  out = LambdaForm{days_from_civil(year, month, day) * 86'400 + hour * 3600 + minute * 60 + second, millis};
  return true;
}

// The first 19 bytes of a and b are equal (three overlapping 8-byte compares).
inline bool same_prefix(const char* a, const char* b) noexcept {
  std::uint64_t x[3], y[3];
  std::memcpy(&x[0], a, 8);
  std::memcpy(&x[1], a + 8, 8);
  std::memcpy(&x[2], a + 11, 8);
  std::memcpy(&y[0], b, 8);
  std::memcpy(&y[1], b + 8, 8);
  std::memcpy(&y[2], b + 11, 8);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

// The first 17 bytes ("YYYY-MM-DDTHH:MM:") of a and b are equal.
inline bool same_minute(const char* a, const char* b) noexcept {
  std::uint64_t x[3], y[3];
  std::memcpy(&x[0], a, 8);
  std::memcpy(&x[1], a + 8, 8);
  std::memcpy(&x[2], a + 9, 8);
  std::memcpy(&y[0], b, 8);
  std::memcpy(&y[1], b + 8, 8);
  std::memcpy(&y[2], b + 9, 8);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

// The seconds "SS" of "YYYY-MM-DDTHH:MM:SS.mmmZ" (0..60, a leap second included).
inline bool parse_second(const char* p, unsigned& second) noexcept {
  const auto a = static_cast<unsigned>(static_cast<unsigned char>(p[17])) - '0';
  const auto b = static_cast<unsigned>(static_cast<unsigned char>(p[18])) - '0';
  second = a * 10 + b;
  return a <= 9 && b <= 9 && second <= 60;
}

constexpr bool is_lambda_form(std::string_view text) noexcept {
  return text.size() == 24 && text[19] == '.' && text[23] == 'Z';
}

Timestamp make_timestamp(std::int64_t seconds, unsigned millis) noexcept {
  return Timestamp(std::chrono::microseconds(seconds * kMicrosPerSecond + millis * 1000));
}

}  // namespace

bool TimestampParser::parse(std::string_view text, Timestamp& out) noexcept {
  unsigned millis = 0, second = 0;
  if (is_lambda_form(text)) {
    if (remembered_ && same_prefix(text.data(), prefix_) && parse_millis(text.data(), millis)) {
      out = make_timestamp(seconds_, millis);
      return true;
    }
    if (remembered_ && same_minute(text.data(), prefix_) && parse_second(text.data(), second) &&
        parse_millis(text.data(), millis)) {
      std::memcpy(prefix_, text.data(), sizeof prefix_);
      seconds_ = minute_ + second;
      out = make_timestamp(seconds_, millis);
      return true;
    }
    LambdaForm parsed{};
    if (parse_lambda_form(text.data(), parsed)) {
      std::memcpy(prefix_, text.data(), sizeof prefix_);
      seconds_ = parsed.seconds;
      (void)parse_second(text.data(), second);  // valid: parse_lambda_form checked it
      minute_ = parsed.seconds - second;
      remembered_ = true;
      out = make_timestamp(parsed.seconds, parsed.millis);
      return true;
    }
  }
  const auto parsed = parse_timestamp(text);
  if (!parsed) return false;
  out = *parsed;
  return true;
}

std::optional<Timestamp> parse_timestamp(std::string_view text) noexcept {
  if (LambdaForm parsed{}; is_lambda_form(text) && parse_lambda_form(text.data(), parsed)) {
    return make_timestamp(parsed.seconds, parsed.millis);
  }
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20) return std::nullopt;
  if (!digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    std::int64_t scale = 100'000;
    while (pos < text.size() && is_digit(text[pos])) {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    unsigned offset_hours = 0, offset_mins = 0;
    if (!digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
      return std::nullopt;
    }
    offset_minutes = static_cast<std::int64_t>(offset_hours * 60 + offset_mins);
    if (text[pos] == '-') offset_minutes = -offset_minutes;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = days * 86'400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  const std::int64_t total = seconds * kMicrosPerSecond + micros;
  if (total < kFirstDay * kMicrosPerDay || total >= (kLastDay + 1) * kMicrosPerDay) return std::nullopt;
  return Timestamp(std::chrono::microseconds(total));
}

void append_timestamp(std::string& out, Timestamp time) {
  std::int64_t micros = time.time_since_epoch().count();
  if (micros < kFirstDay * kMicrosPerDay) micros = kFirstDay * kMicrosPerDay;
  if (micros >= (kLastDay + 1) * kMicrosPerDay) micros = (kLastDay + 1) * kMicrosPerDay - 1;
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  const Civil date = civil_from_days(days);
  const auto seconds_of_day = static_cast<unsigned>(rest / kMicrosPerSecond);
  const auto fraction = static_cast<unsigned>(rest % kMicrosPerSecond);

  std::array<char, 32> buffer{};
  char* p = buffer.data();
  put_digits(p, static_cast<unsigned>(date.year), 4);
  p[4] = '-';
  put_digits(p + 5, date.month, 2);
  p[7] = '-';
  put_digits(p + 8, date.day, 2);
  p[10] = 'T';
  put_digits(p + 11, seconds_of_day / 3600, 2);
  p[13] = ':';
  put_digits(p + 14, seconds_of_day / 60 % 60, 2);
  p[16] = ':';
  put_digits(p + 17, seconds_of_day % 60, 2);
  p[19] = '.';
  std::size_t length = 20;
  if (fraction % 1000 == 0) {
    put_digits(p + length, fraction / 1000, 3);
    length += 3;
  } else {
    put_digits(p + length, fraction, 6);
    length += 6;
  }
  p[length++] = 'Z';
  out.append(p, length);
}

std::string format_timestamp(Timestamp time) {
  std::string out;
  append_timestamp(out, time);
  return out;
}

}  // namespace lambda_relay::telemetry
