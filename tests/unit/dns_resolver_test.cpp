#include "net/dns_resolver.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace lambda_relay::net {
namespace {

using Endpoints = std::vector<tcp::endpoint>;

Result<Endpoints> resolve(asio::io_context& io, DnsResolver& resolver, std::string host, std::uint16_t port) {
  auto result = test::run(io, resolver.resolve(std::move(host), port));
  if (!result) return make_error("test", "resolve did not finish within the timeout");
  return std::move(*result);
}

TEST(DnsResolver, ResolvesIpv4LiteralWithoutDns) {
  asio::io_context io;
  DnsResolver resolver(io.get_executor());
  auto endpoints = resolve(io, resolver, "127.0.0.1", 9001);
  ASSERT_TRUE(endpoints.ok()) << endpoints.error().describe();
  ASSERT_EQ(endpoints->size(), 1U);
  EXPECT_EQ(endpoints->front(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 9001));
}

TEST(DnsResolver, ResolvesIpv6LiteralWithoutDns) {
  asio::io_context io;
  DnsResolver resolver(io.get_executor());
  auto endpoints = resolve(io, resolver, "::1", 443);
  ASSERT_TRUE(endpoints.ok()) << endpoints.error().describe();
  ASSERT_EQ(endpoints->size(), 1U);
  EXPECT_EQ(endpoints->front(), tcp::endpoint(asio::ip::make_address("::1"), 443));
}

bool hosts_file_names_localhost() {
  std::ifstream hosts("/etc/hosts");
  std::string line;
  while (std::getline(hosts, line)) {
    if (line.starts_with('#')) continue;
    if (line.find("localhost") != std::string::npos) return true;
  }
  return false;
}

TEST(DnsResolver, ResolvesLocalhostFromEtcHosts) {
  if (!hosts_file_names_localhost()) GTEST_SKIP() << "/etc/hosts has no localhost entry";
  asio::io_context io;
  DnsResolver resolver(io.get_executor());
  auto endpoints = resolve(io, resolver, "localhost", 9001);
  ASSERT_TRUE(endpoints.ok()) << endpoints.error().describe();
  ASSERT_FALSE(endpoints->empty());
  for (const auto& endpoint : *endpoints) {
    EXPECT_TRUE(endpoint.address().is_loopback()) << endpoint.address().to_string();
    EXPECT_EQ(endpoint.port(), 9001);
  }
}

TEST(DnsResolver, ResolvesRepeatedlyWithOneResolver) {
  if (!hosts_file_names_localhost()) GTEST_SKIP() << "/etc/hosts has no localhost entry";
  asio::io_context io;
  DnsResolver resolver(io.get_executor());
  for (std::uint16_t port = 1; port <= 3; ++port) {
    auto endpoints = resolve(io, resolver, "localhost", port);
    ASSERT_TRUE(endpoints.ok()) << endpoints.error().describe();
    EXPECT_EQ(endpoints->front().port(), port);
  }
}

TEST(DnsResolver, DestroyingResolverAfterLookupsIsClean) {
  asio::io_context io;
  {
    DnsResolver resolver(io.get_executor());
    auto endpoints = resolve(io, resolver, "127.0.0.1", 1);
    ASSERT_TRUE(endpoints.ok());
  }
  test::drain(io);
}

}  // namespace
}  // namespace lambda_relay::net
