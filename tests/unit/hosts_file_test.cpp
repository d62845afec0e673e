#include "net/hosts_file.hpp"
#include "platform/listener_address.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace lambda_relay::net {
namespace {

constexpr std::string_view kHosts =
    "127.0.0.1\tlocalhost\n"
    "# 10.0.0.9 sandbox.localdomain  (a comment, not an entry)\n"
    "not-an-address sandbox.localdomain\n"
    "::1 localhost ip6-localhost\n"
    "169.254.100.1   Sandbox.LocalDomain sandbox   # the sandbox's own name\r\n"
    "127.0.1.1 sandbox.localdomain\n";

TEST(HostsFile, TheFirstEntryNamingTheHostWinsWhateverCaseAndBlanks) {
  const auto address = address_in_hosts(kHosts, "sandbox.localdomain");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->to_string(), "169.254.100.1");
  EXPECT_EQ(address_in_hosts(kHosts, "sandbox")->to_string(), "169.254.100.1");
}

TEST(HostsFile, CommentsBadAddressesAndPartialNamesAreNoEntries) {
  EXPECT_FALSE(address_in_hosts("# 10.0.0.9 sandbox.localdomain\nnot-an-address sandbox.localdomain\n",
                                "sandbox.localdomain"));
  EXPECT_FALSE(address_in_hosts("10.0.0.9 sandbox.localdomain.example\n", "sandbox.localdomain"));
  EXPECT_FALSE(address_in_hosts("10.0.0.9\n", "sandbox.localdomain"));
  EXPECT_FALSE(address_in_hosts("", "sandbox.localdomain"));
}

TEST(HostsFile, IPv6AndALastLineWithoutNewline) {
  EXPECT_EQ(address_in_hosts("127.0.0.1 localhost\n::1 ip6-localhost", "ip6-localhost")->to_string(), "::1");
}

TEST(HostsFile, AnUnreadableFileIsNoEntry) {
  EXPECT_FALSE(address_in_hosts_file("localhost", "/nonexistent/hosts"));
}

// A hosts file of the test's own, removed at the end.
class TempHosts {
 public:
  explicit TempHosts(std::string_view text)
      : path_(std::filesystem::temp_directory_path() / ("lambda-relay-hosts-" + std::to_string(::getpid()))) {
    std::ofstream(path_) << text;
  }
  ~TempHosts() { std::filesystem::remove(path_); }
  [[nodiscard]] const char* path() const { return path_.c_str(); }

 private:
  std::filesystem::path path_;
};

std::string listener_address_with(const TempHosts& hosts, const std::string& runtime_api_host) {
  asio::io_context io;
  DnsResolver resolver(io.get_executor());
  const log::Logger logger("test");
  const HostPort runtime_api{runtime_api_host, 9001};
  auto address = test::run(io, platform::listener_address(runtime_api, resolver, logger, hosts.path()));
  return address ? address->to_string() : "(timed out)";
}

// In Lambda the Runtime API is 127.0.0.1:9001 as well: the hosts file decides, not the API's address.
TEST(ListenerAddress, IsWhatTheHostsFileSaysSandboxLocaldomainIsEvenWithTheApiOnLoopback) {
  const TempHosts hosts("127.0.0.1 localhost\n127.0.0.2 sandbox.localdomain sandbox\n");
  EXPECT_EQ(listener_address_with(hosts, "127.0.0.1"), "127.0.0.2");
}

TEST(ListenerAddress, IsLoopbackWithoutAHostsEntryWhenTheApiIsOnLoopback) {
  const TempHosts hosts("127.0.0.1 localhost\n");
  EXPECT_EQ(listener_address_with(hosts, "127.0.0.1"), "127.0.0.1");
}

}  // namespace
}  // namespace lambda_relay::net
