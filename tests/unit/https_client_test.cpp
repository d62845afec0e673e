// HttpConnection over TLS against a real HTTPS server on loopback (tls_test_server.hpp), with a
// throw-away PKI: trust, certificate and name checks, keep-alive reuse, reconnecting a stale
// connection, and when the CA bundle is read.
#include "net/http_client.hpp"
#include "net/tls_context.hpp"
#include "test_support.hpp"
#include "tls_test_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lambda_relay {
namespace {

using namespace std::chrono_literals;
using test::TestCertificates;
using test::TlsTestServer;
namespace http = net::http;

class HttpsClient : public ::testing::Test {
 protected:
  Result<net::Response> get(net::HttpConnection& connection, std::string target,
                            std::chrono::milliseconds timeout = 5s) {
    auto result = test::run(io_, connection.send(net::Request{http::verb::get, target, 11}, timeout));
    if (!result) return make_error("test", "no answer within the test's timeout");
    return std::move(*result);
  }

  static net::TlsContext::Candidates only(std::filesystem::path bundle) {
    return [bundle = std::move(bundle)] { return std::vector<std::string>{bundle.string()}; };
  }

  const TestCertificates& certs_ = TestCertificates::get();
  net::TlsContext trusting_test_ca_{only(certs_.ca)};
  boost::asio::io_context io_;
};

std::string where(const Error& error) { return error.describe(); }

TEST_F(HttpsClient, RequestSucceedsWhenTheCaBundleTrustsTheServer) {
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  auto response = get(connection, "/hello?x=1");
  ASSERT_TRUE(response.ok()) << where(response.error());
  EXPECT_EQ(response->result(), http::status::ok);
  EXPECT_EQ(response->body(), "/hello?x=1");
  EXPECT_EQ(server.handshakes(), 1);
}

TEST_F(HttpsClient, AnIpAddressHostIsCheckedAgainstTheCertificatesAddresses) {
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"127.0.0.1", server.port()}, &trusting_test_ca_);
  auto response = get(connection, "/by-address");
  ASSERT_TRUE(response.ok()) << where(response.error());
  EXPECT_EQ(response->body(), "/by-address");
}

