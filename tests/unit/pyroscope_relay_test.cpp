// The Pyroscope routes end to end over loopback: what an SDK gets back, and what reaches the
// Pyroscope server (PYROSCOPE_REMOTE_ADDRESS): path, query, body and headers.
#include "relay_harness.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::test {
namespace {

using Clock = std::chrono::steady_clock;

// As @pyroscope/nodejs 0.6 sends it (../shared/fixtures/pyroscope/v0.6.4).
constexpr std::string_view kQuery =
    "format=pprof&from=1795390571&name=lambda.test%7Bregion%3Dus-east-1%2Cfunction%3Dfixture-fn%7D&spyName=nodespy"
    "&until=1795390572&sampleRate=17";
constexpr std::string_view kBoundary = "----formdata-undici-008496339267";

// The relay with only Pyroscope configured (its upstream is the engine's first: id 0), sending to
// the recording upstream under `base`.
void start_pyroscope(RelayHarness& relay, std::function<void(config::PyroscopeConfig&)> configure = {},
                     std::string_view base = "") {
  relay.start([&](config::RelayConfig& c) {
    c.sentry_dsn.reset();
    config::PyroscopeConfig pyroscope;
    pyroscope.remote = net::parse_url(relay.upstream.url(base)).value();
    if (configure) configure(pyroscope);
    c.pyroscope = std::move(pyroscope);
  });
}

std::string form(std::string_view profile) {
  std::string out = "--" + std::string(kBoundary) + "\r\n";
  out += "Content-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\n";
  out += "Content-Type: application/octet-stream\r\n\r\n";
  out += std::string(profile) + "\r\n--" + std::string(kBoundary) + "--\r\n";
  return out;
}

std::string octet_stream() { return "Content-Type: application/octet-stream\r\n"; }
std::string multipart() { return "Content-Type: multipart/form-data; boundary=" + std::string(kBoundary) + "\r\n"; }

TEST(PyroscopeRelay, ForwardsGzippedPprofWithItsQueryIntactAndTheConfiguredHeaders) {
  RelayHarness relay;
  start_pyroscope(relay, [](config::PyroscopeConfig& p) {
    p.auth_token = "tok";
    p.tenant_id = "team-a";
    p.http_headers = {{"X-Extra", "one"}, {"Authorization", "from PYROSCOPE_HTTP_HEADERS"}};
  });
  const auto profile = support::gzip("pprof bytes");
  auto exchange = relay.post("/ingest?" + std::string(kQuery), profile,
                             octet_stream() + "User-Agent: node\r\nAccept-Encoding: gzip, deflate\r\n"
                                              "Authorization: Bearer sdk-token\r\nX-Scope-OrgID: sdk-tenant\r\n");
  EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
  EXPECT_EQ(body_of(exchange), "") << "Pyroscope answers 200 with no body";
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/ingest?" + std::string(kQuery)) << "the query as the SDK wrote it";
  EXPECT_EQ(got.body(), profile);
  EXPECT_EQ(header(got, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(header(got, "Authorization"), "Bearer tok") << "PYROSCOPE_AUTH_TOKEN wins over everything";
  EXPECT_EQ(header(got, "X-Scope-OrgID"), "team-a");
  EXPECT_EQ(header(got, "X-Extra"), "one") << "PYROSCOPE_HTTP_HEADERS is applied";
  EXPECT_EQ(header(got, "User-Agent"), "node");
  EXPECT_EQ(header(got, "Accept-Encoding"), "");
  EXPECT_EQ(header(got, "Host"), relay.upstream.url("").substr(7));
  EXPECT_EQ(got.count("Authorization"), 1U);
  EXPECT_EQ(got.count("X-Scope-OrgID"), 1U);
}

TEST(PyroscopeRelay, AuthenticatesWithBasicAuthFromTheVariablesOrTheAddress) {
  {
    RelayHarness relay;
    start_pyroscope(relay, [](config::PyroscopeConfig& p) {
      p.basic_auth_user = "123456";
      p.basic_auth_password = "glc_secret";
    });
    EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("p"), "Authorization: Bearer sdk\r\n")), 200U);
    ASSERT_TRUE(relay.wait_for_upstream(1));
    EXPECT_EQ(header(relay.upstream.requests[0], "Authorization"), "Basic MTIzNDU2OmdsY19zZWNyZXQ=");
  }
  {
    RelayHarness relay;
    start_pyroscope(relay, [](config::PyroscopeConfig& p) { p.remote.userinfo = "u%40x:p%3Ass"; });
    EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("p"))), 200U);
    EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("p"), "Authorization: Bearer sdk\r\n")), 200U);
    ASSERT_TRUE(relay.wait_for_upstream(2));
    EXPECT_EQ(header(relay.upstream.requests[0], "Authorization"), "Basic dUB4OnA6c3M=") << "u@x:p:ss, decoded";
    EXPECT_EQ(header(relay.upstream.requests[1], "Authorization"), "Bearer sdk")
        << "the address's userinfo yields to the SDK's own, as Go's client does for the extension";
  }
}

