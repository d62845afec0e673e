// Text ↔ enum for the Telemetry API's event types, statuses, init types, phases and span names.
#include <lambda_relay/telemetry.hpp>

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace lambda_relay::telemetry {
namespace {

using namespace std::string_view_literals;

// Names in enumerator order; the last enumerator of every enum is `unknown`.
constexpr std::array kEventTypeNames{
    "platform.initStart"sv,
    "platform.initRuntimeDone"sv,
    "platform.initReport"sv,
    "platform.start"sv,
    "platform.runtimeDone"sv,
    "platform.report"sv,
    "platform.restoreStart"sv,
    "platform.restoreRuntimeDone"sv,
    "platform.restoreReport"sv,
    "platform.extension"sv,
    "platform.telemetrySubscription"sv,
    "platform.logsSubscription"sv,
    "platform.logsDropped"sv,
    "platform.end"sv,
    "platform.fault"sv,
    "function"sv,
    "extension"sv,
};
static_assert(kEventTypeNames.size() == static_cast<std::size_t>(EventType::unknown));

constexpr std::array kStatusNames{"success"sv, "error"sv, "failure"sv, "timeout"sv};
static_assert(kStatusNames.size() == static_cast<std::size_t>(Status::unknown));

constexpr std::array kInitTypeNames{"on-demand"sv, "provisioned-concurrency"sv, "snap-start"sv,
                                    "lambda-managed-instances"sv};
static_assert(kInitTypeNames.size() == static_cast<std::size_t>(InitType::unknown));

constexpr std::array kInitPhaseNames{"init"sv, "invoke"sv, "snap-start"sv};
static_assert(kInitPhaseNames.size() == static_cast<std::size_t>(InitPhase::unknown));

constexpr std::array kSpanNames{"responseLatency"sv, "responseDuration"sv, "runtimeOverhead"sv,
                                "extensionOverhead"sv};
static_assert(kSpanNames.size() == static_cast<std::size_t>(SpanName::unknown));

constexpr std::string_view kUnknown = "unknown";

// text == literal, with the length compared first and the bytes compared inline (memcmp of a length
// known at compile time): these names are parsed for nearly every event.
template <std::size_t N>
inline bool is(std::string_view text, const char (&literal)[N]) noexcept {
  return text.size() == N - 1 && std::memcmp(text.data(), literal, N - 1) == 0;
}

template <typename Enum, std::size_t N>
std::string_view name(const std::array<std::string_view, N>& names, Enum value) noexcept {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : kUnknown;
}

}  // namespace

EventType parse_event_type(std::string_view text) noexcept {
  // Every platform type starts with "platform."; the rest is told apart by its length first.
  constexpr std::string_view prefix = "platform.";
  if (text.size() <= prefix.size() || std::memcmp(text.data(), prefix.data(), prefix.size()) != 0) {
    if (is(text, "function")) return EventType::function;
    if (is(text, "extension")) return EventType::extension;
    return EventType::unknown;
  }
  const std::string_view rest = text.substr(prefix.size());
  switch (rest.size()) {
    case 3:
      if (is(rest, "end")) return EventType::platform_end;
      break;
    case 5:
      if (is(rest, "start")) return EventType::platform_start;
      if (is(rest, "fault")) return EventType::platform_fault;
      break;
    case 6:
      if (is(rest, "report")) return EventType::platform_report;
      break;
    case 9:
      if (is(rest, "initStart")) return EventType::platform_init_start;
      if (is(rest, "extension")) return EventType::platform_extension;
      break;
    case 10:
      if (is(rest, "initReport")) return EventType::platform_init_report;
      break;
    case 11:
      if (is(rest, "runtimeDone")) return EventType::platform_runtime_done;
      if (is(rest, "logsDropped")) return EventType::platform_logs_dropped;
      break;
    case 12:
      if (is(rest, "restoreStart")) return EventType::platform_restore_start;
      break;
    case 13:
      if (is(rest, "restoreReport")) return EventType::platform_restore_report;
      break;
    case 15:
      if (is(rest, "initRuntimeDone")) return EventType::platform_init_runtime_done;
      break;
    case 16:
      if (is(rest, "logsSubscription")) return EventType::platform_logs_subscription;
      break;
    case 18:
      if (is(rest, "restoreRuntimeDone")) return EventType::platform_restore_runtime_done;
      break;
    case 21:
      if (is(rest, "telemetrySubscription")) return EventType::platform_telemetry_subscription;
      break;
    default:
      break;
  }
  return EventType::unknown;
}

std::string_view to_string(EventType type) noexcept { return name(kEventTypeNames, type); }

Status parse_status(std::string_view text) noexcept {
  if (is(text, "success")) return Status::success;
  if (is(text, "error")) return Status::error;
  if (is(text, "failure")) return Status::failure;
  if (is(text, "timeout")) return Status::timeout;
  return Status::unknown;
}
std::string_view to_string(Status status) noexcept { return name(kStatusNames, status); }

InitType parse_init_type(std::string_view text) noexcept {
  if (is(text, "on-demand")) return InitType::on_demand;
  if (is(text, "provisioned-concurrency")) return InitType::provisioned_concurrency;
  if (is(text, "snap-start")) return InitType::snap_start;
  if (is(text, "lambda-managed-instances")) return InitType::lambda_managed_instances;
  return InitType::unknown;
}
std::string_view to_string(InitType type) noexcept { return name(kInitTypeNames, type); }

InitPhase parse_init_phase(std::string_view text) noexcept {
  if (is(text, "init")) return InitPhase::init;
  if (is(text, "invoke")) return InitPhase::invoke;
  if (is(text, "snap-start")) return InitPhase::snap_start;
  return InitPhase::unknown;
}
std::string_view to_string(InitPhase phase) noexcept { return name(kInitPhaseNames, phase); }

SpanName parse_span_name(std::string_view text) noexcept {
  if (is(text, "responseLatency")) return SpanName::response_latency;
  if (is(text, "responseDuration")) return SpanName::response_duration;
  if (is(text, "runtimeOverhead")) return SpanName::runtime_overhead;
  if (is(text, "extensionOverhead")) return SpanName::extension_overhead;
  return SpanName::unknown;
}
std::string_view to_string(SpanName name_value) noexcept { return name(kSpanNames, name_value); }

}  // namespace lambda_relay::telemetry
