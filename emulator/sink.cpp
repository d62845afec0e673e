#include "sink.hpp"

#include <fmt/format.h>

namespace lambda_emulator {

namespace net = lambda_relay::net;

Sink::Sink(boost::asio::any_io_executor executor)
    : server_(executor, [this](net::Request& request) -> net::Awaitable<net::Response> {
        const std::string_view target = request.target();
        auto& stats = by_path_[std::string(target.substr(0, target.find('?')))];
        ++stats.requests;
        stats.bytes += request.body().size();
        co_return net::make_response(request, net::http::status::ok, "{}");
      }, net::ServerLimits{16 * 1024, 64 * 1024 * 1024}) {}

lambda_relay::Result<void> Sink::start() {
  auto endpoint = server_.listen(net::tcp::endpoint(net::asio::ip::make_address_v4("127.0.0.1"), 0));
  if (!endpoint) return endpoint.error();
  port_ = endpoint->port();
  server_.start();
  return {};
}

std::string Sink::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::vector<std::string> Sink::environment() const {
  const auto base = url();
  return {
      "LAMBDA_RELAY_BATCH_URL=" + base + "/batch",
      fmt::format("SENTRY_DSN=http://examplePublicKey@127.0.0.1:{}/1", port_),
      "OTEL_EXPORTER_OTLP_ENDPOINT=" + base + "/otlp",
      "PYROSCOPE_REMOTE_ADDRESS=" + base + "/pyroscope",
  };
}

int Sink::requests() const {
  int n = 0;
  for (const auto& [path, s] : by_path_) n += s.requests;
  return n;
}

std::size_t Sink::bytes() const {
  std::size_t n = 0;
  for (const auto& [path, s] : by_path_) n += s.bytes;
  return n;
}

}  // namespace lambda_emulator