TEST(PyroscopeRelay, PassesTheSdksOwnAuthAndTenantWhenNoneIsConfigured) {
  RelayHarness relay;
  start_pyroscope(relay);
  EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("p"),
                                 "Authorization: Basic c2RrOnNkaw==\r\nX-Scope-OrgID: sdk-tenant\r\n")),
            200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(header(relay.upstream.requests[0], "Authorization"), "Basic c2RrOnNkaw==");
  EXPECT_EQ(header(relay.upstream.requests[0], "X-Scope-OrgID"), "sdk-tenant");
}

TEST(PyroscopeRelay, ForwardsAMultipartBodyWithItsBoundaryUnderTheAddresssPath) {
  RelayHarness relay;
  start_pyroscope(relay, {}, "/base/");
  const auto body = form(support::gzip("pprof"));
  const std::string query = "from=1795390575&name=lambda.test%7Bregion%3Dus-east-1%7D&spyName=nodespy&until=1795390576";
  EXPECT_EQ(status_of(relay.post("/pyroscope/ingest?" + query, body, multipart())), 200U);
  EXPECT_EQ(status_of(relay.post_chunked("/ingest?" + query, body, multipart(), 100)), 200U) << "chunked too";
  ASSERT_TRUE(relay.wait_for_upstream(2));
  EXPECT_EQ(relay.upstream.requests[0].target(), "/base/pyroscope/ingest?" + query);
  EXPECT_EQ(relay.upstream.requests[1].target(), "/base/ingest?" + query);
  for (const auto& got : relay.upstream.requests) {
    EXPECT_EQ(got.body(), body);
    EXPECT_EQ(header(got, "Content-Type"), "multipart/form-data; boundary=" + std::string(kBoundary));
  }
}

TEST(PyroscopeRelay, PassesOtherFormatsThroughAsTheyAre) {
  RelayHarness relay;
  start_pyroscope(relay);
  const std::string folded = "main;work 10\nmain;idle 2\n";
  const std::string query = "name=app.cpu%7B%7D&from=1749896100000000000&until=1749896115000000000&units=samples"
                            "&aggregationType=sum&sampleRate=100&spyName=gospy";
  EXPECT_EQ(status_of(relay.post("/ingest?" + query, folded, "Content-Type: text/plain\r\n")), 200U);
  EXPECT_EQ(status_of(relay.post("/ingest?name=app&format=trie", "\x01\x02trie", "Content-Type: binary/octet-stream+trie\r\n")),
            200U);
  EXPECT_EQ(status_of(relay.post("/ingest?name=app&format=lines", support::gzip("a;b\n"),
                                 "Content-Encoding: gzip\r\n")),
            200U)
      << "a compressed request body is checked decoded and sent as received";
  ASSERT_TRUE(relay.wait_for_upstream(3));
  EXPECT_EQ(relay.upstream.requests[0].target(), "/ingest?" + query);
  EXPECT_EQ(relay.upstream.requests[0].body(), folded);
  EXPECT_EQ(header(relay.upstream.requests[0], "Content-Type"), "text/plain");
  EXPECT_EQ(header(relay.upstream.requests[1], "Content-Type"), "binary/octet-stream+trie");
  EXPECT_EQ(relay.upstream.requests[2].body(), support::gzip("a;b\n"));
  EXPECT_EQ(header(relay.upstream.requests[2], "Content-Encoding"), "gzip");
  EXPECT_EQ(header(relay.upstream.requests[2], "Content-Type"), "application/octet-stream") << "none from the SDK";
}

