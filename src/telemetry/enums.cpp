// Text ↔ enum for the Telemetry API's event types, statuses, init types, phases and span names.
#include <lambda_relay/telemetry.hpp>

#include <array>
#include <cstddef>
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

// Equality with the length compared first and the bytes compared inline (these are short names that
// are parsed for nearly every event).
constexpr bool same(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <typename Enum, std::size_t N>
Enum parse(const std::array<std::string_view, N>& names, std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (same(names[i], text)) return static_cast<Enum>(i);
  }
  return Enum::unknown;
}

template <typename Enum, std::size_t N>
std::string_view name(const std::array<std::string_view, N>& names, Enum value) noexcept {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : kUnknown;
}

}  // namespace

EventType parse_event_type(std::string_view text) noexcept {
  // Every platform type starts with "platform."; compare the rest only against those.
  constexpr std::string_view prefix = "platform.";
  if (text.size() > prefix.size() && text.starts_with(prefix)) {
    // Compare what follows the prefix (the prefix is already known to match).
    const std::string_view rest = text.substr(prefix.size());
    for (std::size_t i = 0; i < static_cast<std::size_t>(EventType::function); ++i) {
      if (same(kEventTypeNames[i].substr(prefix.size()), rest)) return static_cast<EventType>(i);
    }
    return EventType::unknown;
  }
  if (same(text, "function")) return EventType::function;
  if (same(text, "extension")) return EventType::extension;
  return EventType::unknown;
}

std::string_view to_string(EventType type) noexcept { return name(kEventTypeNames, type); }

Status parse_status(std::string_view text) noexcept { return parse<Status>(kStatusNames, text); }
std::string_view to_string(Status status) noexcept { return name(kStatusNames, status); }

InitType parse_init_type(std::string_view text) noexcept { return parse<InitType>(kInitTypeNames, text); }
std::string_view to_string(InitType type) noexcept { return name(kInitTypeNames, type); }

InitPhase parse_init_phase(std::string_view text) noexcept { return parse<InitPhase>(kInitPhaseNames, text); }
std::string_view to_string(InitPhase phase) noexcept { return name(kInitPhaseNames, phase); }

SpanName parse_span_name(std::string_view text) noexcept { return parse<SpanName>(kSpanNames, text); }
std::string_view to_string(SpanName name_value) noexcept { return name(kSpanNames, name_value); }

}  // namespace lambda_relay::telemetry
