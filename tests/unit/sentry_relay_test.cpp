// The Sentry routes end to end over loopback: what an SDK gets back, and what reaches Sentry.
#include "relay_harness.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#if LAMBDA_RELAY_BROTLI
#include <brotli/encode.h>
#endif

#include <gtest/gtest.h>

namespace lambda_relay::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kClient = "sentry.javascript.aws-serverless/10.75.2";

std::string tunnel_envelope(std::string_view dsn, std::string_view type = "event") {
  return fmt::format("{{\"event_id\":\"0123456789abcdef0123456789abcdef\",\"dsn\":\"{}\"}}\n{{\"type\":\"{}\"}}\n"
                     "{{\"message\":\"hello\"}}",
                     dsn, type);
}

TEST(SentryRelay, ForwardsATunnelEnvelopeUntouchedWithSentryAuth) {
  RelayHarness relay;
  relay.start();
  const auto envelope = tunnel_envelope(relay.dsn());
  auto exchange = relay.post_chunked("/envelope", envelope, fmt::format("User-Agent: {}\r\n", kClient));
  EXPECT_EQ(status_of(exchange), 200U);
  EXPECT_EQ(body_of(exchange), "{\"id\":\"0123456789abcdef0123456789abcdef\"}");
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/api/42/envelope/");
  EXPECT_EQ(got.body(), envelope);
  EXPECT_EQ(header(got, "Content-Type"), "application/x-sentry-envelope");
  EXPECT_EQ(header(got, "X-Sentry-Auth"),
            fmt::format("Sentry sentry_key=publickey, sentry_version=7, sentry_client={}", kClient));
  EXPECT_EQ(header(got, "User-Agent"), kClient);
  EXPECT_EQ(header(got, "Content-Encoding"), "");
}

TEST(SentryRelay, AcceptsADsnPointedAtTheRelayWithTheKeyInTheQuery) {
  RelayHarness relay;
  relay.start();
  const std::string envelope = "{\"sent_at\":\"2026-11-22T23:36:06.950Z\"}\n{\"type\":\"session\"}\n{\"sid\":\"1\"}";
  auto exchange = relay.post_chunked(
      "/api/42/envelope/?sentry_version=7&sentry_key=publickey&sentry_client=sentry.javascript.aws-serverless%2F10.75.2",
      envelope);
  EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
  EXPECT_EQ(body_of(exchange), "{}");
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/api/42/envelope/") << "the SDK's query (its key) is not forwarded";
  EXPECT_EQ(got.body(), envelope);
  EXPECT_EQ(header(got, "X-Sentry-Auth"),
            fmt::format("Sentry sentry_key=publickey, sentry_version=7, sentry_client={}", kClient));
}

TEST(SentryRelay, AuthenticatesWithSentryDsnsKeyAndSecretWhateverTheSdkSent) {
  RelayHarness relay;
  relay.config.sentry_dsn->public_key = "realkey";
  relay.config.sentry_dsn->secret_key = "realsecret";
  relay.start();
  auto exchange = relay.post("/api/42/envelope/", "{}\n{\"type\":\"event\"}\n{}",
                             "X-Sentry-Auth: Sentry sentry_key=otherkey, sentry_version=7, sentry_client=sentry.python/2.30.0\r\n");
  EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(header(relay.upstream.requests[0], "X-Sentry-Auth"),
            "Sentry sentry_key=realkey, sentry_version=7, sentry_client=sentry.python/2.30.0, sentry_secret=realsecret");
}

TEST(SentryRelay, ForwardsGzipBodiesAsReceived) {
  RelayHarness relay;
  relay.start();
  const auto envelope = tunnel_envelope(relay.dsn()) + std::string(40000, ' ');  // > 32 KiB: the JS SDK gzips
  const auto gzipped = support::gzip(envelope);
  EXPECT_EQ(status_of(relay.post_chunked("/envelope", gzipped, "Content-Encoding: gzip\r\n")), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), gzipped);
  EXPECT_EQ(header(relay.upstream.requests[0], "Content-Encoding"), "gzip");
}

#if LAMBDA_RELAY_BROTLI
TEST(SentryRelay, ForwardsBrotliBodiesAsReceived) {
  RelayHarness relay;
  relay.start();
  const auto envelope = tunnel_envelope(relay.dsn());
  std::string brotli(BrotliEncoderMaxCompressedSize(envelope.size()), '\0');
  std::size_t size = brotli.size();
  ASSERT_TRUE(BrotliEncoderCompress(4, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, envelope.size(),
                                    reinterpret_cast<const std::uint8_t*>(envelope.data()), &size,
                                    reinterpret_cast<std::uint8_t*>(brotli.data())));
  brotli.resize(size);
  EXPECT_EQ(status_of(relay.post("/envelope", brotli, "Content-Encoding: br\r\n")), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), brotli);
  EXPECT_EQ(header(relay.upstream.requests[0], "Content-Encoding"), "br");
}
#endif

TEST(SentryRelay, RefusesAnEnvelopeForAnotherDestinationAndSendsNothing) {
  RelayHarness relay;
  relay.start();
  auto other_host = relay.post("/envelope", tunnel_envelope("https://publickey@evil.example/42"));
  EXPECT_EQ(status_of(other_host), 403U);
  EXPECT_NE(body_of(other_host).find("evil.example:443 project 42"), std::string::npos) << body_of(other_host);
  EXPECT_NE(body_of(other_host).find("SENTRY_DSN"), std::string::npos);
  auto other_project = relay.post("/envelope", tunnel_envelope(relay.dsn("43")));
  EXPECT_EQ(status_of(other_project), 403U);
  auto other_path = relay.post("/api/43/envelope/", "{}\n{\"type\":\"event\"}\n{}");
  EXPECT_EQ(status_of(other_path), 403U);
  EXPECT_NE(body_of(other_path).find("project 43 in the path"), std::string::npos) << body_of(other_path);
  auto bad_dsn = relay.post("/envelope", tunnel_envelope("not a dsn"));
  EXPECT_EQ(status_of(bad_dsn), 400U);
  // A good one afterwards is the only thing Sentry sees.
  EXPECT_EQ(status_of(relay.post("/envelope", tunnel_envelope(relay.dsn()))), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests.size(), 1U);
  EXPECT_NE(relay.upstream.requests[0].body().find(relay.dsn()), std::string::npos);
}