TEST(PyroscopeRelay, ForwardsAConnectPushAsIsAndAnswersInTheClientsCodec) {
  RelayHarness relay;
  start_pyroscope(relay, [](config::PyroscopeConfig& p) { p.tenant_id = "team-a"; });
  const auto message = support::gzip("\x0a\x05\x0a\x03\x0a\x01x");
  auto proto = relay.post("/push.v1.PusherService/Push", message,
                          "Content-Type: application/proto\r\nContent-Encoding: gzip\r\nConnect-Protocol-Version: 1\r\n"
                          "User-Agent: pyroscope-rs/pyspy/0.5 reqwest\r\n");
  EXPECT_EQ(status_of(proto), 200U) << body_of(proto);
  EXPECT_EQ(header(*proto.response, "Content-Type"), "application/proto");
  EXPECT_EQ(body_of(proto), "") << "an empty PushResponse";
  const std::string json = R"({"series":[{"labels":[{"name":"service_name","value":"orders-api"}],"samples":[]}]})";
  auto as_json = relay.post("/push.v1.PusherService/Push", json, "Content-Type: application/json\r\n");
  EXPECT_EQ(status_of(as_json), 200U) << body_of(as_json);
  EXPECT_EQ(header(*as_json.response, "Content-Type"), "application/json");
  EXPECT_EQ(body_of(as_json), "{}");
  ASSERT_TRUE(relay.wait_for_upstream(2));
  const auto& got = relay.upstream.requests[0];
  EXPECT_EQ(got.target(), "/push.v1.PusherService/Push");
  EXPECT_EQ(got.body(), message);
  EXPECT_EQ(header(got, "Content-Type"), "application/proto");
  EXPECT_EQ(header(got, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(got, "Connect-Protocol-Version"), "1");
  EXPECT_EQ(header(got, "User-Agent"), "pyroscope-rs/pyspy/0.5 reqwest");
  EXPECT_EQ(header(got, "X-Scope-OrgID"), "team-a");
  EXPECT_EQ(relay.upstream.requests[1].body(), json);
  EXPECT_EQ(header(relay.upstream.requests[1], "Content-Type"), "application/json");
}

TEST(PyroscopeRelay, RefusesMalformedProfilesWith400AndAReasonAndSendsNothingOfThem) {
  RelayHarness relay;
  start_pyroscope(relay);
  auto corrupt = support::gzip("pprof bytes that will not survive");
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
  struct Case {
    std::string target;
    std::string body;
    std::string headers;
    unsigned status;
    std::string reason;
  };
  for (const auto& c : std::vector<Case>{
           {"/ingest?format=pprof", support::gzip("p"), octet_stream(), 400, "name query parameter is missing"},
           {"/ingest?name=%ZZ", support::gzip("p"), octet_stream(), 400, "name query parameter is missing or badly encoded"},
           {"/ingest?name=app%7Benv", support::gzip("p"), octet_stream(), 400, "do not end with '}'"},
           {"/ingest?name=app&format=pprof", corrupt, octet_stream(), 400, "the body is invalid gzip"},
           {"/ingest?name=app&format=pprof", "", octet_stream(), 400, "empty body"},
           {"/ingest?name=app", form("p"), "Content-Type: multipart/form-data\r\n", 400, "without a boundary"},
           {"/ingest?name=app", "no parts at all", multipart(), 400, "no parts"},
           {"/ingest?name=app", form(support::gzip("p")).substr(0, 150), multipart(), 400, "truncated"},
           {"/ingest?name=app", form(corrupt), multipart(), 400, "part is invalid gzip"},
           {"/ingest?name=app", "not gzip", "Content-Encoding: gzip\r\n", 400, "does not decode"},
           {"/ingest?name=app", "x", "Content-Encoding: zstd\r\n", 415, "zstd"}}) {
    auto exchange = relay.post(c.target, c.body, c.headers);
    EXPECT_EQ(status_of(exchange), c.status) << c.target << " " << c.reason;
    EXPECT_NE(body_of(exchange).find(c.reason), std::string::npos) << body_of(exchange);
  }
  EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("good"), octet_stream())), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  ASSERT_EQ(relay.upstream.requests.size(), 1U) << "only the good profile went out";
  EXPECT_EQ(relay.upstream.requests[0].body(), support::gzip("good"));
}

