// HTTPS for the client tests: a throw-away PKI made with the openssl CLI, and a server (Beast over
// OpenSSL, on its own thread and io_context) that answers every request with 200 and, as body, the
// request's body or, when that is empty, the request target. The server counts TCP connections and completed handshakes, so a test can tell a
// reused connection from a new one.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <thread>

namespace lambda_relay::test {

// Made once per test process (see make_test_certificates.sh for what each file is).
struct TestCertificates {
  std::filesystem::path dir;
  std::filesystem::path ca;
  std::filesystem::path server_cert, server_key;
  std::filesystem::path foreign_cert, foreign_key;
  std::filesystem::path wrong_name_cert, wrong_name_key;

  static const TestCertificates& get();  // throws when openssl fails
};

class TlsTestServer {
 public:
  struct Options {
    std::filesystem::path cert;
    std::filesystem::path key;
    // Drops the connection after each response although the response says keep-alive: what a
    // server's idle timeout does to a pooled connection.
    bool close_after_response = false;
    // Reads requests but never answers them.
    bool answer = true;
  };

  explicit TlsTestServer(Options options);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] int connections() const noexcept { return connections_; }
  [[nodiscard]] int handshakes() const noexcept { return handshakes_; }
  [[nodiscard]] int requests() const noexcept { return requests_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  Options options_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> handshakes_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace lambda_relay::test
