// The delivery engine against a scripted upstream on a real loopback socket.
#include "delivery/delivery_engine.hpp"
#include "net/http_server.hpp"
#include "net/tls_context.hpp"
#include "test_support.hpp"
#include "tls_test_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
    std::string sentry_rate_limits = {};
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
    if (!next.sentry_rate_limits.empty()) response.set("X-Sentry-Rate-Limits", next.sentry_rate_limits);
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
  static Payload payload(std::string body, std::string category = "") {
    Payload p;
    p.body = std::move(body);
    p.category = std::move(category);
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
  auto bodies = upstream.bodies;  // two connections: either may arrive first
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"bad", "good"}));
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
  engine.open_cycle();
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

// Accepts connections and reads requests; answers the first "x" only when released, the rest at once.
class HoldingUpstream {
 public:
  explicit HoldingUpstream(net::asio::any_io_executor executor)
      : changed_(executor), server_(executor, [this](net::Request& r) -> net::Awaitable<net::Response> {
          bodies.push_back(r.body());
          if (r.body() == "x" && !held_) {
            held_ = true;
            co_await changed_.wait_until([this] { return released_; });
          }
          co_return net::make_response(r, net::http::status::ok, "{}");
        }) {}
  ~HoldingUpstream() { release(); }

  std::uint16_t listen() {
    auto bound = server_.listen({net::asio::ip::make_address_v4("127.0.0.1"), 0});
    server_.start();
    return bound ? bound->port() : 0;
  }
  void release() {
    released_ = true;
    changed_.notify();
  }

  std::vector<std::string> bodies;

 private:
  support::StateChanged changed_;
  bool released_ = false;
  bool held_ = false;
  net::HttpServer server_;
};

TEST_F(DeliveryEngineTest, ARequestOverItsUpstreamsTimeoutIsAbandonedAndRetried) {
  HoldingUpstream upstream(io.get_executor());
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  UpstreamOptions quick;
  quick.request_timeout = std::chrono::milliseconds(50);
  const auto id = engine.add_upstream("holding", url_for(upstream.listen()), quick);
  ASSERT_TRUE(engine.submit(id, payload("x")));
  // The default timeout (3 s) would outlast this flush; 50 ms gives up on the held request in time.
  EXPECT_EQ(flush(engine, std::chrono::seconds(2)), std::optional<bool>(true));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{"x", "x"}));
  EXPECT_EQ(engine.stats(id).retried, 1U);
  EXPECT_EQ(engine.stats(id).sent, 1U);
}

TEST_F(DeliveryEngineTest, SendsNothingWhilePausedAndEverythingOnceTheNextCycleOpens) {
  ScriptedUpstream upstream(io.get_executor(), {});
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  ASSERT_TRUE(engine.submit(id, payload("a")));
  EXPECT_EQ(flush(engine), std::optional<bool>(false)) << "a flush while paused returns at once, unsent";
  const auto opened = Clock::now();
  engine.open_cycle();
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  ASSERT_EQ(upstream.arrivals.size(), 1U);
  EXPECT_GE(upstream.arrivals[0], opened) << "nothing went out before the cycle opened";
}

TEST_F(DeliveryEngineTest, PauseCutsARequestInFlightAndADeduplicatingUpstreamGetsItAgain) {
  HoldingUpstream upstream(io.get_executor());
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  UpstreamOptions deduplicating;
  deduplicating.deduplicates = true;
  const auto id = engine.add_upstream("holding", url_for(upstream.listen()), deduplicating);
  ASSERT_TRUE(engine.submit(id, payload("x")));
  EXPECT_EQ(flush(engine, std::chrono::milliseconds(200)), std::optional<bool>(false)) << "held by the upstream";
  ASSERT_EQ(upstream.bodies.size(), 1U) << "the request reached the upstream";
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  EXPECT_EQ(engine.stats(id).retried, 1U);
  EXPECT_FALSE(engine.idle()) << "the cut request stays in the outbox";

  upstream.release();
  engine.open_cycle();
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{"x", "x"})) << "at least once: the upstream saw it twice";
  EXPECT_EQ(engine.stats(id).sent, 1U);
}

TEST_F(DeliveryEngineTest, ARequestCutAfterItWasWrittenIsNotSentAgainToAnUpstreamThatDoesNotDeduplicate) {
  HoldingUpstream upstream(io.get_executor());
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("holding", url_for(upstream.listen()));
  auto x = payload("x");
  x.items = 3;
  ASSERT_TRUE(engine.submit(id, std::move(x)));
  ASSERT_TRUE(engine.submit(id, payload("y")));
  EXPECT_EQ(flush(engine, std::chrono::milliseconds(200)), std::optional<bool>(false));
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  upstream.release();
  engine.open_cycle();
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  auto bodies = upstream.bodies;
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"x", "y"})) << "no duplicate of x";
  EXPECT_EQ(engine.stats(id).unconfirmed, 1U);
  EXPECT_EQ(engine.stats(id).items_unconfirmed, 3U) << "the items of the cut request are accounted for";
  EXPECT_EQ(engine.stats(id).sent, 1U);
  EXPECT_EQ(engine.buffered_bytes(), 0U);
}

