// The ingest server over real loopback sockets: routing, bounds, back-pressure, ports, passthrough.
#include "relay/ingest_server.hpp"
#include "relay_harness.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace lambda_relay::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(IngestServer, AnswersAnUnknownPathWith404NamingTheRoutes) {
  RelayHarness relay;
  relay.start();
  auto exchange = relay.post("/nothing/here", "x");
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 404);
  EXPECT_NE(exchange.response->body().find("no route for /nothing/here"), std::string::npos) << exchange.response->body();
  EXPECT_NE(exchange.response->body().find("POST /envelope"), std::string::npos) << exchange.response->body();
  EXPECT_NE(exchange.response->body().find("POST /api/{project}/envelope/"), std::string::npos);
}

TEST(IngestServer, AnswersAWrongMethodWith405AndAllow) {
  RelayHarness relay;
  relay.start();
  auto exchange = relay.send("GET /envelope HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 405);
  EXPECT_EQ(header(*exchange.response, "Allow"), "POST");
}

TEST(IngestServer, RefusesABodyOverTheLimitWith413BeforeReadingIt) {
  RelayHarness relay(1 << 20, 64 * 1024);
  relay.start();
  const std::string big(256 * 1024, 'x');
  auto declared = relay.post("/envelope", big);
  ASSERT_TRUE(declared.response) << "the answer arrives although the client is still writing: "
                                 << declared.error.message();
  EXPECT_EQ(declared.response->result_int(), 413);
  auto chunked = relay.post_chunked("/envelope", big, "", 8192);
  ASSERT_TRUE(chunked.response) << chunked.error.message();
  EXPECT_EQ(chunked.response->result_int(), 413);
  EXPECT_TRUE(relay.upstream.requests.empty());
}

// A client that writes its whole request before it reads: the relay must not close (and so reset)
// the connection under it while the body still arrives, or the client never sees the 413.
TEST(IngestServer, LetsAClientFinishWritingAnOversizeBodyAndReadThe413) {
  RelayHarness relay(1 << 20, 64 * 1024);
  relay.start();
  const std::string big(4 << 20, 'x');
  auto exchange = relay.send(fmt::format("POST /envelope HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n{}",
                                         big.size(), big),
                             true);
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 413);
}

TEST(IngestServer, AcceptsAChunkedBodyWithoutContentLength) {
  RelayHarness relay;
  relay.start();
  const std::string envelope = "{}\n{\"type\":\"event\"}\n{\"message\":\"chunked\"}";
  auto exchange = relay.post_chunked("/envelope", envelope, "", 7);
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 200) << exchange.response->body();
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), envelope);
}

TEST(IngestServer, AnswersOutboxFullWith429AndKeepsWhatItAccepted) {
  RelayHarness relay(4096, 4096);
  relay.start();
  ASSERT_TRUE(run(relay.io, relay.engine->pause(Clock::now())));  // nothing leaves: the outbox fills
  const std::string envelope = "{}\n{\"type\":\"event\"}\n{\"pad\":\"" + std::string(2500, 'a') + "\"}";
  auto first = relay.post("/envelope", envelope);
  ASSERT_TRUE(first.response);
  EXPECT_EQ(first.response->result_int(), 200);
  auto second = relay.post("/envelope", envelope);
  ASSERT_TRUE(second.response);
  EXPECT_EQ(second.response->result_int(), 429);
  EXPECT_EQ(header(*second.response, "Retry-After"), "1");
  EXPECT_NE(second.response->body().find("outbox is full"), std::string::npos);
  relay.engine->open_cycle();
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), envelope);
  EXPECT_EQ(relay.engine->stats(relay.sentry->id).refused_full, 1U);
}

