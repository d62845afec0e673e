#include "relay/sentry/redaction.hpp"

namespace lambda_relay::relay::sentry {

bool redact_envelope(std::string& /*bytes*/, const Envelope& /*parsed*/) { return false; }

}  // namespace lambda_relay::relay::sentry
