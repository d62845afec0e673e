// Absolute http(s) URLs as configuration gives them (LAMBDA_RELAY_BATCH_URL, SENTRY_DSN, ...).
#pragma once

#include <lambda_relay/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lambda_relay::net {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string userinfo;  // before '@' (a DSN's public key); never logged
  std::string host;
  std::uint16_t port = 0;
  std::string target = "/";  // path and query

  [[nodiscard]] bool tls() const { return scheme == "https"; }
  // scheme://host:port/path — without userinfo and without the query string: safe to log.
  [[nodiscard]] std::string redacted() const;
};

[[nodiscard]] Result<Url> parse_url(std::string_view text);

}  // namespace lambda_relay::net