TEST_F(HttpsClient, CertificateFromAnUntrustedCaFailsWithCodeTlsNamingHostPortAndReason) {
  TlsTestServer server({certs_.foreign_cert, certs_.foreign_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  auto response = get(connection, "/secret");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  const auto& message = response.error().message;
  EXPECT_NE(message.find("localhost:" + std::to_string(server.port())), std::string::npos) << message;
  EXPECT_NE(message.find("certificate verify failed: not signed by a trusted CA"), std::string::npos) << message;
  EXPECT_EQ(server.requests(), 0) << "nothing may be sent to an unverified server";
}

TEST_F(HttpsClient, CertificateForAnotherHostnameFailsWithHostnameMismatch) {
  TlsTestServer server({certs_.wrong_name_cert, certs_.wrong_name_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  auto response = get(connection, "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  EXPECT_NE(response.error().message.find("hostname mismatch (the certificate is not valid for localhost)"),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("trusted CA"), std::string::npos) << "the CA is trusted";
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(HttpsClient, CertificateWithoutTheIpAddressFailsWithHostnameMismatch) {
  TlsTestServer server({certs_.wrong_name_cert, certs_.wrong_name_key});
  net::HttpConnection connection(io_.get_executor(), {"127.0.0.1", server.port()}, &trusting_test_ca_);
  auto response = get(connection, "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  EXPECT_NE(response.error().message.find("hostname mismatch (the certificate is not valid for 127.0.0.1)"),
            std::string::npos)
      << response.error().message;
}

TEST_F(HttpsClient, KeepAliveReusesOneConnectionAndOneHandshake) {
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  auto first = get(connection, "/one");
  auto second = get(connection, "/two");
  ASSERT_TRUE(first.ok()) << where(first.error());
  ASSERT_TRUE(second.ok()) << where(second.error());
  EXPECT_EQ(second->body(), "/two");
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.handshakes(), 1);
}

TEST_F(HttpsClient, ConnectionTheServerDroppedIsReconnectedOnce) {
  TlsTestServer server({certs_.server_cert, certs_.server_key, /*close_after_response=*/true});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  auto first = get(connection, "/one");
  ASSERT_TRUE(first.ok()) << where(first.error());
  auto second = get(connection, "/two");
  ASSERT_TRUE(second.ok()) << where(second.error());
  EXPECT_EQ(second->body(), "/two");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.handshakes(), 2);
}

TEST_F(HttpsClient, LargeBodiesCrossManyTlsRecordsBothWays) {
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  // The server echoes the body: 200 KiB out and back, a dozen TLS records each way.
  std::string body(200 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  net::Request request{http::verb::post, "/echo", 11};
  request.body() = body;
  auto response = test::run(io_, connection.send(std::move(request), 5s));
  ASSERT_TRUE(response.has_value());
  ASSERT_TRUE(response->ok()) << where(response->error());
  EXPECT_EQ((*response)->body().size(), body.size());
  EXPECT_TRUE((*response)->body() == body) << "the echoed body differs";
}

// Polls `condition` on the io_context (1 ms ticks) for at most `limit`; true when it became true.
boost::asio::awaitable<bool> eventually(std::function<bool()> condition, std::chrono::milliseconds limit = 5s) {
  boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(1ms);
    co_await tick.async_wait(boost::asio::use_awaitable);
  }
  co_return condition();
}

boost::asio::awaitable<void> send_into(net::HttpConnection& connection, net::Request request,
                                       std::optional<Result<net::Response>>& outcome) {
  auto response = co_await connection.send(std::move(request), 5s);
  outcome.emplace(std::move(response));
}

TEST_F(HttpsClient, ClosingWhileAResponseIsAwaitedEndsTheRequestWithoutTouchingFreedState) {
  TlsTestServer server({certs_.server_cert, certs_.server_key, false, /*answer=*/false});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &trusting_test_ca_);
  std::optional<Result<net::Response>> outcome;
  boost::asio::co_spawn(io_, send_into(connection, net::Request{http::verb::get, "/never", 11}, outcome),
                        boost::asio::detached);
  auto sent = test::run(io_, eventually([&] { return server.requests() == 1; }));
  ASSERT_TRUE(sent.has_value() && *sent) << "the request never reached the server";
  connection.close();  // drops the TLS session while a read on it is pending (ASan watches)
  auto ended = test::run(io_, eventually([&] { return outcome.has_value(); }));
  ASSERT_TRUE(ended.has_value() && *ended);
  EXPECT_FALSE(outcome->ok());
}

TEST_F(HttpsClient, CaBundleIsReadAtTheFirstHttpsRequestNotBefore) {
  // The bundle does not exist while the connection is made, only when the first request goes out.
  const auto bundle = certs_.dir / "appears-later.pem";
  std::filesystem::remove(bundle);
  net::TlsContext context(only(bundle));
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &context);
  EXPECT_FALSE(context.loaded());
  std::filesystem::copy_file(certs_.ca, bundle);
  auto response = get(connection, "/");
  ASSERT_TRUE(response.ok()) << where(response.error());
  EXPECT_TRUE(context.loaded());
  EXPECT_EQ(context.ca_bundle(), bundle.string());
}

TEST_F(HttpsClient, ProcessContextIsNotLoadedUntilSomethingUsesIt) {
  // Nothing in this test process makes https requests through TlsContext::process().
  EXPECT_FALSE(net::TlsContext::process().loaded());
}

TEST_F(HttpsClient, MissingCaBundleFailsWithCodeTlsNamingEveryPathTried) {
  const auto first = (certs_.dir / "missing-1.pem").string();
  const auto second = (certs_.dir / "missing-2.pem").string();
  net::TlsContext context([&] { return std::vector<std::string>{first, second}; });
  TlsTestServer server({certs_.server_cert, certs_.server_key});
  net::HttpConnection connection(io_.get_executor(), {"localhost", server.port()}, &context);
  auto response = get(connection, "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  EXPECT_NE(response.error().message.find("no CA bundle found (tried " + first + ", " + second + ")"),
            std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find("SSL_CERT_FILE"), std::string::npos) << response.error().message;
  EXPECT_FALSE(context.loaded());
}

TEST_F(HttpsClient, HandshakeWithASilentServerTimesOut) {
  // Listening without ever accepting: the kernel completes TCP, nobody answers the ClientHello.
  net::tcp::acceptor silent(io_, net::tcp::endpoint(net::asio::ip::make_address("127.0.0.1"), 0));
  net::HttpConnection connection(io_.get_executor(), {"127.0.0.1", silent.local_endpoint().port()},
                                 &trusting_test_ca_);
  const auto started = std::chrono::steady_clock::now();
  auto response = get(connection, "/", 200ms);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos) << response.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(HttpsClient, PlainHttpServerFailsTheHandshakeWithCodeTls) {
  // An https URL pointing at a plain HTTP server: it answers the ClientHello with an HTTP error.
  net::tcp::acceptor plain(io_, net::tcp::endpoint(net::asio::ip::make_address("127.0.0.1"), 0));
  net::tcp::socket peer(io_);
  plain.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    static const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    net::asio::async_write(peer, net::asio::buffer(answer), [&](boost::system::error_code, std::size_t) {
      peer.close();
    });
  });
  net::HttpConnection connection(io_.get_executor(), {"127.0.0.1", plain.local_endpoint().port()},
                                 &trusting_test_ca_);
  auto response = get(connection, "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "tls");
  EXPECT_NE(response.error().message.find("TLS handshake with 127.0.0.1:"), std::string::npos)
      << response.error().message;
}

}  // namespace
}  // namespace lambda_relay
