#include "delivery/flush_policy.hpp"

#include <fmt/format.h>

#include <charconv>

namespace lambda_relay::delivery {
namespace {

constexpr std::int64_t kMaxIntervalMs = 15LL * 60 * 1000;  // Lambda's longest invocation

Error bad_setting(std::string_view text, std::string_view why) {
  return make_error("flush", fmt::format("\"{}\" {} (end, end,<ms>, periodic,<ms>, continuous[,<ms>] or adaptive)",
                                         text, why));
}

Result<std::chrono::milliseconds> parse_interval(std::string_view whole, std::string_view digits) {
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
    return bad_setting(whole, "has an interval that is not a number of milliseconds");
  }
  if (ms < 1 || ms > kMaxIntervalMs) {
    return bad_setting(whole, fmt::format("has an interval outside [1, {}] ms", kMaxIntervalMs));
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace

Result<FlushSetting> parse_flush_setting(std::string_view text) {
  const auto comma = text.find(',');
  const auto name = text.substr(0, comma);
  FlushSetting setting;
  if (name == "end") {
    setting.mode = FlushMode::end;
  } else if (name == "periodic") {
    setting.mode = FlushMode::periodic;
  } else if (name == "continuous") {
    setting.mode = FlushMode::continuous;
  } else if (name == "adaptive") {
    setting.mode = FlushMode::adaptive;
  } else {
    return bad_setting(text, "is not a flush mode");
  }
  if (comma == std::string_view::npos) {
    if (setting.mode == FlushMode::periodic) return bad_setting(text, "needs an interval: periodic,<ms>");
    return setting;
  }
  if (setting.mode == FlushMode::adaptive) return bad_setting(text, "takes no interval");
  auto interval = parse_interval(text, text.substr(comma + 1));
  if (!interval) return interval.error();
  setting.interval = *interval;
  return setting;
}

std::string to_string(const FlushSetting& setting) {
  const char* name = "adaptive";
  switch (setting.mode) {
    case FlushMode::end: name = "end"; break;
    case FlushMode::periodic: name = "periodic"; break;
    case FlushMode::continuous: name = "continuous"; break;
    case FlushMode::adaptive: break;
  }
  if (setting.interval.count() == 0) return name;
  return fmt::format("{},{}", name, setting.interval.count());
}

// The interval runs from the last flush, or from the first invocation before any flush.
bool FlushPolicy::interval_passed(Clock::time_point now) const {
  const auto since = last_flush_ ? *last_flush_ : first_invoke_.value_or(now);
  return now - since >= setting_.interval;
}

void FlushPolicy::track_gap(Clock::time_point now) {
  if (last_invoke_) frequent_run_ = (now - *last_invoke_ <= kFrequentGap) ? frequent_run_ + 1 : 0;
  last_invoke_ = now;
}

FlushPlan FlushPolicy::on_invoke(Clock::time_point now) {
  if (!first_invoke_) first_invoke_ = now;
  track_gap(now);
  FlushPlan plan;
  switch (setting_.mode) {
    case FlushMode::end:
      // Also at the start: what arrived after the last flush (the previous platform.report) goes
      // out while the function runs, for free.
      plan.flush_at_start = true;
      plan.flush_at_end = true;
      if (setting_.interval.count() > 0) plan.tick = setting_.interval;
      break;
    case FlushMode::periodic:
      plan.flush_at_end = interval_passed(now);
      break;
    case FlushMode::continuous:
      plan.flush_at_start = interval_passed(now);
      break;
    case FlushMode::adaptive:
      continuous_ = degraded_ || frequent_run_ >= kFrequentRun;
      plan.flush_at_start = true;
      plan.flush_at_end = !continuous_;
      break;
  }
  return plan;
}

void FlushPolicy::on_flush(Clock::time_point started, bool completed) {
  last_flush_ = started;
  degraded_ = !completed;
}

}  // namespace lambda_relay::delivery
