// Where the telemetry listener binds. Lambda only delivers to http://sandbox.localdomain:PORT, so in
// Lambda we bind the address that name resolves to. Outside Lambda (the emulator, local runs) the
// Lambda APIs are on loopback and so is the listener — and no DNS query leaves the machine.
#pragma once

#include "log/logger.hpp"
#include "net/dns_resolver.hpp"
#include "net/http.hpp"

namespace lambda_relay::platform {

inline constexpr std::string_view kSandboxHost = "sandbox.localdomain";

net::Awaitable<net::asio::ip::address> listener_address(const net::HostPort& runtime_api, net::DnsResolver& resolver,
                                                        const log::Logger& logger);

}  // namespace lambda_relay::platform
