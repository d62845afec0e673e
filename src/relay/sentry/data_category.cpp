#include "relay/sentry/data_category.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace lambda_relay::relay::sentry {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kCategories{{
    {"event", "error"},
    {"transaction", "transaction"},
    {"attachment", "attachment"},
    {"session", "session"},
    {"sessions", "session"},
    {"client_report", "internal"},
    {"check_in", "monitor"},
    {"profile", "profile"},
    {"profile_chunk", "profile_chunk"},
    {"log", "log_item"},
    {"otel_log", "log_item"},
    {"span", "span"},
    {"otel_span", "span"},
    {"otel_traces_data", "span"},
    {"trace_metric", "trace_metric"},
    {"replay_event", "replay"},
    {"replay_recording", "replay"},
    {"replay_video", "replay"},
    {"user_report", "default"},
    {"feedback", "feedback"},
    {"statsd", "metric_bucket"},
    {"metric_buckets", "metric_bucket"},
    {"metric_meta", "metric_bucket"},
}};

bool has_item(const Envelope& envelope, std::string_view type) {
  return std::any_of(envelope.items.begin(), envelope.items.end(), [&](const auto& item) { return item.type == type; });
}

}  // namespace

std::string_view data_category(std::string_view item_type) {
  for (const auto& [type, category] : kCategories) {
    if (type == item_type) return category;
  }
  return "unknown";
}

std::string_view main_category(const Envelope& envelope) {
  if (envelope.items.empty()) return "";
  if (has_item(envelope, "event")) return "error";
  if (has_item(envelope, "transaction")) return "transaction";
  return data_category(envelope.items.front().type);
}

}  // namespace lambda_relay::relay::sentry
