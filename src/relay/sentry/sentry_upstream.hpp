// SENTRY_DSN's envelope endpoint as an upstream of the delivery engine, shared by everything that
// sends to Sentry: the relay's routes (what the function's SDK sends) and the failure events
// lambda-relay makes itself. One upstream, so Sentry's rate limits and the backoff apply to both.
#pragma once

#include "delivery/delivery_engine.hpp"
#include "relay/sentry/dsn.hpp"

namespace lambda_relay::relay::sentry {

struct SentryUpstream {
  Dsn dsn;
  delivery::DeliveryEngine::UpstreamId id;
};

// Adds the upstream: Sentry's default rate limit (60 s for a bare 429) and de-duplication by event id.
[[nodiscard]] SentryUpstream add_sentry_upstream(delivery::DeliveryEngine& engine, Dsn dsn);

}  // namespace lambda_relay::relay::sentry
