// The OTLP routes end to end over loopback: what an OpenTelemetry exporter gets back, and what
// reaches the OTLP endpoint. Also replays the requests captured from the real JavaScript exporters
// (../shared/fixtures/otlp: protobuf, JSON, gzipped protobuf).
#include "captured_requests.hpp"
#include "relay_harness.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>

namespace lambda_relay::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kProtobuf = "Content-Type: application/x-protobuf\r\n";
constexpr std::string_view kJson = "Content-Type: application/json\r\n";
constexpr std::string_view kJsonTraces = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"json span"}]}]}]})";

// zlib-wrapped deflate, as "Content-Encoding: deflate" means.
std::string zlib_deflate(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                     static_cast<uLong>(data.size())),
            Z_OK);
  out.resize(size);
  return out;
}

TEST(OtlpRelay, ForwardsEachSignalToItsEndpointWithTheConfiguredHeadersAndTheSdksBody) {
  RelayHarness relay;
  relay.otlp_to_upstream({{"Authorization", "Basic dXNlcjpwYXNz"}, {"X-Tenant", "t1"}});
  relay.start();
  for (const auto* signal : {"traces", "metrics", "logs"}) {
    const auto body = otlp_traces(signal);  // the shape does not matter to the relay, the framing does
    auto exchange = relay.post(fmt::format("/v1/{}", signal), body,
                               fmt::format("{}User-Agent: OTel-OTLP-Exporter-JavaScript/0.223.1\r\n", kProtobuf));
    EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
    EXPECT_EQ(body_of(exchange), "") << "an empty ExportServiceResponse in protobuf is no bytes";
    EXPECT_EQ(header(*exchange.response, "Content-Type"), "application/x-protobuf");
  }
  ASSERT_TRUE(relay.wait_for_upstream(3));
  std::vector<std::string> targets;
  for (const auto& got : relay.upstream.requests) {
    targets.emplace_back(got.target());
    EXPECT_EQ(got.body(), otlp_traces(got.target().substr(4)));
    EXPECT_EQ(header(got, "Content-Type"), "application/x-protobuf");
    EXPECT_EQ(header(got, "Authorization"), "Basic dXNlcjpwYXNz");
    EXPECT_EQ(header(got, "X-Tenant"), "t1");
    EXPECT_EQ(header(got, "User-Agent"), "OTel-OTLP-Exporter-JavaScript/0.223.1");
    EXPECT_EQ(header(got, "Content-Encoding"), "");
  }
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"/v1/logs", "/v1/metrics", "/v1/traces"}));
}

TEST(OtlpRelay, AnswersJsonWithAnEmptyJsonResponse) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.start();
  auto exchange = relay.post("/v1/traces", kJsonTraces, "Content-Type: application/json; charset=utf-8\r\n");
  EXPECT_EQ(status_of(exchange), 200U) << body_of(exchange);
  EXPECT_EQ(body_of(exchange), "{}");
  EXPECT_EQ(header(*exchange.response, "Content-Type"), "application/json");
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), kJsonTraces);
  EXPECT_EQ(header(relay.upstream.requests[0], "Content-Type"), "application/json; charset=utf-8");
}

TEST(OtlpRelay, ForwardsGzipBodiesAsReceivedAndDeflateDecoded) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.start();
  const auto body = otlp_traces(std::string(2000, 's'));
  const auto gzipped = support::gzip(body);
  EXPECT_EQ(status_of(relay.post_chunked("/v1/traces", gzipped, fmt::format("{}Content-Encoding: gzip\r\n", kProtobuf))),
            200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  EXPECT_EQ(relay.upstream.requests[0].body(), gzipped) << "the SDK's bytes, not re-compressed";
  EXPECT_EQ(header(relay.upstream.requests[0], "Content-Encoding"), "gzip");
  EXPECT_EQ(status_of(relay.post("/v1/traces", zlib_deflate(body), fmt::format("{}Content-Encoding: deflate\r\n", kProtobuf))),
            200U);
  ASSERT_TRUE(relay.wait_for_upstream(2));
  EXPECT_EQ(relay.upstream.requests[1].body(), body) << "collectors need only take gzip";
  EXPECT_EQ(header(relay.upstream.requests[1], "Content-Encoding"), "");
}

