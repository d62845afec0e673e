#include "relay/sentry/sentry_upstream.hpp"

#include <utility>

namespace lambda_relay::relay::sentry {
namespace {

// A 429 without X-Sentry-Rate-Limits or Retry-After from Sentry means one minute (spec §1.7).
constexpr std::chrono::seconds kSentryDefaultRateLimit{60};

}  // namespace

SentryUpstream add_sentry_upstream(delivery::DeliveryEngine& engine, Dsn dsn) {
  delivery::UpstreamOptions options;
  options.default_rate_limit = kSentryDefaultRateLimit;
  options.deduplicates = true;  // events by event_id: a request cut by a freeze is sent again
  const auto id = engine.add_upstream("sentry", dsn.envelope_url(), options);
  return SentryUpstream{std::move(dsn), id};
}

}  // namespace lambda_relay::relay::sentry
