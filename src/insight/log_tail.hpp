// The last N function log lines of one invocation (or init): a bounded ring, so a function that logs
// a lot costs a fixed amount of memory. Lines longer than the cut are kept shortened, with a marker.
#pragma once

#include "insight/failure.hpp"

#include <cstddef>
#include <vector>

namespace lambda_relay::insight {

class LogTail {
 public:
  LogTail(std::size_t capacity, std::size_t max_line_bytes) : capacity_(capacity), max_line_bytes_(max_line_bytes) {}

  void add(LogLine line);
  // Oldest first.
  [[nodiscard]] std::vector<LogLine> lines() const;
  [[nodiscard]] std::size_t size() const noexcept { return ring_.size(); }
  void clear() noexcept;

 private:
  std::size_t capacity_;
  std::size_t max_line_bytes_;
  std::vector<LogLine> ring_;  // grows to capacity_, then `next_` overwrites the oldest
  std::size_t next_ = 0;
};

}  // namespace lambda_relay::insight
