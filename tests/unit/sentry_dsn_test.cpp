// SENTRY_DSN parsing and the endpoints built from it (spec §1.1).
#include "relay/sentry/dsn.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::relay::sentry {
namespace {

TEST(SentryDsn, ParsesASaasDsnIntoKeyHostAndProject) {
  auto dsn = parse_dsn("https://e3b7c1f4a9d2480e8c6f5b1a7d3e9c20@o4507123456789.ingest.us.sentry.io/4507987654321");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->scheme, "https");
  EXPECT_EQ(dsn->public_key, "e3b7c1f4a9d2480e8c6f5b1a7d3e9c20");
  EXPECT_EQ(dsn->secret_key, "");
  EXPECT_EQ(dsn->host, "o4507123456789.ingest.us.sentry.io");
  EXPECT_EQ(dsn->port, 443);
  EXPECT_EQ(dsn->path_prefix, "");
  EXPECT_EQ(dsn->project_id, "4507987654321");
  EXPECT_EQ(dsn->envelope_url().target, "/api/4507987654321/envelope/");
  EXPECT_EQ(dsn->envelope_url().host, "o4507123456789.ingest.us.sentry.io");
  EXPECT_TRUE(dsn->envelope_url().tls());
  EXPECT_TRUE(dsn->envelope_url().userinfo.empty()) << "the key never goes into a URL that may be logged";
}

TEST(SentryDsn, KeepsPortPathPrefixAndTheLegacySecret) {
  auto dsn = parse_dsn("http://pub:sec@Sentry.Example.com:9000/sentry/42");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->public_key, "pub");
  EXPECT_EQ(dsn->secret_key, "sec");
  EXPECT_EQ(dsn->host, "sentry.example.com") << "hosts compare case-insensitively";
  EXPECT_EQ(dsn->port, 9000);
  EXPECT_EQ(dsn->path_prefix, "/sentry");
  EXPECT_EQ(dsn->project_id, "42");
  EXPECT_EQ(dsn->envelope_url().target, "/sentry/api/42/envelope/");
  EXPECT_EQ(dsn->store_url().target, "/sentry/api/42/store/");
  EXPECT_EQ(dsn->envelope_url().port, 9000);
}

TEST(SentryDsn, AcceptsATrailingSlashAndIpv6Hosts) {
  auto dsn = parse_dsn("http://key@[::1]:8999/42/");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->host, "::1");
  EXPECT_EQ(dsn->project_id, "42");
  EXPECT_EQ(dsn->describe(), "[::1]:8999 project 42");
}

TEST(SentryDsn, RejectsWhatIsNotADsnWithoutQuotingTheKey) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{{"ftp://key@host/1", "unsupported scheme"},
                                         {"https://host/1", "missing public key"},
                                         {"https://secretkey@host", "missing project id"},
                                         {"https://secretkey@host/", "missing project id"},
                                         {"https://secretkey@host/abc", "\"abc\" is not a number"},
                                         {"https://secretkey@host:99999/1", "invalid port"},
                                         {"not a dsn", "missing scheme"}}) {
    auto dsn = parse_dsn(c.text);
    ASSERT_FALSE(dsn) << c.text;
    EXPECT_EQ(dsn.error().code, "InvalidDsn");
    EXPECT_NE(dsn.error().message.find(c.expected), std::string::npos) << c.text << ": " << dsn.error().message;
    EXPECT_EQ(dsn.error().message.find("secretkey"), std::string::npos) << dsn.error().message;
  }
}

TEST(SentryDsn, SameDestinationComparesHostPortPrefixAndProjectNotKeys) {
  const auto ours = parse_dsn("https://a@o1.ingest.sentry.io/42").value();
  EXPECT_TRUE(ours.same_destination(parse_dsn("https://b@O1.ingest.sentry.io:443/42").value()));
  EXPECT_FALSE(ours.same_destination(parse_dsn("https://a@evil.example/42").value()));
  EXPECT_FALSE(ours.same_destination(parse_dsn("https://a@o1.ingest.sentry.io/43").value()));
  EXPECT_FALSE(ours.same_destination(parse_dsn("https://a@o1.ingest.sentry.io:8443/42").value()));
  EXPECT_FALSE(ours.same_destination(parse_dsn("https://a@o1.ingest.sentry.io/x/42").value()));
  EXPECT_EQ(ours.describe(), "o1.ingest.sentry.io:443 project 42");
}

}  // namespace
}  // namespace lambda_relay::relay::sentry
