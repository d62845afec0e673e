// Reading a Sentry envelope enough to relay it safely (../shared/spec/upstream-protocols.md §1.5): the
// headers line, each item's header and payload bounds, with and without `length`. The bytes are
// never re-serialised; this only finds out where the envelope goes, what it holds, and whether it
// arrived whole: a payload shorter than its `length`, a JSON payload cut short (items without
// `length`), or bytes that are not an envelope are errors.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::relay::sentry {

struct EnvelopeItem {
  std::string type;
  std::size_t payload_offset = 0;
  std::size_t payload_size = 0;
};

struct Envelope {
  std::optional<std::string> dsn;  // the headers' "dsn" (tunnel mode)
  std::string event_id;            // the headers' "event_id", "" when absent
  std::vector<EnvelopeItem> items;
};

// Error code "InvalidEnvelope" with a reason fit for the SDK's 400 answer.
[[nodiscard]] Result<Envelope> parse_envelope(std::string_view bytes);

}  // namespace lambda_relay::relay::sentry