TEST(OtlpRelay, RefusesWhatACollectorWouldRefuseWithAReasonAndSendsNothing) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.start();
  const auto body = otlp_traces("span");
  const auto no_type = relay.post("/v1/traces", body);
  EXPECT_EQ(status_of(no_type), 415U);
  EXPECT_NE(body_of(no_type).find("application/x-protobuf or application/json"), std::string::npos);
  const auto text = relay.post("/v1/traces", body, "Content-Type: text/plain\r\n");
  EXPECT_EQ(status_of(text), 415U);
  EXPECT_NE(body_of(text).find("\\\"text/plain\\\" is not OTLP/HTTP"), std::string::npos) << body_of(text);
  EXPECT_EQ(status_of(relay.post("/v1/traces", body, fmt::format("{}Content-Encoding: zstd\r\n", kProtobuf))), 415U);
  const auto bad_gzip = relay.post("/v1/logs", "\x1f\x8b\x08garbage", fmt::format("{}Content-Encoding: gzip\r\n", kProtobuf));
  EXPECT_EQ(status_of(bad_gzip), 400U);
  EXPECT_NE(body_of(bad_gzip).find("gzip"), std::string::npos) << body_of(bad_gzip);
  const auto truncated = relay.post("/v1/traces", body.substr(0, body.size() - 2), kProtobuf);
  EXPECT_EQ(status_of(truncated), 400U);
  EXPECT_NE(body_of(truncated).find("truncated"), std::string::npos) << body_of(truncated);
  EXPECT_EQ(status_of(relay.post("/v1/metrics", kJsonTraces, kProtobuf)), 400U) << "JSON labelled protobuf";
  EXPECT_EQ(status_of(relay.post("/v1/metrics", body, kJson)), 400U) << "protobuf labelled JSON";
  EXPECT_EQ(status_of(relay.post("/v1/logs", R"({"resourceLogs":[)", kJson)), 400U);
  // A gzip bomb: decodes to more than the bound (4 × the request limit).
  const auto bomb = support::gzip(std::string(4 * relay.config.max_request_bytes + 1, '\0'));
  const auto bombed = relay.post("/v1/traces", bomb, fmt::format("{}Content-Encoding: gzip\r\n", kProtobuf));
  EXPECT_EQ(status_of(bombed), 400U) << body_of(bombed);
  EXPECT_EQ(status_of(relay.post("/v1/traces", body, kProtobuf)), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  EXPECT_EQ(relay.upstream.requests.size(), 1U);
  EXPECT_EQ(relay.upstream.requests[0].body(), body);
}

TEST(OtlpRelay, AcceptsAnEmptyExportAndSendsNothing) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.start();
  EXPECT_EQ(status_of(relay.post("/v1/traces", "", kProtobuf)), 200U);
  const auto json = relay.post("/v1/logs", "", kJson);
  EXPECT_EQ(status_of(json), 200U);
  EXPECT_EQ(body_of(json), "{}");
  EXPECT_EQ(relay.engine->stats(relay.otlp_upstreams[0]->id).accepted, 0U);
  EXPECT_EQ(relay.engine->stats(relay.otlp_upstreams[2]->id).accepted, 0U);
}

TEST(OtlpRelay, AnswersASignalWithoutEndpointWith404NamingTheVariables) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.otlp.metrics.reset();
  relay.start();
  const auto exchange = relay.post("/v1/metrics", otlp_traces("m"), kProtobuf);
  EXPECT_EQ(status_of(exchange), 404U) << "not retryable: an exporter must not hold up the function";
  EXPECT_NE(body_of(exchange).find("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"), std::string::npos) << body_of(exchange);
  EXPECT_EQ(status_of(relay.post("/v1/traces", otlp_traces("t"), kProtobuf)), 200U);
}

TEST(OtlpRelay, SharesOneUpstreamPerSignalWithLambdaRelaysOwnExport) {
  RelayHarness relay;
  relay.otlp_to_upstream();
  relay.start();
  ASSERT_TRUE(relay.otlp_upstreams[0]);
  EXPECT_EQ(relay.engine->name(relay.otlp_upstreams[0]->id), "otlp-traces");
  EXPECT_EQ(status_of(relay.post("/v1/traces", otlp_traces("t"), kProtobuf)), 200U);
  EXPECT_EQ(relay.engine->stats(relay.otlp_upstreams[0]->id).accepted, 1U);
}

