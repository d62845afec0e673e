// Identifiers the platform hands out: request ids, extension ids (UUID v4) and X-Ray trace headers.
#pragma once

#include <string>
#include <string_view>

namespace lambda_emulator {

std::string new_uuid();
[[nodiscard]] bool looks_like_uuid(std::string_view text);
// "Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=1"
std::string new_trace_header();

}  // namespace lambda_emulator
