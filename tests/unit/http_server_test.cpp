#include "net/http_server.hpp"

#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lambda_relay::net {
namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// What a raw client saw: the responses it read, and how reading ended when asked to read past them.
struct Conversation {
  std::vector<Response> responses;
  boost::system::error_code connect_error;
  boost::system::error_code final_read;  // end_of_stream when the server closed the connection
};

// A client that writes raw bytes: each element of `requests` is written, then one response is read.
// With `read_until_close`, `before_final_read` runs, then responses are read until the connection
// ends (pipelined answers, or the server closing it).
Awaitable<Conversation> talk(tcp::endpoint server, std::vector<std::string> requests, bool read_until_close,
                             std::function<void()> before_final_read) {
  Conversation out;
  tcp::socket socket(co_await asio::this_coro::executor);
  auto [connect_ec] = co_await socket.async_connect(server, use_nothrow);
  if (connect_ec) {
    out.connect_error = connect_ec;
    co_return out;
  }
  beast::flat_buffer buffer;
  for (auto& bytes : requests) {
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(bytes), use_nothrow);
    (void)written;
    if (write_ec) {
      out.final_read = write_ec;
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    auto [read_ec, read] = co_await http::async_read(socket, buffer, parser, use_nothrow);
    (void)read;
    if (read_ec) {
      out.final_read = read_ec;
      co_return out;
    }
    out.responses.push_back(parser.release());
  }
  if (read_until_close) {
    if (before_final_read) before_final_read();
    for (;;) {
      http::response_parser<http::string_body> parser;
      auto [read_ec, read] = co_await http::async_read(socket, buffer, parser, use_nothrow);
      (void)read;
      if (read_ec) {
        out.final_read = read_ec;
        break;
      }
      out.responses.push_back(parser.release());
    }
  }
  co_return out;
}

Response echo(const Request& request) {
  std::string body = std::string(request.method_string()) + " " + std::string(request.target()) + " " + request.body();
  return make_response(request, http::status::ok, std::move(body), "text/plain");
}

std::string error_type_of(const Response& response) {
  simdjson::dom::parser parser;
  std::string_view type;
  if (parser.parse(response.body()).at_key("errorType").get_string().get(type)) return "<no errorType>";
  return std::string(type);
}

std::string header_of_size(std::size_t bytes) { return "X-Filler: " + std::string(bytes, 'a') + "\r\n"; }

class HttpServerTest : public ::testing::Test {
 protected:
  void start(RequestHandler handler, ServerLimits limits = {}) {
    server_.emplace(io_.get_executor(), std::move(handler), limits);
    auto bound = server_->listen(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    ASSERT_TRUE(bound.ok()) << bound.error().describe();
    endpoint_ = *bound;
    server_->start();
  }

  void start_echo(ServerLimits limits = {}) {
    start([](Request& request) -> Awaitable<Response> { co_return echo(request); }, limits);
  }

  Conversation converse(std::vector<std::string> requests, bool read_until_close,
                        std::function<void()> before_final_read = {}) {
    auto result =
        test::run(io_, talk(endpoint_, std::move(requests), read_until_close, std::move(before_final_read)));
    if (!result) {
      ADD_FAILURE() << "no answer within the timeout";
      return {};
    }
    return std::move(*result);
  }

  void TearDown() override {
    if (server_) server_->stop();
    test::drain(io_);
  }

  asio::io_context io_{1};
  std::optional<HttpServer> server_;
  tcp::endpoint endpoint_;
};

TEST_F(HttpServerTest, ListenOnPortZeroPicksAnEphemeralPort) {
  start_echo();
  EXPECT_NE(endpoint_.port(), 0);
  EXPECT_EQ(server_->local_endpoint(), endpoint_);
}

TEST_F(HttpServerTest, ServesAWellFormedRequest) {
  start_echo();
  auto c = converse({"POST /path?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"}, false);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::ok);
  EXPECT_EQ(c.responses[0].body(), "POST /path?q=1 hello");
  EXPECT_EQ(c.responses[0][http::field::content_type], "text/plain");
}

