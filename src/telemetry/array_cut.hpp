// Finding where a JSON array that was cut short (a truncated POST body) can be closed, so the
// elements before the cut can still be decoded.
#pragma once

#include <cstddef>
#include <string_view>

namespace lambda_relay::telemetry {

struct ArrayCut {
  std::size_t complete_end = 0;  // text[0, complete_end) = "[" + the complete elements (no trailing comma)
  std::size_t elements = 0;      // how many complete elements that prefix holds
  std::size_t cut_offset = 0;    // where the first incomplete element (or the junk) starts
  bool trailing_content = false;  // the array was closed, but something follows it
};

// `text` starts (after white space) with '['. Scans strings, escapes and nesting (not validating
// anything else: simdjson validates the prefix afterwards).
[[nodiscard]] ArrayCut find_array_cut(std::string_view text) noexcept;

}  // namespace lambda_relay::telemetry
