// JSON batch dispatch through a real delivery engine to a loopback server.
#include "export/json_batch.hpp"
#include "net/http_server.hpp"
#include "support/gzip.hpp"
#include "test_support.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

namespace lambda_relay::exporters {
namespace {

struct Received {
  std::string content_encoding;
  std::string body;
};

class JsonBatchTest : public ::testing::Test {
 protected:
  JsonBatchTest()
      : server(io.get_executor(), [this](net::Request& r) -> net::Awaitable<net::Response> {
          received.push_back({std::string(r[net::http::field::content_encoding]), r.body()});
          co_return net::make_response(r, net::http::status::ok, "{}");
        }) {
    auto bound = server.listen({net::asio::ip::make_address_v4("127.0.0.1"), 0});
    server.start();
    url = net::parse_url("http://127.0.0.1:" + std::to_string(bound->port()) + "/batch").value();
  }

  static telemetry::Event function_line(std::string text) {
    auto event = telemetry::decode_event(R"({"time":"2026-11-23T10:00:00.000Z","type":"function","record":")" +
                                         text + "\"}");
    EXPECT_TRUE(event);
    return *event;
  }

  net::asio::io_context io{1};
  support::StateChanged changed{io.get_executor()};
  log::Logger logger{"test", log::Level::off};
  std::vector<Received> received;
  net::HttpServer server;
  net::Url url;
};

TEST_F(JsonBatchTest, SendsOneJsonArrayPerSubmission) {
  delivery::DeliveryEngine engine(changed, logger, 1 << 20);
  JsonBatchExporter batch(engine, engine.add_upstream("batch", url), 1);
  batch.add(function_line("one"));
  batch.add(function_line("two"));
  batch.submit_pending();
  ASSERT_EQ(test::run(io, engine.flush(delivery::DeliveryEngine::Clock::now() + std::chrono::seconds(5))), true);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].content_encoding, "");
  const auto decoded = telemetry::decode_batch(received[0].body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->events.size(), 2U);
}

TEST_F(JsonBatchTest, GzipsTheBodyWhenConfigured) {
  delivery::DeliveryEngine engine(changed, logger, 1 << 20);
  JsonBatchExporter batch(engine, engine.add_upstream("batch", url), 1, /*gzip=*/true);
  for (int i = 0; i < 100; ++i) batch.add(function_line("the same line again and again"));
  batch.submit_pending();
  ASSERT_EQ(test::run(io, engine.flush(delivery::DeliveryEngine::Clock::now() + std::chrono::seconds(5))), true);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].content_encoding, "gzip");
  const auto json = support::gunzip(received[0].body, 1 << 20);
  ASSERT_TRUE(json);
  EXPECT_LT(received[0].body.size(), json->size() / 5);
  const auto decoded = telemetry::decode_batch(*json);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->events.size(), 100U);
}

}  // namespace
}  // namespace lambda_relay::exporters