TEST_F(HttpServerTest, RejectsMalformedRequestLineWith400AndClosesTheConnection) {
  start_echo();
  auto c = converse({"this is not http\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::bad_request);
  EXPECT_EQ(c.responses[0][http::field::content_type], "application/json");
  EXPECT_EQ(error_type_of(c.responses[0]), "BadRequest");
  EXPECT_FALSE(c.responses[0].keep_alive());
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, RejectsBadHeaderSyntaxWith400) {
  start_echo();
  auto c = converse({"GET / HTTP/1.1\r\nNo colon here\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::bad_request);
  EXPECT_EQ(error_type_of(c.responses[0]), "BadRequest");
}

TEST_F(HttpServerTest, RejectsBodyOverLimitWith413) {
  ServerLimits limits;
  limits.max_body_bytes = 1024;
  start_echo(limits);
  // The declared length alone is enough: the server answers without waiting for the body.
  auto c = converse({"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::payload_too_large);
  EXPECT_EQ(error_type_of(c.responses[0]), "RequestEntityTooLarge");
  EXPECT_NE(c.responses[0].body().find("1024"), std::string::npos) << c.responses[0].body();
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, AcceptsBodyExactlyAtLimit) {
  ServerLimits limits;
  limits.max_body_bytes = 1024;
  start_echo(limits);
  auto c = converse({"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, 'b')}, false);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::ok);
  EXPECT_EQ(c.responses[0].body().size(), std::string("POST / ").size() + 1024);
}

// curl sends `Expect: 100-continue` for bodies over 1 KiB and holds the body back until it is told
// to go on (or for a second): the server says so as soon as it has the header.
TEST_F(HttpServerTest, AnswersExpectContinueBeforeTheBodyIsSent) {
  start_echo();
  auto c = converse({"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", "hello"},
                    false);
  ASSERT_EQ(c.responses.size(), 2U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::continue_);
  EXPECT_EQ(c.responses[1].result(), http::status::ok);
  EXPECT_EQ(c.responses[1].body(), "POST /up hello");
}

TEST_F(HttpServerTest, AnswersExpectContinueWithAnOversizeLengthWith413Only) {
  ServerLimits limits;
  limits.max_body_bytes = 1024;
  start_echo(limits);
  auto c = converse({"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::payload_too_large) << "the final answer, no 100 Continue";
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, RejectsChunkedBodyOverLimitWith413) {
  ServerLimits limits;
  limits.max_body_bytes = 16;
  start_echo(limits);
  auto c = converse({"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + std::string(32, 'c') +
                     "\r\n0\r\n\r\n"},
                    true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::payload_too_large);
}

TEST_F(HttpServerTest, RejectsHeaderOverLimitWith431) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  start_echo(limits);
  // The header never ends: the server must give up at the limit rather than wait for the blank line.
  auto c = converse({"GET / HTTP/1.1\r\nHost: x\r\n" + header_of_size(2048)}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].result(), http::status::request_header_fields_too_large);
  EXPECT_EQ(error_type_of(c.responses[0]), "RequestHeaderTooLarge");
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start_echo();
  auto c = converse({"GET /first HTTP/1.1\r\nHost: x\r\n\r\n", "GET /second HTTP/1.1\r\nHost: x\r\n\r\n"}, false);
  ASSERT_EQ(c.responses.size(), 2U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].body(), "GET /first ");
  EXPECT_TRUE(c.responses[0].keep_alive());
  EXPECT_EQ(c.responses[1].body(), "GET /second ");
}

TEST_F(HttpServerTest, ServesPipelinedRequestsInOrder) {
  start_echo();
  auto c = converse({"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 2U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].body(), "GET /a ");
  EXPECT_EQ(c.responses[1].body(), "GET /b ");
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, ClosesAfterResponseWhenClientAsksConnectionClose) {
  start_echo();
  auto c = converse({"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_FALSE(c.responses[0].keep_alive());
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

TEST_F(HttpServerTest, Http10WithoutKeepAliveIsClosed) {
  start_echo();
  auto c = converse({"GET / HTTP/1.0\r\n\r\n"}, true);
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_EQ(c.responses[0].version(), 10U);
  EXPECT_EQ(c.final_read, http::error::end_of_stream);
}

Awaitable<Response> throwing_handler(Request& /*request*/) {
  throw std::runtime_error("handler blew up");
  co_return Response{};
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndTheConnectionStaysUsable) {
  start(throwing_handler);
  auto c = converse({"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, false);
  ASSERT_EQ(c.responses.size(), 2U) << c.final_read.message();
  for (const auto& response : c.responses) {
    EXPECT_EQ(response.result(), http::status::internal_server_error);
    EXPECT_EQ(error_type_of(response), "InternalError");
    EXPECT_NE(response.body().find("handler blew up"), std::string::npos) << response.body();
  }
}

TEST_F(HttpServerTest, StopClosesOpenConnections) {
  start_echo();
  auto c = converse({"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, true, [this] { server_->stop(); });
  ASSERT_EQ(c.responses.size(), 1U) << c.final_read.message();
  EXPECT_TRUE(c.responses[0].keep_alive());
  EXPECT_TRUE(c.final_read == http::error::end_of_stream || c.final_read == asio::error::connection_reset)
      << c.final_read.message();
}

TEST_F(HttpServerTest, StopRefusesNewConnections) {
  start_echo();
  server_->stop();
  auto c = converse({"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, false);
  EXPECT_EQ(c.connect_error, asio::error::connection_refused) << c.connect_error.message();
}

}  // namespace
}  // namespace lambda_relay::net
