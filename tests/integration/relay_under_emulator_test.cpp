// The relay inside a sandbox: a runtime posting one Sentry envelope per invoke to lambda-relay's tunnel,
// the sandbox frozen between invokes, Sentry (a local sink) failing now and then. Every invocation's
// envelope must be at Sentry by the end of SHUTDOWN, each acknowledged to the function at once.
#include "emulator_run.hpp"
#include "http_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <map>

namespace lambda_relay::testing {
namespace {

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

void expect_every_invocation_at_sentry(unsigned fail_every) {
  HttpSink sentry(fail_every);
  ExtensionsDir extensions;
  extensions.add("lambda-relay", LAMBDA_RELAY_PATH);
  const auto port = std::to_string(free_port());
  const auto dsn = "http://publickey@" + sentry.url("").substr(7) + "/42";
  EmulatorRun run;
  run_emulator({"--extensions-dir", extensions.path().string(), "--runtime-cmd", RELAY_POSTING_RUNTIME_PATH,
                "--invokes", "50", "--quiet", "--env", "SENTRY_DSN=" + dsn, "--env",
                "LAMBDA_RELAY_INGEST_PORTS=" + port, "--env", "RELAY_PORT=" + port},
               run);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.report["violations"].items().empty()) << run.output;

  std::vector<std::string> ids;
  for (const auto& invoke : run.report["invokes"].items()) {
    EXPECT_EQ(invoke["status"].str(), "success");
    EXPECT_EQ(invoke["response"].str(), "{\"relay_status\":200}") << "the relay acknowledged the envelope";
    ids.emplace_back(invoke["request_id"].str());
  }
  ASSERT_EQ(ids.size(), 50U);
  std::map<std::string, int> arrived;
  for (const auto& body : sentry.bodies()) {
    const auto at = body.find("invocation ");
    if (at != std::string::npos) ++arrived[body.substr(at + 11, body.find('"', at) - at - 11)];
  }
  std::size_t missing = 0;
  for (const auto& id : ids) missing += arrived.count(id) == 0 ? 1U : 0U;
  EXPECT_EQ(missing, 0U) << "of 50 envelopes; " << sentry.bodies().size() << " arrived, " << sentry.refused()
                         << " refused by the sink\n" << run.output;
  for (const auto& headers : sentry.headers()) {
    EXPECT_EQ(headers["X-Sentry-Auth"], "Sentry sentry_key=publickey, sentry_version=7, sentry_client=relay-posting-runtime/1.0");
  }
  if (fail_every > 0) {
    EXPECT_GT(sentry.refused(), 0U) << "the failures happened";
  }
}

TEST(RelayUnderEmulator, EveryInvocationsEnvelopeReachesSentryByShutdown) { expect_every_invocation_at_sentry(0); }

TEST(RelayUnderEmulator, EveryInvocationsEnvelopeReachesSentryWhenSentryFailsEveryThirdRequest) {
  expect_every_invocation_at_sentry(3);
}

}  // namespace
}  // namespace lambda_relay::testing
