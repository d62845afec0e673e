#include "net/http.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lambda_relay::net {
namespace {

TEST(ParseHostPort, AcceptsIpv4Literal) {
  HostPort out;
  ASSERT_TRUE(parse_host_port("127.0.0.1:9001", out));
  EXPECT_EQ(out.host, "127.0.0.1");
  EXPECT_EQ(out.port, 9001);
}

TEST(ParseHostPort, AcceptsHostName) {
  HostPort out;
  ASSERT_TRUE(parse_host_port("localhost:1", out));
  EXPECT_EQ(out.host, "localhost");
  EXPECT_EQ(out.port, 1);
}

TEST(ParseHostPort, AcceptsBracketedIpv6AndStripsBrackets) {
  HostPort out;
  ASSERT_TRUE(parse_host_port("[::1]:9001", out));
  EXPECT_EQ(out.host, "::1");
  EXPECT_EQ(out.port, 9001);
  ASSERT_TRUE(parse_host_port("[fe80::1%eth0]:65535", out));
  EXPECT_EQ(out.host, "fe80::1%eth0");
  EXPECT_EQ(out.port, 65535);
}

TEST(ParseHostPort, RejectsMalformedInputWithoutTouchingOutput) {
  for (const std::string text :
       {"", "9001", "localhost", "localhost:", ":9001", "host:0", "host:65536", "host:99999999999", "host:12ab",
        "host:-1", "host: 80", "::1:9001", "[::1]", "[::1]:", "[::1]9001", "[]:9001", "[::1:9001", "host:+80"}) {
    HostPort out{"unchanged", 7};
    EXPECT_FALSE(parse_host_port(text, out)) << '"' << text << '"';
    EXPECT_EQ(out.host, "unchanged") << text;
    EXPECT_EQ(out.port, 7) << text;
  }
}

}  // namespace
}  // namespace lambda_relay::net
