// Bad input does no harm beyond itself: each kind gets its status code, and what a client sends
// before and after it (on the same route) still reaches the upstream — and nothing else does.
#include "relay_harness.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <ostream>

namespace lambda_relay::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kProtobuf = "Content-Type: application/x-protobuf\r\n";
constexpr std::size_t kMaxRequest = 64 * 1024;

enum class Route { sentry, otlp };

std::string envelope(std::string_view dsn, std::string_view message) {
  return fmt::format("{{\"dsn\":\"{}\"}}\n{{\"type\":\"event\"}}\n{{\"message\":\"{}\"}}", dsn, message);
}

// A good request on `route` carrying `tag`, and the body the upstream must get for it.
struct Good {
  std::string target;
  std::string body;
  std::string headers;
};

Good good(RelayHarness& relay, Route route, std::string_view tag) {
  if (route == Route::sentry) return {"/envelope", envelope(relay.dsn(), tag), ""};
  return {"/v1/traces", otlp_traces(tag), std::string(kProtobuf)};
}

struct BadInput {
  std::string name;
  Route route;
  std::function<Exchange(RelayHarness&)> send;
  unsigned status;

  friend void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }
};

std::vector<BadInput> bad_inputs() {
  const std::string big(kMaxRequest + 1, 'x');
  return {
      {"WrongDsn", Route::sentry,
       [](RelayHarness& r) { return r.post("/envelope", envelope("https://key@other.example/42", "wrong")); }, 403},
      {"WrongProjectInPath", Route::sentry,
       [](RelayHarness& r) { return r.post("/api/43/envelope/", envelope(r.dsn("43"), "wrong")); }, 403},
      {"TruncatedEnvelope", Route::sentry,
       [](RelayHarness& r) {
         return r.post("/envelope", fmt::format("{{\"dsn\":\"{}\"}}\n{{\"type\":\"event\",\"length\":50}}\n{{}}", r.dsn()));
       },
       400},
      {"InvalidGzipEnvelope", Route::sentry,
       [](RelayHarness& r) { return r.post("/envelope", "\x1f\x8b\x08garbage", "Content-Encoding: gzip\r\n"); }, 400},
      {"InvalidGzipOtlp", Route::otlp,
       [](RelayHarness& r) {
         return r.post("/v1/traces", support::gzip(otlp_traces("cut")).substr(0, 20),
                       fmt::format("{}Content-Encoding: gzip\r\n", kProtobuf));
       },
       400},
      {"TruncatedOtlp", Route::otlp,
       [](RelayHarness& r) { return r.post("/v1/traces", otlp_traces("truncated").substr(0, 8), kProtobuf); }, 400},
      {"UnknownContentTypeOtlp", Route::otlp,
       [](RelayHarness& r) { return r.post("/v1/traces", otlp_traces("typed"), "Content-Type: text/plain\r\n"); }, 415},
      {"OversizeEnvelope", Route::sentry, [big](RelayHarness& r) { return r.post("/envelope", big); }, 413},
      {"OversizeChunkedOtlp", Route::otlp,
       [big](RelayHarness& r) { return r.post_chunked("/v1/traces", big, kProtobuf, 8192); }, 413},
      {"OversizeWithExpectContinue", Route::otlp,
       [big](RelayHarness& r) {
         return r.send(fmt::format("POST /v1/traces HTTP/1.1\r\nHost: localhost\r\n{}Content-Length: {}\r\n"
                                   "Expect: 100-continue\r\n\r\n",
                                   kProtobuf, big.size()));
       },
       413},
      {"UnknownPath", Route::otlp, [](RelayHarness& r) { return r.post("/v2/traces", otlp_traces("lost"), kProtobuf); },
       404},
      {"NotHttp", Route::sentry, [](RelayHarness& r) { return r.send("hello relay\r\n\r\n"); }, 400},
  };
}

class RelayBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(RelayBadInput, GetsItsStatusAndLosesNothingElse) {
  const auto& bad = GetParam();
  RelayHarness relay(1 << 20, kMaxRequest);
  relay.otlp_to_upstream();
  relay.start();
  const auto before = good(relay, bad.route, "before");
  const auto after = good(relay, bad.route, "after");
  const auto sent_before = relay.post(before.target, before.body, before.headers);
  ASSERT_TRUE(sent_before.response) << sent_before.error.message();
  EXPECT_EQ(sent_before.response->result_int(), 200);

  const auto refused = bad.send(relay);
  ASSERT_TRUE(refused.response) << refused.error.message();
  EXPECT_EQ(refused.response->result_int(), bad.status) << refused.response->body();

  const auto sent_after = relay.post(after.target, after.body, after.headers);
  ASSERT_TRUE(sent_after.response) << sent_after.error.message();
  EXPECT_EQ(sent_after.response->result_int(), 200);
  ASSERT_TRUE(relay.wait_for_upstream(2));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  ASSERT_EQ(relay.upstream.requests.size(), 2U) << "only the good requests";
  std::vector<std::string> bodies{relay.upstream.requests[0].body(), relay.upstream.requests[1].body()};
  std::sort(bodies.begin(), bodies.end());
  std::vector<std::string> expected{before.body, after.body};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(bodies, expected);
}

INSTANTIATE_TEST_SUITE_P(Kinds, RelayBadInput, ::testing::ValuesIn(bad_inputs()),
                         [](const auto& param_info) { return param_info.param.name; });

class RelayOutboxFull : public ::testing::TestWithParam<Route> {};

// The outbox is full while nothing leaves (between flush cycles): the SDK is told to back off (429),
// what was accepted before goes out at the next cycle, and once it has, new data is accepted again.
TEST_P(RelayOutboxFull, AnswersWith429AndAcceptsAgainOnceItDrained) {
  const auto route = GetParam();
  RelayHarness relay(4096, 4096);
  relay.otlp_to_upstream();
  relay.start();
  ASSERT_TRUE(run(relay.io, relay.engine->pause(Clock::now())));
  const auto before = good(relay, route, "before" + std::string(2500, 'b'));
  const auto refused = good(relay, route, "refused" + std::string(2500, 'r'));
  const auto after = good(relay, route, "after" + std::string(2500, 'a'));
  const auto sent_before = relay.post(before.target, before.body, before.headers);
  ASSERT_TRUE(sent_before.response);
  EXPECT_EQ(sent_before.response->result_int(), 200);
  const auto full = relay.post(refused.target, refused.body, refused.headers);
  ASSERT_TRUE(full.response);
  EXPECT_EQ(full.response->result_int(), 429);
  EXPECT_EQ(full.response->at(net::http::field::retry_after), "1");

  relay.engine->open_cycle();
  ASSERT_TRUE(relay.wait_for_upstream(1));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  const auto sent_after = relay.post(after.target, after.body, after.headers);
  ASSERT_TRUE(sent_after.response);
  EXPECT_EQ(sent_after.response->result_int(), 200);
  ASSERT_TRUE(relay.wait_for_upstream(2));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  ASSERT_EQ(relay.upstream.requests.size(), 2U);
  EXPECT_EQ(relay.upstream.requests[0].body(), before.body);
  EXPECT_EQ(relay.upstream.requests[1].body(), after.body);
}

INSTANTIATE_TEST_SUITE_P(Routes, RelayOutboxFull, ::testing::Values(Route::sentry, Route::otlp),
                         [](const auto& param_info) { return param_info.param == Route::sentry ? "Sentry" : "Otlp"; });

}  // namespace
}  // namespace lambda_relay::test
