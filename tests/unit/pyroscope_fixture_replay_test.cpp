// Replays the requests captured from the real @pyroscope/nodejs (../shared/fixtures/pyroscope: 0.6.4's
// raw gzipped pprof, 0.4.13's multipart/form-data) byte for byte against the relay, and checks what
// reaches the Pyroscope server: the same path, query, body and Content-Type, with the configured auth.
#include "relay_harness.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace lambda_relay::test {
namespace {

struct Captured {
  std::string name;
  std::string bytes;   // the whole request as sent (it has Content-Length)
  std::string target;  // from the request line
  std::string body;
  std::string content_type;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<Captured> captured_requests(const std::filesystem::path& folder) {
  std::vector<Captured> out;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".http") continue;
    Captured c;
    c.name = entry.path().filename().string();
    c.bytes = read_file(entry.path());
    const auto split = c.bytes.find("\r\n\r\n");
    if (split == std::string::npos) continue;
    const auto head = c.bytes.substr(0, split);
    c.body = c.bytes.substr(split + 4);
    const auto first_space = head.find(' ');
    c.target = head.substr(first_space + 1, head.find(' ', first_space + 1) - first_space - 1);
    const auto type_at = lower(head).find("\r\ncontent-type: ");
    if (type_at != std::string::npos) {
      const auto start = type_at + 16;
      c.content_type = head.substr(start, head.find("\r\n", start) - start);
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

class PyroscopeFixtureReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(PyroscopeFixtureReplay, EveryCapturedProfileReachesTheServerIntactWithAuthAndTenant) {
  const auto fixtures = fixtures_dir();
  if (!fixtures) GTEST_SKIP() << "shared fixtures not found";
  const auto requests = captured_requests(*fixtures / "pyroscope" / GetParam());
  ASSERT_EQ(requests.size(), 5U);
  RelayHarness relay;
  relay.start([&](config::RelayConfig& c) {
    c.sentry_dsn.reset();
    config::PyroscopeConfig pyroscope;
    pyroscope.remote = net::parse_url(relay.upstream.url("")).value();
    pyroscope.basic_auth_user = "123456";
    pyroscope.basic_auth_password = "glc_secret";
    pyroscope.tenant_id = "team-a";
    pyroscope.http_headers = {{"X-Extra", "one"}};
    c.pyroscope = std::move(pyroscope);
  });
  for (const auto& request : requests) {
    auto exchange = relay.send(request.bytes);
    ASSERT_TRUE(exchange.response) << request.name << ": " << exchange.error.message();
    EXPECT_EQ(exchange.response->result_int(), 200) << request.name << ": " << exchange.response->body();
  }
  ASSERT_TRUE(relay.wait_for_upstream(requests.size()));
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& got = relay.upstream.requests[i];
    const auto& sent = requests[i];
    EXPECT_TRUE(sent.target.starts_with("/ingest?") && sent.target.find("name=lambda.test") != std::string::npos)
        << sent.target;
    EXPECT_EQ(got.target(), sent.target) << sent.name;
    EXPECT_EQ(got.body(), sent.body) << sent.name;
    EXPECT_EQ(header(got, "Content-Type"), sent.content_type) << sent.name;
    EXPECT_EQ(header(got, "Authorization"), "Basic MTIzNDU2OmdsY19zZWNyZXQ=") << sent.name;
    EXPECT_EQ(header(got, "X-Scope-OrgID"), "team-a") << sent.name;
    EXPECT_EQ(header(got, "X-Extra"), "one") << sent.name;
    EXPECT_EQ(header(got, "User-Agent"), "node") << sent.name;
  }
}

// A capture cut short (its last 40 bytes missing, Content-Length fixed up) is refused, not forwarded.
TEST_P(PyroscopeFixtureReplay, ATruncatedCaptureIsRefusedWith400) {
  const auto fixtures = fixtures_dir();
  if (!fixtures) GTEST_SKIP() << "shared fixtures not found";
  const auto requests = captured_requests(*fixtures / "pyroscope" / GetParam());
  ASSERT_FALSE(requests.empty());
  RelayHarness relay;
  relay.start([&](config::RelayConfig& c) {
    config::PyroscopeConfig pyroscope;
    pyroscope.remote = net::parse_url(relay.upstream.url("")).value();
    c.pyroscope = std::move(pyroscope);
  });
  const auto& request = requests.front();
  const auto cut = request.body.substr(0, request.body.size() - 40);
  auto exchange = relay.post(request.target, cut, "Content-Type: " + request.content_type + "\r\n");
  ASSERT_TRUE(exchange.response) << exchange.error.message();
  EXPECT_EQ(exchange.response->result_int(), 400) << exchange.response->body();
  EXPECT_NE(exchange.response->body().find("truncated"), std::string::npos) << exchange.response->body();
}

INSTANTIATE_TEST_SUITE_P(Captures, PyroscopeFixtureReplay, ::testing::Values("v0.6.4", "v0.4.13-multipart"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace lambda_relay::test
