#include "insight/log_lines.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace lambda_relay::insight {
namespace {

constexpr std::size_t kMaxMessageBytes = 512;

bool contains(std::string_view text, std::string_view needle) noexcept {
  return memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

bool contains_ignoring_case(std::string_view text, std::string_view lower_needle) noexcept {
  if (lower_needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + lower_needle.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < lower_needle.size() &&
           std::tolower(static_cast<unsigned char>(text[i + j])) == static_cast<unsigned char>(lower_needle[j])) {
      ++j;
    }
    if (j == lower_needle.size()) return true;
  }
  return false;
}

std::string first_line(std::string_view text) {
  text = text.substr(0, std::min(text.find_first_of("\r\n"), text.size()));
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out(text.substr(0, kMaxMessageBytes));
  return out;
}

// The JSON string value starting at `quoted` (just after its opening quote), unescaped up to the first
// line break: enough for an errorMessage, which is what a person reads first.
std::string json_string_first_line(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 0; i < quoted.size() && out.size() < kMaxMessageBytes; ++i) {
    const char c = quoted[i];
    if (c == '"') break;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= quoted.size()) break;
    const char e = quoted[i];
    if (e == 'n' || e == 'r') break;
    if (e == 't') {
      out.push_back(' ');
    } else if (e == 'u') {
      i += 4;  // rare in error messages: dropped rather than decoded
    } else {
      out.push_back(e);  // \" \\ \/
    }
  }
  return out;
}

std::optional<std::string> message_in_line(std::string_view line, std::string_view error_type) {
  // Node (and JSON-format records kept whole): "errorMessage":"..."
  static constexpr std::string_view kJsonKey = "\"errorMessage\":\"";
  if (const auto at = line.find(kJsonKey); at != std::string_view::npos &&
                                            (error_type.empty() || contains(line, error_type))) {
    auto message = json_string_first_line(line.substr(at + kJsonKey.size()));
    if (!message.empty()) return message;
  }
  // Python: "[ERROR] Runtime.ImportModuleError: Unable to import module ..."
  if (!error_type.empty()) {
    std::string prefix(error_type);
    prefix += ": ";
    if (const auto at = line.find(prefix); at != std::string_view::npos) {
      auto message = first_line(line.substr(at + prefix.size()));
      if (!message.empty()) return message;
    }
  }
  // Lambda, for a runtime that exited: "RequestId: <id> Error: Runtime exited with error: exit status 1"
  static constexpr std::string_view kExited = "Error: Runtime exited";
  if (const auto at = line.find(kExited); at != std::string_view::npos) {
    return first_line(line.substr(at + 7));
  }
  return std::nullopt;
}

}  // namespace

bool is_out_of_memory_line(std::string_view line) noexcept {
  if (!contains(line, "emory") && !contains(line, "EMORY") && !contains(line, "bad_alloc")) return false;
  if (contains(line, "bad_alloc")) return true;
  if (contains(line, "MemoryError")) return true;  // Python MemoryError, Ruby NoMemoryError
  if (contains(line, "OutOfMemory")) return true;  // Java, .NET, Runtime.OutOfMemory
  if (contains_ignoring_case(line, "out of memory")) return true;  // Node, Go, .NET, generic
  if (contains(line, "Cannot allocate memory") || contains(line, "failed to allocate memory")) return true;
  if (contains(line, "memory allocation of") && contains(line, "failed")) return true;  // Rust
  if (contains(line, "Allowed memory size of") && contains(line, "exhausted")) return true;  // PHP
  return false;
}

std::optional<std::string> find_error_message(const std::vector<LogLine>& tail, std::string_view error_type) {
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) {
    if (auto message = message_in_line(it->text, error_type)) return message;
  }
  return std::nullopt;
}

}  // namespace lambda_relay::insight
