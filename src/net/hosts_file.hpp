// What /etc/hosts says a name is. Lambda delivers telemetry only to http://sandbox.localdomain:PORT; the
// extension's listener and the emulator's delivery must agree on that name's address without a DNS
// query (none may leave the sandbox before the listener is up, and an offline machine would wait for
// the resolver's timeouts). c-ares reads the hosts file too, but only at a fixed path; this takes the
// text so that it can be tested.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string_view>

namespace lambda_relay::net {

// The first address a hosts-file text gives `name` (names compare case-insensitively; '#' starts a
// comment; lines whose address does not parse are skipped).
std::optional<boost::asio::ip::address> address_in_hosts(std::string_view hosts_text, std::string_view name);

// The same for a file; nothing when it cannot be read.
std::optional<boost::asio::ip::address> address_in_hosts_file(std::string_view name,
                                                              const char* path = "/etc/hosts");

}  // namespace lambda_relay::net
