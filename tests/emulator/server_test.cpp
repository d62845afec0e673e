// Routing and HTTP-level validation of the platform API port: unknown routes, oversized bodies,
// bytes that are not HTTP — and the server still serving afterwards.
#include "platform_api_fixture.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <string>

namespace lambda_emulator::test {
namespace {

using ServerTest = PlatformApiTest;

// Parses what a raw socket received as one HTTP response; nullopt if it is not one.
std::optional<net::Response> parse_response(const std::string& received) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(received), ec);
  if (ec) return std::nullopt;
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

std::string oversized_request_head() {
  const auto length = net::ServerLimits{}.max_body_bytes + 1;
  return "POST /2018-06-01/runtime/invocation/r-1/response HTTP/1.1\r\n"
         "Host: 127.0.0.1\r\n"
         "Content-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(length) + "\r\n\r\n";
}

TEST_F(ServerTest, UnknownPathIs404ListingKnownRoutes) {
  const auto response = send(make_request(http::verb::get, "/2020-01-01/nowhere"));
  ASSERT_TRUE(IsLambdaError(response, http::status::not_found, "NotFound"));
  const auto message = json_string_field(response.body(), "errorMessage").value_or("");
  EXPECT_NE(message.find("/2020-01-01/nowhere"), std::string::npos) << message;
  for (const char* route : {"/2020-01-01/extension/", "register", "event/next", "init/error", "exit/error",
                            "/2018-06-01/runtime/", "invocation/next", "invocation/<id>/response",
                            "invocation/<id>/error", "/2022-07-01/telemetry", "/2020-08-15/logs"}) {
    EXPECT_NE(message.find(route), std::string::npos) << route << " missing from: " << message;
  }
}

TEST_F(ServerTest, KnownPathWithWrongMethodIs404) {
  EXPECT_TRUE(IsLambdaError(send(make_request(http::verb::get, "/2020-01-01/extension/register")),
                            http::status::not_found, "NotFound"));
  EXPECT_TRUE(IsLambdaError(send(make_request(http::verb::post, "/2022-07-01/telemetry", "{}")),
                            http::status::not_found, "NotFound"));
  EXPECT_TRUE(IsLambdaError(send(make_request(http::verb::post, "/2018-06-01/runtime/invocation/next")),
                            http::status::not_found, "NotFound"));
}

TEST_F(ServerTest, QueryStringIsIgnoredForRouting) {
  const auto response = send(make_request(http::verb::get, "/2018-06-01/ping?probe=1"));
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), "pong");
}

TEST_F(ServerTest, BodyLargerThanMaxBodyBytesIs413) {
  // The head announces one byte more than the limit; the server must refuse before reading the body
  // (sending the body as well would race the server's close against our write).
  const auto received = raw_exchange(oversized_request_head());
  const auto response = parse_response(received);
  ASSERT_TRUE(response) << "not an HTTP response: " << received;
  EXPECT_TRUE(IsLambdaError(*response, http::status::payload_too_large, "RequestEntityTooLarge"));
  EXPECT_FALSE(response->keep_alive());
  EXPECT_FALSE(state_.runtime.current);
}

TEST_F(ServerTest, BodyOfExactlyMaxBodyBytesIsAccepted) {
  auto invocation = std::make_shared<Invocation>();
  invocation->request_id = "r-1";
  state_.runtime.current = invocation;
  std::string body(net::ServerLimits{}.max_body_bytes, 'x');
  const auto response =
      send(make_request(http::verb::post, "/2018-06-01/runtime/invocation/r-1/response", std::move(body)));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  EXPECT_EQ(invocation->produced_bytes, net::ServerLimits{}.max_body_bytes);
}

TEST_F(ServerTest, GarbageBytesAre400AndTheServerKeepsServing) {
  const auto received = raw_exchange(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n", 23));
  const auto response = parse_response(received);
  ASSERT_TRUE(response) << "not an HTTP response: " << received;
  EXPECT_TRUE(IsLambdaError(*response, http::status::bad_request, "BadRequest"));
  EXPECT_FALSE(response->keep_alive());

  // A new connection is served normally.
  const auto next = send(register_request("after-garbage"));
  EXPECT_EQ(next.result(), http::status::ok) << next.body();
  EXPECT_EQ(state_.extensions.size(), 1U);
}

TEST_F(ServerTest, GarbageRequestLineIs400) {
  const auto response = parse_response(raw_exchange("GET\r\n\r\n"));
  ASSERT_TRUE(response);
  EXPECT_TRUE(IsLambdaError(*response, http::status::bad_request, "BadRequest"));
  EXPECT_EQ(send(make_request(http::verb::get, "/2018-06-01/ping")).body(), "pong");
}

TEST_F(ServerTest, OversizedHeaderIs431AndTheServerKeepsServing) {
  const std::string head = "GET /2018-06-01/ping HTTP/1.1\r\nHost: x\r\nX-Big: " +
                           std::string(net::ServerLimits{}.max_header_bytes, 'a') + "\r\n\r\n";
  const auto response = parse_response(raw_exchange(head));
  ASSERT_TRUE(response);
  EXPECT_TRUE(IsLambdaError(*response, http::status::request_header_fields_too_large, "RequestHeaderTooLarge"));
  EXPECT_EQ(send(make_request(http::verb::get, "/2018-06-01/ping")).body(), "pong");
}

}  // namespace
}  // namespace lambda_emulator::test
