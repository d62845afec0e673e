#include "captured_requests.hpp"

#include "relay_harness.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <cctype>

namespace lambda_relay::test {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::vector<Captured> captured_requests(const std::filesystem::path& folder) {
  std::vector<Captured> out;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".http") continue;
    const auto text = read_file(entry.path());
    const auto split = text.find("\r\n\r\n");
    if (split == std::string::npos) continue;
    out.push_back({entry.path().filename().string(), text.substr(0, split), text.substr(split + 4)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string replay_bytes(const Captured& request, const std::string& body) {
  const auto& head = request.head;
  const bool is_chunked = lower(head).find("transfer-encoding: chunked") != std::string::npos;
  std::string out;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    const auto line = head.substr(pos, end - pos);
    if (!lower(line).starts_with("content-length:")) out += line + "\r\n";
    pos = end + 2;
  }
  if (!is_chunked) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += is_chunked ? chunked(body, 16 * 1024) : body;
  return out;
}

}  // namespace lambda_relay::test