TEST_F(DeliveryEngineTest, BackoffSpansCyclesSoADownUpstreamIsNotProbedEveryInvocation) {
  ScriptedUpstream gone(io.get_executor(), {});
  const auto port = gone.listen();
  gone.stop();
  test::drain(io);
  DeliveryEngine engine(changed, logger, 1 << 20, RetryPolicy{3, std::chrono::seconds(20), std::chrono::seconds(20)});
  const auto id = engine.add_upstream("down", url_for(port));
  ASSERT_TRUE(engine.submit(id, payload("kept")));
  EXPECT_EQ(flush(engine, std::chrono::seconds(5)), std::optional<bool>(false))
      << "returns as soon as the backoff outlasts the deadline, not at it";
  EXPECT_EQ(engine.stats(id).retried, 1U);

  engine.open_cycle();
  EXPECT_EQ(flush(engine, std::chrono::seconds(5)), std::optional<bool>(false));
  EXPECT_EQ(engine.stats(id).retried, 1U) << "still backing off: no attempt in this cycle";

  engine.open_cycle(/*final=*/true);
  EXPECT_EQ(flush(engine, std::chrono::seconds(5)), std::optional<bool>(false));
  EXPECT_EQ(engine.stats(id).retried, 2U) << "the final cycle tries once more regardless";
}

TEST_F(DeliveryEngineTest, SentryRateLimitHoldsItsCategoryWhileOthersFlow) {
  ScriptedUpstream upstream(io.get_executor(), {{429, "", "60:transaction:key"}});
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("sentry", url_for(upstream.listen()));
  ASSERT_TRUE(engine.submit(id, payload("tx", "transaction")));
  EXPECT_EQ(flush(engine), std::optional<bool>(false)) << "returns once only limited data is left";
  EXPECT_TRUE(engine.rate_limited(id, "transaction"));
  EXPECT_FALSE(engine.rate_limited(id, "error"));
  ASSERT_TRUE(engine.submit(id, payload("boom", "error")));
  EXPECT_EQ(flush(engine), std::optional<bool>(false));
  EXPECT_EQ(upstream.bodies, (std::vector<std::string>{"tx", "boom"}));
  EXPECT_EQ(engine.stats(id).sent, 1U);
  EXPECT_FALSE(engine.idle()) << "the transaction is held, not dropped";
}

TEST_F(DeliveryEngineTest, ASlowRequestDoesNotHoldUpTheRestOnAnotherConnection) {
  HoldingUpstream upstream(io.get_executor());
  DeliveryEngine engine(changed, logger, 1 << 20, fast);
  const auto id = engine.add_upstream("holding", url_for(upstream.listen()));
  ASSERT_TRUE(engine.submit(id, payload("x")));  // held by the upstream until released
  for (const auto* body : {"a", "b", "c"}) ASSERT_TRUE(engine.submit(id, payload(body)));
  EXPECT_EQ(flush(engine, std::chrono::milliseconds(300)), std::optional<bool>(false));
  EXPECT_EQ(engine.stats(id).sent, 3U) << "a, b and c went out on the second connection";
  upstream.release();
  EXPECT_EQ(flush(engine), std::optional<bool>(true));
  EXPECT_EQ(engine.stats(id).sent, 4U);
}

TEST_F(DeliveryEngineTest, ReportsRefusalsOncePerCycle) {
  std::vector<std::string> lines;
  log::Logger recording{"test", log::Level::info};
  recording.set_sink([&](log::Level, std::string_view line) { lines.emplace_back(line); });
  ScriptedUpstream upstream(io.get_executor(), {});
  DeliveryEngine engine(changed, recording, 100, fast);
  const auto id = engine.add_upstream("scripted", url_for(upstream.listen()));
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  ASSERT_TRUE(engine.submit(id, payload(std::string(80, 'a'))));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(engine.submit(id, payload(std::string(30, 'b'))));
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  ASSERT_TRUE(test::run(io, engine.pause(Clock::now())));
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("refused 3 payloads (90 bytes) for scripted"), std::string::npos) << lines[0];
  EXPECT_EQ(engine.stats(id).refused_full, 3U);
}

TEST_F(DeliveryEngineTest, AnUntrustedCertificateIsLoggedOnceWithItsReasonAndRetriedWithoutAStorm) {
  const auto& certs = test::TestCertificates::get();
  test::TlsTestServer impostor({certs.foreign_cert, certs.foreign_key});
  net::TlsContext trusting_test_ca([ca = certs.ca] { return std::vector<std::string>{ca.string()}; });
  std::vector<std::string> lines;
  log::Logger recording{"test", log::Level::info};
  recording.set_sink([&](log::Level, std::string_view line) { lines.emplace_back(line); });
  DeliveryEngine engine(changed, recording, 1 << 20,
                        RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
  UpstreamOptions options;
  options.tls = &trusting_test_ca;
  auto url = net::parse_url("https://localhost:" + std::to_string(impostor.port()) + "/ingest");
  ASSERT_TRUE(url);
  const auto id = engine.add_upstream("secure", std::move(url).value(), options);
  ASSERT_TRUE(engine.submit(id, payload("secret")));
  for (int cycle = 0; cycle < 3; ++cycle) {
    engine.open_cycle();
    EXPECT_EQ(flush(engine), std::optional<bool>(false));
  }
  EXPECT_EQ(impostor.requests(), 0) << "nothing is sent to a server that failed verification";
  EXPECT_LE(impostor.handshakes() + impostor.connections(), 2 * 3 * 3) << "at most 3 attempts per cycle";
  EXPECT_EQ(engine.stats(id).retried, 9U);
  EXPECT_FALSE(engine.idle()) << "kept for when the certificate is fixed";
  ASSERT_EQ(lines.size(), 1U) << "one line for the outage, not one per attempt";
  EXPECT_NE(lines[0].find("not signed by a trusted CA"), std::string::npos) << lines[0];
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
      const auto ceiling = std::min<long long>(1000, 100LL << attempt);
      EXPECT_GE(wait.count(), ceiling / 2);
      EXPECT_LE(wait.count(), ceiling);
    }
  }
}

}  // namespace
}  // namespace lambda_relay::delivery
