#include "platform/listener_address.hpp"

#include "net/hosts_file.hpp"

namespace lambda_relay::platform {
namespace {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = net::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

void log_fallback(const log::Logger& logger, const std::string& reason) {
  logger.warn("{} does not resolve ({}); the telemetry listener binds 127.0.0.1", kSandboxHost, reason);
}

}  // namespace

net::Awaitable<net::asio::ip::address> listener_address(const net::HostPort& runtime_api, net::DnsResolver& resolver,
                                                        const log::Logger& logger, const char* hosts_path) {
  const auto loopback = net::asio::ip::address(net::asio::ip::address_v4::loopback());
  if (auto listed = net::address_in_hosts_file(kSandboxHost, hosts_path)) co_return *listed;
  if (is_loopback(runtime_api.host)) co_return loopback;
  auto resolved = co_await resolver.resolve(std::string(kSandboxHost), 0);
  if (!resolved) {
    log_fallback(logger, resolved.error().message);
    co_return loopback;
  }
  co_return resolved->front().address();
}

}  // namespace lambda_relay::platform
