#include "net/hosts_file.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lambda_relay::net
