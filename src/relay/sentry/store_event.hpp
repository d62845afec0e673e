// The legacy store endpoint's body (one JSON event) as a one-item envelope: lambda-relay forwards
// everything to Sentry's envelope endpoint, as Sentry recommends for relays (spec §1.2).
#pragma once

#include <lambda_relay/result.hpp>

#include <string>
#include <string_view>

namespace lambda_relay::relay::sentry {

struct StoreEnvelope {
  std::string bytes;     // {"event_id":…}\n{"type":"event","length":N}\n<event>
  std::string event_id;  // the event's, "" when it has none
};

// `event` must be a JSON object; its "type" "transaction" makes a transaction item, anything else
// an event item. Error code "InvalidEvent".
[[nodiscard]] Result<StoreEnvelope> wrap_store_event(std::string_view event);

}  // namespace lambda_relay::relay::sentry
