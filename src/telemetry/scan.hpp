// Small byte scans over JSON text inside simdjson's padded buffer. Private to the decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lambda_relay::telemetry::scan {

// Scanning strings 16 bytes at a time (SSE2, or 8 with SWAR elsewhere). Reading up to 31 bytes past a
// string is safe: strings lie inside the document, which is followed by SIMDJSON_PADDING bytes.
#if defined(__SSE2__)
inline unsigned match16(const char* p, char byte) noexcept {
  const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(byte))));
}
[[gnu::always_inline]] inline bool has_backslash(const char* p, std::size_t size) noexcept {
  if (size <= 16) return (match16(p, '\\') & ((1U << size) - 1U)) != 0;  // most keys and values
  if (size <= 32) {
    const unsigned hits = match16(p, '\\') | (match16(p + 16, '\\') << 16);
    return (hits & static_cast<unsigned>((std::uint64_t{1} << size) - 1)) != 0;
  }
  std::size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    if (match16(p + i, '\\') != 0) return true;
  }
  return i < size && (match16(p + i, '\\') & ((1U << (size - i)) - 1U)) != 0;
}
#else
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}
// High bit set in each byte of `word` that equals `byte` (exact for the lowest match).
inline std::uint64_t match_byte(std::uint64_t word, unsigned char byte) noexcept {
  const std::uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & kHighs;
}
inline bool has_backslash(const char* p, std::size_t size) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    if (match_byte(load8(p + i), '\\') != 0) return true;
  }
  for (; i < size; ++i) {
    if (p[i] == '\\') return true;
  }
  return false;
}
#endif

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim_right(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace lambda_relay::telemetry::scan
