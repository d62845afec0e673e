#include "relay_harness.hpp"

#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace lambda_relay::test {
namespace {

constexpr auto use_nothrow = net::asio::as_tuple(net::asio::use_awaitable);

net::Awaitable<Exchange> talk(net::tcp::endpoint server, std::string raw, bool write_all_first) {
  Exchange out;
  // The socket and the bytes belong to the write as much as to this coroutine: a server may answer
  // (413) before the body is all written, and the write ends after this coroutine has.
  auto socket = std::make_shared<net::tcp::socket>(co_await net::asio::this_coro::executor);
  auto bytes = std::make_shared<std::string>(std::move(raw));
  auto [connect_ec] = co_await socket->async_connect(server, use_nothrow);
  if (connect_ec) {
    out.error = connect_ec;
    co_return out;
  }
  if (write_all_first) {  // as a naive client does: the whole request, then the answer
    auto [write_ec, written] = co_await net::asio::async_write(*socket, net::asio::buffer(*bytes), use_nothrow);
    (void)written;
    if (write_ec) {
      out.error = write_ec;
      co_return out;
    }
  } else {
    net::asio::async_write(*socket, net::asio::buffer(*bytes), [socket, bytes](boost::system::error_code, std::size_t) {});
  }
  net::beast::flat_buffer buffer;
  net::http::response_parser<net::http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  auto [read_ec, n] = co_await net::http::async_read(*socket, buffer, parser, use_nothrow);
  (void)n;
  if (read_ec) {
    out.error = read_ec;
  } else {
    out.response = parser.release();
  }
  boost::system::error_code ignored;
  socket->close(ignored);
  co_return out;
}

}  // namespace

std::string chunked(std::string_view body, std::size_t chunk) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); i += chunk) {
    const auto piece = body.substr(i, chunk);
    out += fmt::format("{:x}\r\n", piece.size());
    out += piece;
    out += "\r\n";
  }
  out += "0\r\n\r\n";
  return out;
}

namespace {

std::string length_delimited(unsigned field, std::string_view content) {
  std::string out(1, static_cast<char>(field << 3 | 2));
  auto n = content.size();
  for (; n >= 0x80; n >>= 7) out += static_cast<char>((n & 0x7F) | 0x80);
  out += static_cast<char>(n);
  out += content;
  return out;
}

}  // namespace

std::string otlp_traces(std::string_view span_name) {
  return length_delimited(1, length_delimited(2, length_delimited(2, length_delimited(5, span_name))));
}

RecordingUpstream::RecordingUpstream(net::asio::any_io_executor executor, support::StateChanged& changed)
    : changed_(changed),
      server_(std::move(executor), [this](net::Request& request) -> net::Awaitable<net::Response> {
        Answer answer;
        if (!script_.empty()) {
          answer = script_.front();
          script_.pop_front();
        }
        auto response = net::make_response(request, static_cast<net::http::status>(answer.status), "{}");
        for (const auto& [name, value] : answer.headers) response.set(name, value);
        requests.push_back(std::move(request));
        changed_.notify();
        co_return response;
      }, net::ServerLimits{16 * 1024, 64 * 1024 * 1024}) {}

std::uint16_t RecordingUpstream::listen() {
  auto bound = server_.listen({net::asio::ip::make_address_v4("127.0.0.1"), 0});
  if (!bound) throw std::runtime_error(bound.error().message);
  server_.start();
  port_ = bound->port();
  return port_;
}

std::string RecordingUpstream::url(std::string_view path) const {
  return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

RelayHarness::RelayHarness(std::size_t outbox_bytes, std::size_t max_request_bytes) {
  upstream.listen();
  engine.emplace(changed, logger, outbox_bytes,
                 delivery::RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
  config.ingest_ports = {0};
  config.max_request_bytes = max_request_bytes;
  config.sentry_dsn = relay::sentry::parse_dsn(dsn()).value();
}

RelayHarness::~RelayHarness() {
  if (relay) relay->stop();
  engine->report_and_abandon();  // ends waits for rate limits and backoff
  upstream.stop();
  drain(io);
  relay.reset();
}

std::string RelayHarness::dsn(std::string_view project) const {
  return "http://publickey@" + upstream.url("").substr(7) + "/" + std::string(project);
}

void RelayHarness::start(std::function<void(config::RelayConfig&)> configure) {
  if (configure) configure(config);
  if (config.sentry_dsn) sentry = relay::sentry::add_sentry_upstream(*engine, *config.sentry_dsn);
  if (otlp.enabled()) otlp_upstreams = relay::otlp::add_otlp_upstreams(*engine, otlp);
  relay.emplace(io.get_executor(), logger, config, *engine, sentry, otlp_upstreams, redactor);
  auto bound = relay->start();
  if (bound.empty()) throw std::runtime_error("the relay bound nothing");
  endpoint = bound.front();
}

Exchange RelayHarness::send(std::string raw, bool write_all_first) {
  auto result = run(io, talk(endpoint, std::move(raw), write_all_first));
  if (!result) throw std::runtime_error("no answer within the timeout");
  return *result;
}

Exchange RelayHarness::post(std::string_view target, std::string_view body, std::string_view headers) {
  return send(fmt::format("POST {} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n{}\r\n{}", target, body.size(),
                          headers, body));
}

Exchange RelayHarness::post_chunked(std::string_view target, std::string_view body, std::string_view headers,
                                    std::size_t chunk) {
  return send(fmt::format("POST {} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n{}\r\n{}", target,
                          headers, chunked(body, chunk)));
}

void RelayHarness::otlp_to_upstream(config::HeaderList headers) {
  for (auto* signal : {&otlp.traces, &otlp.metrics, &otlp.logs}) {
    const auto name = signal == &otlp.traces ? "traces" : signal == &otlp.metrics ? "metrics" : "logs";
    config::OtlpSignalConfig target;
    target.url = net::parse_url(upstream.url(fmt::format("/v1/{}", name))).value();
    target.headers = headers;
    *signal = std::move(target);
  }
}

bool RelayHarness::wait_for_upstream(std::size_t count) {
  auto done = run(io, changed.wait_until([&] { return upstream.requests.size() >= count; },
                                         std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  return done.value_or(false);
}

std::string header(const net::Request& request, std::string_view name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string{} : std::string(it->value());
}

std::string header(const net::Response& response, std::string_view name) {
  const auto it = response.find(name);
  return it == response.end() ? std::string{} : std::string(it->value());
}

unsigned status_of(const Exchange& exchange) {
  EXPECT_TRUE(exchange.response) << exchange.error.message();
  return exchange.response ? exchange.response->result_int() : 0;
}

std::string body_of(const Exchange& exchange) { return exchange.response ? exchange.response->body() : ""; }

}  // namespace lambda_relay::test
