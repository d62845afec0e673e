// How the relay authenticates to Sentry (../shared/spec/upstream-protocols.md §1.3): an X-Sentry-Auth
// header with SENTRY_DSN's key, whatever the SDK used (query parameters, its own header, or the
// envelope's DSN). The SDK's name/version is passed on as sentry_client.
#pragma once

#include "net/http.hpp"
#include "relay/sentry/dsn.hpp"

#include <string>
#include <string_view>

namespace lambda_relay::relay::sentry {

// "Sentry sentry_key=…, sentry_version=7, sentry_client=…[, sentry_secret=…]".
[[nodiscard]] std::string auth_header(const Dsn& dsn, std::string_view client);

// The SDK behind `request`, as "name/version": the query's sentry_client (JS), the client named in
// its X-Sentry-Auth or Authorization header, else its User-Agent, else lambda-relay's own name.
// Only header-safe text is taken.
[[nodiscard]] std::string sentry_client(const net::Request& request, std::string_view query);

}  // namespace lambda_relay::relay::sentry
