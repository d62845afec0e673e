// The chaos upstream itself, driven by a plain client (net::HttpConnection): each phase of a script is
// observable, in order, for as long as the script says.
#include "chaos_upstream.hpp"

#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace lambda_relay::testing {
namespace {

using namespace std::chrono_literals;

net::Awaitable<void> send_into(net::HttpConnection& connection, std::string body, std::optional<Result<net::Response>>& out) {
  net::Request request{net::http::verb::post, "/batch", 11};
  request.set(net::http::field::content_type, "application/json");
  request.body() = std::move(body);
  out.emplace(co_await connection.send(std::move(request), std::chrono::milliseconds(2000)));
}

// One request on the test's own io_context; the upstream answers from its thread.
Result<net::Response> post(boost::asio::io_context& io, net::HttpConnection& connection, std::string body) {
  std::optional<Result<net::Response>> out;
  boost::asio::co_spawn(io, send_into(connection, std::move(body), out), boost::asio::detached);
  io.restart();
  io.run_for(5s);
  if (!out) return make_error("test", "no answer within 5 s");
  return std::move(*out);
}

struct Client {
  explicit Client(const ChaosUpstream& upstream)
      : connection(io.get_executor(), net::HostPort{"127.0.0.1", upstream.port()}) {}
  Result<net::Response> post(std::string body) { return testing::post(io, connection, std::move(body)); }
  boost::asio::io_context io;
  net::HttpConnection connection;
};

TEST(ChaosUpstream, PlaysEachPhaseOfItsScriptInOrderThenAcceptsOnTheSamePort) {
  ChaosUpstream upstream(ChaosScript()
                             .answer(503, 2)
                             .throttle(2, 1s, "1:default:organization")
                             .reset_for(300ms)
                             .down_for(300ms)
                             .latency(50ms));
  Client client(upstream);

  for (int i = 0; i < 2; ++i) {
    auto response = client.post("a");
    ASSERT_TRUE(response) << response.error().describe();
    EXPECT_EQ(response->result_int(), 503U);
  }
  for (int i = 0; i < 2; ++i) {
    auto response = client.post("b");
    ASSERT_TRUE(response) << response.error().describe();
    EXPECT_EQ(response->result_int(), 429U);
    EXPECT_EQ((*response)["Retry-After"], "1");
    EXPECT_EQ((*response)["X-Sentry-Rate-Limits"], "1:default:organization");
  }
  EXPECT_EQ(upstream.state().early_retries, 1U) << "the second 429 came right after the first's Retry-After: 1";

  client.connection.close();  // a fresh connection: the client does not retry a fresh failure
  auto cut = client.post("c");
  ASSERT_FALSE(cut);
  EXPECT_EQ(upstream.state().resets, 1U);
  EXPECT_EQ(upstream.state().phase, 2U);

  ASSERT_TRUE(upstream.wait_until([](const ChaosState& s) { return !s.listening; }, 2s));
  auto refused = client.post("d");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("refused"), std::string::npos) << refused.error().message;

  ASSERT_TRUE(upstream.wait_until([](const ChaosState& s) { return s.listening; }, 2s));
  const auto sent = ChaosClock::now();
  auto accepted = client.post("e");
  ASSERT_TRUE(accepted) << accepted.error().describe();
  EXPECT_EQ(accepted->result_int(), 200U);
  EXPECT_GE(ChaosClock::now() - sent, 50ms) << "healthy answers come after the latency";

  const auto state = upstream.state();
  EXPECT_EQ(state.phase, 4U);
  EXPECT_EQ(state.answered.at(503), 2U);
  EXPECT_EQ(state.answered.at(429), 2U);
  EXPECT_EQ(state.answered.at(200), 1U);
  EXPECT_EQ(state.requests, 6U) << "the refused request never reached it";
  ASSERT_EQ(state.phase_started.size(), 5U);
  for (const auto& started : state.phase_started) ASSERT_TRUE(started);
  EXPECT_GE(*state.phase_started[3] - *state.phase_started[2], 300ms) << "resets lasted their duration";
  EXPECT_GE(*state.phase_started[4] - *state.phase_started[3], 300ms) << "down lasted its duration";
  const auto bodies = upstream.accepted();
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_EQ(bodies[0].body, "e");
}

TEST(ChaosUpstream, AResetPhaseStartsWithItsFirstRequestNotWhenThePhaseBeforeEnded) {
  ChaosUpstream upstream(ChaosScript().answer(503, 1).reset_for(200ms));
  Client client(upstream);
  ASSERT_TRUE(client.post("a"));
  // Nobody asks for longer than the reset phase lasts: it has not begun, so it has not ended.
  EXPECT_FALSE(upstream.wait_until([](const ChaosState& s) { return s.phase == 2; }, 300ms));
  client.connection.close();
  EXPECT_FALSE(client.post("b"));
  EXPECT_TRUE(upstream.wait_until([](const ChaosState& s) { return s.phase == 2; }, 2s));
  auto healthy = client.post("c");
  ASSERT_TRUE(healthy) << healthy.error().describe();
  EXPECT_EQ(healthy->result_int(), 200U);
}

TEST(ChaosUpstream, DownForeverRefusesEveryConnection) {
  ChaosUpstream upstream(ChaosScript().down_forever());
  Client client(upstream);
  for (int i = 0; i < 3; ++i) {
    auto refused = client.post("a");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("refused"), std::string::npos) << refused.error().message;
  }
  EXPECT_FALSE(upstream.state().listening);
  EXPECT_EQ(upstream.state().requests, 0U);
}

TEST(ChaosUpstream, GoingDownClosesIdleKeepAliveConnections) {
  ChaosUpstream upstream(ChaosScript().answer(503, 1).down_for(200ms));
  Client client(upstream);
  auto first = client.post("a");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 503U);
  ASSERT_TRUE(upstream.wait_until([](const ChaosState& s) { return !s.listening; }, 2s));
  // The kept-alive connection was closed with the listener: the retry on a fresh one is refused.
  auto refused = client.post("b");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("refused"), std::string::npos) << refused.error().message;
  EXPECT_EQ(upstream.state().requests, 1U);
}

}  // namespace
}  // namespace lambda_relay::testing
