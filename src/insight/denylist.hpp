// The keys Sentry's SDKs scrub from events: sentry-python's scrubber.DEFAULT_DENYLIST (taken from
// Relay's default PII rules and common framework cookie/header names) and DEFAULT_PII_DENYLIST (added
// when send_default_pii is False). Matching is by whole key, case-insensitively, with '-' and '_'
// treated alike — so the header "X-Forwarded-For" matches "x_forwarded_for" (sentry-python compares
// exactly and misses it; its header filter catches it instead).
#pragma once

#include <string_view>

namespace lambda_relay::insight {

// A key whose value is always filtered ("password", "authorization", "cookie", "session", ...).
[[nodiscard]] bool is_denylisted_key(std::string_view key) noexcept;
// A key that identifies a person's address ("ip_address", "x_forwarded_for", "x_real_ip",
// "remote_addr"): filtered unless send_default_pii is on.
[[nodiscard]] bool is_pii_key(std::string_view key) noexcept;

}  // namespace lambda_relay::insight
