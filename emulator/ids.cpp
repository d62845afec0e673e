#include "ids.hpp"

#include <fmt/format.h>

#include <chrono>
#include <random>

namespace lambda_emulator {
namespace {

std::mt19937_64& generator() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

}  // namespace

std::string new_uuid() {
  auto& g = generator();
  const std::uint64_t hi = (g() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  const std::uint64_t lo = (g() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFULL);
}

bool looks_like_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string new_trace_header() {
  auto& g = generator();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  return fmt::format("Root=1-{:08x}-{:08x}{:016x};Parent={:016x};Sampled=1", seconds, g() & 0xFFFFFFFFULL, g(), g());
}

}  // namespace lambda_emulator
