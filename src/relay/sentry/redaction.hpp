// The one place where envelopes can be changed before they are queued: PII scrubbing will hook in
// here (its own issue). Until then nothing is changed and envelopes leave byte for byte as the SDK
// sent them (compressed the way it sent them).
#pragma once

#include "relay/sentry/envelope.hpp"

#include <string>

namespace lambda_relay::relay::sentry {

// Called with every decoded, validated envelope (`bytes`, read as `parsed`) on the ack path, so it
// must be quick. Returns true when it rewrote `bytes`; the relay then sends the new bytes
// uncompressed instead of the SDK's.
[[nodiscard]] bool redact_envelope(std::string& bytes, const Envelope& parsed);

}  // namespace lambda_relay::relay::sentry
