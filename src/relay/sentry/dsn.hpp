// A Sentry DSN ({scheme}://{public_key}[:{secret}]@{host}[:{port}]{path_prefix}/{project_id}) and the
// upstream endpoints built from it. See ../shared/spec/upstream-protocols.md §1.1. The keys are
// credentials of a kind: never log them (describe() leaves them out).
#pragma once

#include "net/url.hpp"

#include <lambda_relay/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lambda_relay::relay::sentry {

struct Dsn {
  std::string scheme;  // "http" or "https"
  std::string public_key;
  std::string secret_key;  // deprecated; empty when absent
  std::string host;        // lower case; IPv6 without brackets
  std::uint16_t port = 0;  // the scheme's default when the DSN has none
  std::string path_prefix;  // "" or "/sentry" (no trailing slash)
  std::string project_id;   // digits

  // {scheme}://{host}[:{port}]{path_prefix}/api/{project_id}/envelope/
  [[nodiscard]] net::Url envelope_url() const;
  // {scheme}://{host}[:{port}]{path_prefix}/api/{project_id}/store/
  [[nodiscard]] net::Url store_url() const;
  // Whether `other` sends to the same place: host, port, path prefix and project (keys aside).
  [[nodiscard]] bool same_destination(const Dsn& other) const;
  // "host:port/prefix project 42": where it points, without the keys (safe to log).
  [[nodiscard]] std::string describe() const;
};

// Parses a DSN. Error code "InvalidDsn"; messages never contain the keys.
[[nodiscard]] Result<Dsn> parse_dsn(std::string_view text);

}  // namespace lambda_relay::relay::sentry