class RateLimitingUpstream : public ::testing::TestWithParam<unsigned> {};

// OTLP exporters honour Retry-After on a 429: the relay passes the collector's wait on.
TEST_P(RateLimitingUpstream, AnswersWhileTheCollectorIsThrottling429WithRetryAfter) {
  RelayHarness relay;
  relay.upstream.script({GetParam(), {{"Retry-After", "30"}}});
  relay.otlp_to_upstream();
  relay.start();
  EXPECT_EQ(status_of(relay.post("/v1/traces", otlp_traces("1"), kProtobuf)), 200U);
  ASSERT_TRUE(relay.wait_for_upstream(1));
  const auto id = relay.otlp_upstreams[0]->id;
  ASSERT_TRUE(run(relay.io, relay.changed.wait_until([&] { return relay.engine->rate_limited(id, ""); },
                                                     Clock::now() + std::chrono::seconds(5))));
  const auto second = relay.post("/v1/traces", otlp_traces("2"), kProtobuf);
  EXPECT_EQ(status_of(second), 429U);
  const auto retry_after = std::stoi(header(*second.response, "Retry-After"));
  EXPECT_GE(retry_after, 29);
  EXPECT_LE(retry_after, 30);
  EXPECT_EQ(status_of(relay.post("/v1/logs", otlp_traces("3"), kProtobuf)), 200U) << "logs are not throttled";
}

INSTANTIATE_TEST_SUITE_P(Statuses, RateLimitingUpstream, ::testing::Values(429U, 503U));

class OtlpFixtureReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(OtlpFixtureReplay, EveryCapturedExportReachesTheEndpointIntact) {
  const auto fixtures = fixtures_dir();
  if (!fixtures) GTEST_SKIP() << "shared fixtures not found";
  const auto requests = captured_requests(*fixtures / "otlp" / GetParam());
  ASSERT_FALSE(requests.empty());
  RelayHarness relay;
  relay.otlp_to_upstream({{"x-api-key", "secret"}});
  relay.start();
  for (const auto& request : requests) {
    auto exchange = relay.send(replay_bytes(request, request.body));
    ASSERT_TRUE(exchange.response) << request.name << ": " << exchange.error.message();
    EXPECT_EQ(exchange.response->result_int(), 200) << request.name << ": " << exchange.response->body();
    EXPECT_EQ(exchange.response->body(), GetParam() == "json" ? "{}" : "") << request.name;
  }
  ASSERT_TRUE(relay.wait_for_upstream(requests.size()));
  ASSERT_TRUE(run(relay.io, relay.engine->flush(Clock::now() + std::chrono::seconds(5))));
  ASSERT_EQ(relay.upstream.requests.size(), requests.size());
  for (const auto& request : requests) {
    const auto path = request.head.substr(5, request.head.find(' ', 5) - 5);  // "POST /v1/traces HTTP/1.1"
    const auto got = std::find_if(relay.upstream.requests.begin(), relay.upstream.requests.end(),
                                  [&](const auto& r) { return r.body() == request.body; });
    ASSERT_NE(got, relay.upstream.requests.end()) << request.name << ": not forwarded byte for byte";
    EXPECT_EQ(got->target(), path) << request.name;
    EXPECT_EQ(header(*got, "Content-Type"), GetParam() == "json" ? "application/json" : "application/x-protobuf");
    EXPECT_EQ(header(*got, "Content-Encoding"), GetParam() == "proto-gzip" ? "gzip" : "") << request.name;
    EXPECT_EQ(header(*got, "x-api-key"), "secret");
    EXPECT_TRUE(header(*got, "User-Agent").starts_with("OTel-OTLP-Exporter-JavaScript/")) << header(*got, "User-Agent");
  }
}

INSTANTIATE_TEST_SUITE_P(Captures, OtlpFixtureReplay, ::testing::Values("proto", "json", "proto-gzip"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace lambda_relay::test
