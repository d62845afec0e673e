#include "insight/xray.hpp"

#include <cctype>

namespace lambda_relay::insight {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_hex(std::string_view text) {
  for (const char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "1-<8 hex>-<24 hex>" → the 32 hex digits.
std::optional<std::string> root_trace_id(std::string_view root) {
  if (root.size() != 35 || root.substr(0, 2) != "1-" || root[10] != '-') return std::nullopt;
  const auto epoch = root.substr(2, 8);
  const auto unique = root.substr(11, 24);
  if (!is_hex(epoch) || !is_hex(unique)) return std::nullopt;
  return lower(epoch) + lower(unique);
}

}  // namespace

std::optional<XrayTrace> parse_xray_header(std::string_view header) {
  XrayTrace trace;
  bool has_root = false;
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const auto pair = trim(header.substr(0, semicolon));
    header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    const auto key = trim(pair.substr(0, equals));
    const auto value = trim(pair.substr(equals + 1));
    if (key == "Root") {
      auto id = root_trace_id(value);
      if (!id) return std::nullopt;
      trace.trace_id = std::move(*id);
      has_root = true;
    } else if (key == "Parent") {
      if (value.size() == 16 && is_hex(value)) trace.parent_id = lower(value);
    } else if (key == "Sampled") {
      if (value == "1") trace.sampled = true;
      if (value == "0") trace.sampled = false;
    }
  }
  if (!has_root || trace.trace_id == std::string(32, '0')) return std::nullopt;
  return trace;
}

}  // namespace lambda_relay::insight
