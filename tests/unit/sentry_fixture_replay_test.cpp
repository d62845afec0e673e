// Replays the requests captured from the real Sentry SDKs (../shared/fixtures/sentry) against the
// relay, framing included (chunked bodies without Content-Length, gzip above 32 KiB, the key in the
// query), and checks what reaches the upstream: the same envelope bytes, with Sentry auth.
#include "captured_requests.hpp"
#include "relay_harness.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace lambda_relay::test {
namespace {

// The capture's DSN pointed at 127.0.0.1:8999; the test's upstream listens elsewhere.
std::string retarget(std::string body, std::string_view port) {
  const std::string from = "127.0.0.1:8999";
  const std::string to = "127.0.0.1:" + std::string(port);
  const bool gzipped = body.starts_with("\x1f\x8b");
  if (gzipped) body = support::gunzip(body, 1 << 24).value();
  for (auto at = body.find(from); at != std::string::npos; at = body.find(from, at + to.size())) {
    body.replace(at, from.size(), to);
  }
  return gzipped ? support::gzip(body) : body;
}

class SentryFixtureReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(SentryFixtureReplay, EveryCapturedEnvelopeReachesSentryIntactWithAuth) {
  const auto fixtures = fixtures_dir();
  if (!fixtures) GTEST_SKIP() << "shared fixtures not found";
  const auto requests = captured_requests(*fixtures / "sentry" / GetParam());
  ASSERT_FALSE(requests.empty());
  RelayHarness relay(16 << 20, 4 << 20);
  relay.start();
  const auto port = relay.upstream.url("").substr(relay.upstream.url("").rfind(':') + 1);
  std::vector<std::string> sent;
  for (const auto& request : requests) {
    sent.push_back(retarget(request.body, port));
    auto exchange = relay.send(replay_bytes(request, sent.back()));
    ASSERT_TRUE(exchange.response) << request.name << ": " << exchange.error.message();
    EXPECT_EQ(exchange.response->result_int(), 200) << request.name << ": " << exchange.response->body();
  }
  ASSERT_TRUE(relay.wait_for_upstream(requests.size()));
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& got = relay.upstream.requests[i];
    const bool gzipped = sent[i].starts_with("\x1f\x8b");
    EXPECT_EQ(got.body(), sent[i]) << requests[i].name;
    EXPECT_EQ(header(got, "Content-Encoding"), gzipped ? "gzip" : "") << requests[i].name;
    EXPECT_EQ(got.target(), "/api/42/envelope/") << requests[i].name;
    const auto auth = header(got, "X-Sentry-Auth");
    EXPECT_TRUE(auth.starts_with("Sentry sentry_key=publickey, sentry_version=7, sentry_client=")) << auth;
  }
}

INSTANTIATE_TEST_SUITE_P(Captures, SentryFixtureReplay,
                         ::testing::Values("tunnel", "lambda-tunnel", "direct", "lambda-direct", "ric-auto-3.3.0",
                                           "ric-auto-4.0.2", "extension-upstream"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace lambda_relay::test
