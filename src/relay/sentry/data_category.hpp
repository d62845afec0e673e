// Sentry data categories: what rate limits (X-Sentry-Rate-Limits) and client reports count. See the
// item type table in ../shared/spec/upstream-protocols.md §1.5.
#pragma once

#include "relay/sentry/envelope.hpp"

#include <string_view>

namespace lambda_relay::relay::sentry {

// The data category of one item type; "unknown" for types Sentry does not list.
[[nodiscard]] std::string_view data_category(std::string_view item_type);

// The category an envelope counts against as a whole: its event (error) or transaction if it has
// one (attachments, profiles and the like ride along), else its first item's. "" for no items.
[[nodiscard]] std::string_view main_category(const Envelope& envelope);

}  // namespace lambda_relay::relay::sentry
