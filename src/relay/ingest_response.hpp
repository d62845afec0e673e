// The answers the ingest server gives SDKs. Bodies are JSON in Sentry Relay's shape ({"detail": "…"}
// for refusals), which the other protocols' clients accept too: they only read the status.
#pragma once

#include "net/http.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace lambda_relay::relay {

// How long an SDK is asked to wait when the outbox is full. Short: the outbox empties at the next
// flush, and while an SDK waits it drops what it would have sent.
inline constexpr std::chrono::seconds kOutboxFullRetryAfter{1};

// 200 with `body` (JSON).
[[nodiscard]] net::Response accepted(const net::Request& request, std::string body = "{}");
// `status` with {"detail": reason}.
[[nodiscard]] net::Response refused(const net::Request& request, net::http::status status, std::string_view reason);
// 429 "outbox full" with Retry-After.
[[nodiscard]] net::Response outbox_full(const net::Request& request);
// 429 for data the upstream asked us to hold back for `wait`: Retry-After, and for Sentry
// (`sentry_category` not empty) X-Sentry-Rate-Limits naming the category, so the SDK backs off too.
[[nodiscard]] net::Response upstream_rate_limited(const net::Request& request, std::chrono::steady_clock::duration wait,
                                                  std::string_view sentry_category = {});

}  // namespace lambda_relay::relay
