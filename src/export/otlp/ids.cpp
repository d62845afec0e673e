#include "export/otlp/ids.hpp"

#include <algorithm>
#include <cstring>

namespace lambda_relay::otlp {
namespace {

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(N * 2, '0');
  for (std::size_t i = 0; i < N; ++i) {
    text[2 * i] = kDigits[id[i] >> 4];
    text[2 * i + 1] = kDigits[id[i] & 0xF];
  }
  return text;
}

int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse(std::string_view text) noexcept {
  if (text.size() != N * 2) return std::nullopt;
  std::array<std::uint8_t, N> id{};
  for (std::size_t i = 0; i < N; ++i) {
    const int high = digit_value(text[2 * i]);
    const int low = digit_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    id[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return id;
}

template <std::size_t N>
std::array<std::uint8_t, N> random_id(std::mt19937_64& random) {
  std::array<std::uint8_t, N> id{};
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      const std::uint64_t word = random();
      std::memcpy(id.data() + i, &word, std::min<std::size_t>(8, N - i));
    }
  } while (!is_set(id));
  return id;
}

}  // namespace

std::string to_hex(const TraceId& id) { return hex(id); }
std::string to_hex(const SpanId& id) { return hex(id); }
std::optional<TraceId> parse_trace_id(std::string_view hex_text) noexcept { return parse<16>(hex_text); }
std::optional<SpanId> parse_span_id(std::string_view hex_text) noexcept { return parse<8>(hex_text); }

namespace {
std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}
}  // namespace

IdGenerator::IdGenerator() : random_(random_seed()) {}

TraceId IdGenerator::trace_id() { return random_id<16>(random_); }
SpanId IdGenerator::span_id() { return random_id<8>(random_); }

}  // namespace lambda_relay::otlp
