// Where the telemetry listener binds. Lambda only delivers to http://sandbox.localdomain:PORT, so the
// listener binds what that name is in the sandbox's hosts file. Where the hosts file does not name it
// and the Lambda APIs are on loopback (the emulator, local runs), the listener is on loopback too and no
// DNS query leaves the machine; elsewhere the name is resolved.
#pragma once

#include "log/logger.hpp"
#include "net/dns_resolver.hpp"
#include "net/http.hpp"

namespace lambda_relay::platform {

inline constexpr std::string_view kSandboxHost = "sandbox.localdomain";

net::Awaitable<net::asio::ip::address> listener_address(const net::HostPort& runtime_api, net::DnsResolver& resolver,
                                                        const log::Logger& logger, const char* hosts_path = "/etc/hosts");

}  // namespace lambda_relay::platform