TEST(PyroscopeRelay, RefusesAPushWithInvalidGzipInConnectsErrorShape) {
  RelayHarness relay;
  start_pyroscope(relay);
  auto exchange = relay.post("/push.v1.PusherService/Push", "not gzip",
                             "Content-Type: application/proto\r\nContent-Encoding: gzip\r\n");
  EXPECT_EQ(status_of(exchange), 400U);
  EXPECT_EQ(header(*exchange.response, "Content-Type"), "application/json");
  EXPECT_TRUE(body_of(exchange).starts_with(R"({"code":"invalid_argument","message":"invalid gzip body: )"))
      << body_of(exchange);
}

TEST(PyroscopeRelay, AnswersWithoutPyroscopeRemoteAddressThatItIsNotConfigured) {
  RelayHarness relay;
  relay.start();  // Sentry only
  auto ingest = relay.post("/ingest?name=app", support::gzip("p"));
  EXPECT_EQ(status_of(ingest), 503U);
  EXPECT_NE(body_of(ingest).find("PYROSCOPE_REMOTE_ADDRESS is not set"), std::string::npos) << body_of(ingest);
  auto push = relay.post("/push.v1.PusherService/Push", "", "Content-Type: application/proto\r\n");
  EXPECT_EQ(status_of(push), 503U);
  EXPECT_NE(body_of(push).find(R"("code":"unavailable")"), std::string::npos) << body_of(push);
}

class PyroscopeRateLimit : public ::testing::TestWithParam<unsigned> {};

TEST_P(PyroscopeRateLimit, AnswersTheSdk429WithRetryAfterWhileTheUpstreamHoldsBack) {
  RelayHarness relay;
  relay.upstream.script({GetParam(), {{"Retry-After", "30"}}});
  start_pyroscope(relay);
  EXPECT_EQ(status_of(relay.post("/ingest?name=app", support::gzip("p"))), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  ASSERT_TRUE(run(relay.io, relay.changed.wait_until([&] { return relay.engine->rate_limited(0, ""); },
                                                     Clock::now() + std::chrono::seconds(5))));
  auto ingest = relay.post("/ingest?name=app", support::gzip("q"));
  EXPECT_EQ(status_of(ingest), 429U);
  const auto retry_after = std::stoi(header(*ingest.response, "Retry-After"));
  EXPECT_GE(retry_after, 29);
  EXPECT_LE(retry_after, 30);
  EXPECT_EQ(header(*ingest.response, "X-Sentry-Rate-Limits"), "");
  auto push = relay.post("/push.v1.PusherService/Push", "", "Content-Type: application/proto\r\n");
  EXPECT_EQ(status_of(push), 429U);
  EXPECT_NE(body_of(push).find(R"("code":"resource_exhausted")"), std::string::npos) << body_of(push);
  EXPECT_FALSE(header(*push.response, "Retry-After").empty());
  EXPECT_EQ(relay.engine->stats(0).accepted, 1U) << "held back: the first profile waits in the outbox, no more came in";
}

INSTANTIATE_TEST_SUITE_P(TooManyRequestsAndUnavailable, PyroscopeRateLimit, ::testing::Values(429U, 503U));

TEST(PyroscopeRelay, AnswersOutboxFullWith429OnBothApis) {
  RelayHarness relay(4096, 4096);
  start_pyroscope(relay);
  ASSERT_TRUE(run(relay.io, relay.engine->pause(Clock::now())));  // nothing leaves: the outbox fills
  const std::string big(3000, 'f');
  EXPECT_EQ(status_of(relay.post("/ingest?name=app&format=folded", big)), 200U);
  auto ingest = relay.post("/ingest?name=app&format=folded", big);
  EXPECT_EQ(status_of(ingest), 429U);
  EXPECT_EQ(header(*ingest.response, "Retry-After"), "1");
  auto push = relay.post("/push.v1.PusherService/Push", big, "Content-Type: application/proto\r\n");
  EXPECT_EQ(status_of(push), 429U);
  EXPECT_NE(body_of(push).find(R"("code":"resource_exhausted","message":"lambda-relay's outbox is full)"),
            std::string::npos)
      << body_of(push);
  EXPECT_EQ(relay.engine->stats(0).refused_full, 2U);
  relay.engine->open_cycle();
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), big) << "what was accepted is kept";
}

}  // namespace
}  // namespace lambda_relay::test
