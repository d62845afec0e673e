// The delivery engine against a scripted upstream on a real loopback socket.
#include "delivery/delivery_engine.hpp"
#include "net/http_server.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace lambda_relay::delivery {
namespace {

using Clock = std::chrono::steady_clock;

// Answers each request with the next scripted status (then 200 for ever), recording arrivals.
class ScriptedUpstream {
 public:
  struct Answer {
    unsigned status;
    std::string retry_after;
  };

  ScriptedUpstream(net::asio::any_io_executor executor, std::deque<Answer> script)
      : script_(std::move(script)), server_(executor, [this](net::Request& r) -> net::Awaitable<net::Response> {
          co_return answer(r);
        }) {}

  std::uint16_t listen(std::uint16_t port = 0) {
    auto bound = server_.listen({net::asio::ip::make_address_v4("127.0.0.1"), port});
    EXPECT_TRUE(bound) << (bound ? "" : bound.error().message);
    server_.start();
    return bound ? bound->port() : 0;
  }
  void stop() { server_.stop(); }

  std::vector<Clock::time_point> arrivals;
  std::vector<std::string> bodies;

 private:
  net::Response answer(const net::Request& request) {
    arrivals.push_back(Clock::now());
    bodies.push_back(request.body());
    Answer next{200, ""};
    if (!script_.empty()) {
      next = script_.front();
      script_.pop_front();
    }
    auto response = net::make_response(request, static_cast<net::http::status>(next.status), "{\"detail\":\"scripted\"}");
    if (!next.retry_after.empty()) response.set(net::http::field::retry_after, next.retry_after);
    return response;
  }

  std::deque<Answer> script_;
  net::HttpServer server_;
};

class DeliveryEngineTest : public ::testing::Test {
 protected:
  net::asio::io_context io{1};
  support::StateChanged changed{io.get_executor()};
  log::Logger logger{"test", log::Level::off};
  RetryPolicy fast{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};

  static net::Url url_for(std::uint16_t port) {
    auto url = net::parse_url("http://127.0.0.1:" + std::to_string(port) + "/ingest");
    return std::move(url).value();
  }
  static Payload payload(std::string body) {
    Payload p;
    p.body = std::move(body);
    return p;
  }
  std::optional<bool> flush(DeliveryEngine& engine, std::chrono::milliseconds budget = std::chrono::seconds(5)) {
    return test::run(io, engine.flush(Clock::now() + budget));
  }
};

TEST_F(DeliveryEngineTest, RetriesServiceUnavailableThenDeliversExactlyOnce) {
  ScriptedUpstream upstream(io.get_executor(), {{503, ""}, {503, ""}});
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  ASSERT_TRUE(engine.submit(id, payload("[1]")));
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{"[1]", "[1]", "[1]"}));
  EXPECT_EQ(engine.stats(id).sent, 1U);
  EXPECT_EQ(engine.stats(id).retried, 2U);
  EXPECT_EQ(engine.buffered_bytes(), 0U);
}

TEST_F(DeliveryEngineTest, WaitsAtLeastRetryAfterBeforeRetrying) {
  ScriptedUpstream upstream(io.get_executor(), {{429, "1"}});
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  ASSERT_TRUE(engine.submit(id, payload("x")));
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  ASSERT_EQ(upstream.arrivals.size(), 2U);
  EXPECT_GE(upstream.arrivals[1] - upstream.arrivals[0], std::chrono::milliseconds(1000));
}

TEST_F(DeliveryEngineTest, DropsWhatTheUpstreamRejectsWithoutRetrying) {
  ScriptedUpstream upstream(io.get_executor(), {{400, ""}});
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  ASSERT_TRUE(engine.submit(id, payload("bad")));
  ASSERT_TRUE(engine.submit(id, payload("good")));
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(engine.stats(id).rejected, 1U);
  EXPECT_EQ(engine.stats(id).sent, 1U);
  EXPECT_EQ(engine.stats(id).retried, 0U);
}

TEST_F(DeliveryEngineTest, RefusesNewDataWhenTheOutboxIsFullAndKeepsWhatItAccepted) {
  ScriptedUpstream upstream(io.get_executor(), {});
  DeliveryEngine engine(changed, logger, 100, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  EXPECT_TRUE(engine.submit(id, payload(std::string(80, 'a'))));
  EXPECT_FALSE(engine.submit(id, payload(std::string(80, 'b'))));
  EXPECT_EQ(engine.stats(id).refused_full, 1U);
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{std::string(80, 'a')}));
  EXPECT_TRUE(engine.submit(id, payload(std::string(80, 'c')))) << "room again once delivered";
}

TEST_F(DeliveryEngineTest, CarriesOverWhatAnUnreachableUpstreamCouldNotTakeAndDeliversItLater) {
  ScriptedUpstream upstream(io.get_executor(), {});
  const auto port = upstream.listen();
  upstream.stop();  // nothing listens on `port` now: connections are refused
  test::drain(io);
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(port));
  ASSERT_TRUE(engine.submit(id, payload("kept")));
  EXPECT_EQ(flush(engine), std::optional<bool>(false));
  EXPECT_EQ(engine.stats(id).retried, 3U) << "bounded attempts per cycle";
  EXPECT_FALSE(engine.idle());

  ScriptedUpstream back(io.get_executor(), {});
  ASSERT_EQ(back.listen(port), port);
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(back.bodies, (std::vector<std::string>{"kept"}));
  EXPECT_EQ(engine.stats(id).sent, 1U);
}

TEST_F(DeliveryEngineTest, CountsWhatIsStillQueuedAtShutdownAsUnsent) {
  ScriptedUpstream upstream(io.get_executor(), {});
  const auto port = upstream.listen();
  upstream.stop();
  test::drain(io);
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(port));
  ASSERT_TRUE(engine.submit(id, payload("a")));
  ASSERT_TRUE(engine.submit(id, payload("b")));
  EXPECT_EQ(flush(engine), std::optional<bool>(false));
  engine.report_and_abandon();
  EXPECT_EQ(engine.stats(id).unsent, 2U);
  EXPECT_EQ(engine.buffered_bytes(), 0U);
}

TEST(RetryPolicy, ClassifiesStatuses) {
  EXPECT_EQ(classify(200), Verdict::delivered);
  EXPECT_EQ(classify(202), Verdict::delivered);
  EXPECT_EQ(classify(408), Verdict::retry);
  EXPECT_EQ(classify(429), Verdict::retry);
  EXPECT_EQ(classify(503), Verdict::retry);
  EXPECT_EQ(classify(400), Verdict::reject);
  EXPECT_EQ(classify(413), Verdict::reject);
}

TEST(RetryPolicy, BackoffStaysWithinTheExponentialCeilingAndTheCap) {
  RetryPolicy policy{3, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  std::mt19937 random(42);
  for (int attempt = 0; attempt < 10; ++attempt) {
    for (int i = 0; i < 100; ++i) {
      const auto wait = policy.backoff(attempt, random);
      EXPECT_GE(wait.count(), 0);
      EXPECT_LE(wait.count(), std::min<long long>(1000, 100LL << attempt));
    }
  }
}

}  // namespace
}  // namespace lambda_relay::delivery
