#include "telemetry/array_cut.hpp"

namespace lambda_relay::telemetry {
namespace {

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

ArrayCut find_array_cut(std::string_view text) noexcept {
  ArrayCut cut;
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i == text.size() || text[i] != '[') return cut;
  ++i;
  cut.complete_end = i;
  cut.cut_offset = text.size();

  std::size_t depth = 1;        // 1 = directly inside the batch array
  bool in_string = false;
  bool escaped = false;
  bool open_element = false;     // an element at depth 1 has started and not yet ended
  std::size_t element_start = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) {  // a string element is complete
          cut.complete_end = i + 1;
          ++cut.elements;
          open_element = false;
        }
      }
      continue;
    }
    if (is_space(c)) continue;
    if (depth == 1 && !open_element && c != ',' && c != ']' && c != '}') {
      open_element = true;
      element_start = i;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{': ++depth; break;
      case ']':
      case '}':
        if (depth == 1) {  // the batch array closes here: whatever follows is junk
          if (open_element) {  // a scalar element ends at the bracket
            cut.complete_end = i;
            ++cut.elements;
          }
          cut.trailing_content = true;
          cut.cut_offset = i + 1;
          return cut;
        }
        --depth;
        if (depth == 1) {  // a container element is complete
          cut.complete_end = i + 1;
          ++cut.elements;
          open_element = false;
        }
        break;
      case ',':
        if (depth == 1 && open_element) {  // a scalar element ends at the comma
          cut.complete_end = i;
          ++cut.elements;
          open_element = false;
        }
        break;
      default: break;
    }
  }
  if (open_element) cut.cut_offset = element_start;
  return cut;
}

}  // namespace lambda_relay::telemetry