TEST(IngestServer, AnswersAsSoonAsTheDataIsQueuedNotWhenTheUpstreamHasIt) {
  RelayHarness relay;
  relay.start();
  ASSERT_TRUE(run(relay.io, relay.engine->pause(Clock::now())));  // between flush cycles: nothing is sent
  auto exchange = relay.post("/envelope", "{}\n{\"type\":\"event\"}\n{}");
  ASSERT_TRUE(exchange.response);
  EXPECT_EQ(exchange.response->result_int(), 200);
  EXPECT_TRUE(relay.upstream.requests.empty());
  relay.engine->open_cycle();
  EXPECT_TRUE(relay.wait_for_upstream(1));
}

TEST(IngestServer, ServesTheFreePortsWhenOneIsTaken) {
  asio::io_context io{1};
  std::vector<std::string> warnings;
  log::Logger logger{"test", log::Level::warn};
  logger.set_sink([&](log::Level, std::string_view line) { warnings.emplace_back(line); });
  net::tcp::acceptor squatter(io, {net::asio::ip::make_address_v4("127.0.0.1"), 0});
  const auto taken = squatter.local_endpoint().port();
  net::tcp::acceptor squatter6(io);
  boost::system::error_code ec;
  squatter6.open(net::tcp::v6(), ec);
  if (!ec) squatter6.bind({net::asio::ip::make_address_v6("::1"), taken}, ec);
  if (!ec) squatter6.listen(1, ec);

  relay::RouteTable routes;
  relay::IngestServer server(io.get_executor(), logger, std::move(routes), 1024);
  const auto bound = server.start({taken, 0});
  ASSERT_EQ(bound.size(), 1U);
  EXPECT_NE(bound[0].port(), taken);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].find(fmt::format("cannot listen on port {}", taken)), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("in use"), std::string::npos) << "the cause is named: " << warnings[0];
  server.stop();
  drain(io);
}

TEST(IngestServer, ForwardsPlainRequestsUnderAPrefixWithPathQueryAndHeaders) {
  RelayHarness relay;
  relay.start([&](config::RelayConfig& c) {
    c.forward.push_back({"/logs", net::parse_url(relay.upstream.url("/collect")).value()});
  });
  auto exchange = relay.post("/logs/app/1?since=5", "line one\nline two",
                             "Content-Type: text/plain\r\nX-Api-Key: k1\r\nContent-Encoding: identity\r\n");
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 200);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/collect/app/1?since=5");
  EXPECT_EQ(got.body(), "line one\nline two");
  EXPECT_EQ(header(got, "Content-Type"), "text/plain");
  EXPECT_EQ(header(got, "X-Api-Key"), "k1");
  EXPECT_EQ(header(got, "Content-Encoding"), "identity");
  EXPECT_EQ(header(got, "Host"), relay.upstream.url("").substr(7)) << "the upstream's host, not the relay's";
}

TEST(IngestServer, AnswersForAPassthroughUpstreamThatIsRateLimiting) {
  RelayHarness relay;
  relay.upstream.script({429, {{"Retry-After", "30"}}});
  relay.start([&](config::RelayConfig& c) {
    c.forward.push_back({"/", net::parse_url(relay.upstream.url("/")).value()});
  });
  auto first = relay.post("/anything", "1");
  ASSERT_TRUE(first.response);
  EXPECT_EQ(first.response->result_int(), 200);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  // The engine learnt the limit from the 429; the next request is refused until it expires.
  ASSERT_TRUE(run(relay.io, relay.changed.wait_until(
                                [&] { return relay.engine->rate_limited(1, ""); }, Clock::now() + std::chrono::seconds(5))));
  auto second = relay.post("/anything", "2");
  ASSERT_TRUE(second.response);
  EXPECT_EQ(second.response->result_int(), 429);
  const auto retry_after = std::stoi(header(*second.response, "Retry-After"));
  EXPECT_GE(retry_after, 29);
  EXPECT_LE(retry_after, 30);
  EXPECT_EQ(header(*second.response, "X-Sentry-Rate-Limits"), "") << "not a Sentry route";
}

}  // namespace
}  // namespace lambda_relay::test
