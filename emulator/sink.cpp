#include "sink.hpp"

#include <lambda_relay/decode.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace lambda_emulator {

namespace net = lambda_relay::net;

Sink::Sink(boost::asio::any_io_executor executor)
    : server_(executor, [this](net::Request& request) -> net::Awaitable<net::Response> {
        const std::string_view target = request.target();
        auto& stats = by_path_[std::string(target.substr(0, target.find('?')))];
        ++stats.requests;
        stats.bytes += request.body().size();
        if (target.starts_with("/batch")) record_freshness(request.body());
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

void Sink::record_freshness(std::string_view body) {
  if (!started_) return;
  const auto& started = started_();
  (void)lambda_relay::telemetry::decode(body, [&](const lambda_relay::telemetry::Event& event) {
    if (event.type != lambda_relay::telemetry::EventType::platform_start) return;
    const auto& id = std::get<lambda_relay::telemetry::Start>(event.record).request_id;
    const auto at = std::find(started.begin(), started.end(), id);
    if (at != started.end()) ++late_[static_cast<std::size_t>(started.end() - at - 1)];
  });
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