TEST(SentryRelay, RefusesBrokenBodiesWith400AndAReason) {
  RelayHarness relay;
  relay.start();
  const auto envelope = tunnel_envelope(relay.dsn());
  const auto truncated = relay.post("/envelope", envelope.substr(0, envelope.size() - 5));
  EXPECT_EQ(status_of(truncated), 400U);
  EXPECT_NE(body_of(truncated).find("truncated"), std::string::npos) << body_of(truncated);
  const auto bad_gzip = relay.post("/envelope", "\x1f\x8b\x08garbage", "Content-Encoding: gzip\r\n");
  EXPECT_EQ(status_of(bad_gzip), 400U);
  EXPECT_NE(body_of(bad_gzip).find("gzip body does not decode"), std::string::npos) << body_of(bad_gzip);
  const auto cut_gzip = relay.post("/envelope", support::gzip(envelope).substr(0, 30), "Content-Encoding: gzip\r\n");
  EXPECT_EQ(status_of(cut_gzip), 400U);
  const auto empty = relay.post("/envelope", "");
  EXPECT_EQ(status_of(empty), 400U);
  EXPECT_NE(body_of(empty).find("empty request body"), std::string::npos);
  EXPECT_EQ(status_of(relay.post("/envelope", envelope, "Content-Encoding: zstd\r\n")), 415U);
  EXPECT_EQ(status_of(relay.post("/envelope", "plain text")), 400U);
  // The connection and the relay are fine afterwards.
  EXPECT_EQ(status_of(relay.post("/envelope", envelope)), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests.size(), 1U);
}

TEST(SentryRelay, RefusesARateLimitedCategoryWithSentrysHeadersAndPassesOthers) {
  RelayHarness relay;
  relay.upstream.script({200, {{"X-Sentry-Rate-Limits", "60:transaction:key, 10:session:project"}}});
  relay.start();
  EXPECT_EQ(status_of(relay.post("/envelope", tunnel_envelope(relay.dsn(), "transaction"))), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  ASSERT_TRUE(run(relay.io, relay.changed.wait_until([&] { return relay.engine->rate_limited(0, "transaction"); },
                                                     Clock::now() + std::chrono::seconds(5))));
  auto limited = relay.post("/envelope", tunnel_envelope(relay.dsn(), "transaction"));
  EXPECT_EQ(status_of(limited), 429U);
  ASSERT_TRUE(limited.response);
  const auto seconds = std::stoi(header(*limited.response, "Retry-After"));
  EXPECT_GE(seconds, 59);
  EXPECT_LE(seconds, 60);
  EXPECT_EQ(header(*limited.response, "X-Sentry-Rate-Limits"), fmt::format("{}:transaction:key", seconds));
  EXPECT_EQ(status_of(relay.post("/envelope", tunnel_envelope(relay.dsn(), "event"))), 200U) << "errors still go";
  ASSERT_TRUE(relay.wait_for_upstream(2));
  EXPECT_EQ(relay.upstream.requests.size(), 2U);
}

TEST(SentryRelay, WrapsALegacyStoreEventIntoAnEnvelope) {
  RelayHarness relay;
  relay.start();
  const std::string event = "{\"event_id\":\"fedcba9876543210fedcba9876543210\",\"message\":\"legacy\\nline\"}";
  auto exchange = relay.post("/api/42/store/", support::gzip(event), "Content-Encoding: gzip\r\n");
  EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
  EXPECT_EQ(body_of(exchange), "{\"id\":\"fedcba9876543210fedcba9876543210\"}");
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/api/42/envelope/");
  EXPECT_EQ(got.body(), fmt::format("{{\"event_id\":\"fedcba9876543210fedcba9876543210\"}}\n"
                                    "{{\"type\":\"event\",\"length\":{}}}\n{}\n",
                                    event.size(), event));
  EXPECT_EQ(status_of(relay.post("/api/42/store/", "[1]")), 400U);
}

TEST(SentryRelay, AnswersWithoutSentryDsnThatItIsNotConfigured) {
  RelayHarness relay;
  relay.config.sentry_dsn.reset();
  relay.start([&](config::RelayConfig& c) {
    c.forward.push_back({"/other", net::parse_url(relay.upstream.url("/")).value()});
  });
  auto exchange = relay.post("/envelope", tunnel_envelope(relay.dsn()));
  EXPECT_EQ(status_of(exchange), 503U);
  EXPECT_NE(body_of(exchange).find("SENTRY_DSN is not set"), std::string::npos) << body_of(exchange);
}

TEST(SentryRelay, AcceptsAnEnvelopeWithoutItemsAndSendsNothing) {
  RelayHarness relay;
  relay.start();
  EXPECT_EQ(status_of(relay.post("/envelope", "{\"dsn\":\"" + relay.dsn() + "\"}\n")), 200U);
  EXPECT_EQ(status_of(relay.post("/envelope", tunnel_envelope(relay.dsn()))), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests.size(), 1U);
}

}  // namespace
}  // namespace lambda_relay::test
