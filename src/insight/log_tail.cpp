#include "insight/log_tail.hpp"

#include <utility>

namespace lambda_relay::insight {
namespace {

constexpr std::string_view kCutMarker = " [...]";

// Cuts at a UTF-8 character boundary, so the line stays valid UTF-8 for the JSON it ends up in.
void cut(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  text += kCutMarker;
}

}  // namespace

void LogTail::add(LogLine line) {
  if (capacity_ == 0) return;
  cut(line.text, max_line_bytes_);
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(line));
    return;
  }
  ring_[next_] = std::move(line);
  next_ = (next_ + 1) % capacity_;
}

std::vector<LogLine> LogTail::lines() const {
  std::vector<LogLine> ordered;
  ordered.reserve(ring_.size());
  for (std::size_t i = 0; i < ring_.size(); ++i) ordered.push_back(ring_[(next_ + i) % ring_.size()]);
  return ordered;
}

void LogTail::clear() noexcept {
  ring_.clear();
  next_ = 0;
}

}  // namespace lambda_relay::insight
