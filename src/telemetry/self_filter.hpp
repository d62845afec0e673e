// lambda-relay's own log lines come back to it as `extension` telemetry when it subscribes to that
// type. Exporting them would log about exporting them: a loop. This recognises them.
#pragma once

#include <lambda_relay/telemetry.hpp>

#include <string_view>

namespace lambda_relay::telemetry {

// True for an `extension` record written by the logger named `component` (text "[component] ..." or
// JSON {"logger": "component", ...}).
[[nodiscard]] bool is_own_log_line(const Event& event, std::string_view component);

}  // namespace lambda_relay::telemetry
