#include "telemetry/self_filter.hpp"

#include <string>

namespace lambda_relay::telemetry {

bool is_own_log_line(const Event& event, std::string_view component) {
  if (event.type != EventType::extension) return false;
  const auto* line = std::get_if<LogRecord>(&event.record);
  if (line == nullptr) return false;
  if (!line->structured) {
    std::string prefix = "[";
    prefix.append(component).append("]");
    return std::string_view(line->text).starts_with(prefix);
  }
  std::string marker = "\"logger\":\"";
  marker.append(component).append("\"");
  return line->json.find(marker) != std::string::npos;
}

}  // namespace lambda_relay::telemetry
