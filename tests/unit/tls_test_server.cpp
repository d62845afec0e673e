#include "tls_test_server.hpp"

// The test server uses Asio's OpenSSL layer; its implementation is compiled here (lambda-relay
// itself speaks TLS through mbedTLS and does not link OpenSSL).
#include <boost/asio/ssl/impl/src.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace lambda_relay::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lambda-relay-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TestCertificates make_certificates(const std::filesystem::path& dir) {
  const std::string command =
      std::string("bash '") + LAMBDA_RELAY_TEST_CERTIFICATE_SCRIPT + "' '" + dir.string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot make test certificates: " + command);
  return TestCertificates{dir,
                          dir / "ca.pem",
                          dir / "server.pem",
                          dir / "server.key",
                          dir / "foreign.pem",
                          dir / "foreign.key",
                          dir / "wrong-name.pem",
                          dir / "wrong-name.key"};
}

}  // namespace

const TestCertificates& TestCertificates::get() {
  static const TemporaryDirectory dir;
  static const TestCertificates certificates = make_certificates(dir.path());
  return certificates;
}

TlsTestServer::TlsTestServer(Options options)
    : options_(std::move(options)), tls_(asio::ssl::context::tls_server), acceptor_(io_) {
  tls_.use_certificate_chain_file(options_.cert.string());
  tls_.use_private_key_file(options_.key.string(), asio::ssl::context::pem);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

TlsTestServer::~TlsTestServer() {
  io_.stop();
  thread_.join();
}

asio::awaitable<void> TlsTestServer::accept_loop() {
  for (;;) {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    ++connections_;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> TlsTestServer::serve(asio::ip::tcp::socket socket) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls_);
  try {
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    ++handshakes_;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, asio::use_awaitable);
      ++requests_;
      if (!options_.answer) continue;
      http::response<http::string_body> response(http::status::ok, request.version());
      response.keep_alive(true);
      response.body() = request.body().empty() ? std::string(request.target()) : request.body();
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::use_awaitable);
      if (options_.close_after_response) break;
    }
  } catch (const std::exception&) {
    // The client went away or refused the handshake: both are what some tests want.
  }
  beast::get_lowest_layer(stream).close();
}

}  // namespace lambda_relay::test
