// A relay under test on one io_context: the real ingest server and delivery engine, a recording
// upstream on loopback, and a raw-socket client that writes exactly the bytes a test gives it.
#pragma once

#include "config/relay_config.hpp"
#include "delivery/delivery_engine.hpp"
#include "insight/redact.hpp"
#include "net/http_server.hpp"
#include "relay/local_relay.hpp"
#include "relay/otlp/otlp_upstream.hpp"
#include "support/state_changed.hpp"

#include <boost/asio/io_context.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambda_relay::test {

// Answers from a script (then 200 "{}"), keeping every request it got.
class RecordingUpstream {
 public:
  struct Answer {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  RecordingUpstream(net::asio::any_io_executor executor, support::StateChanged& changed);
  std::uint16_t listen();
  void script(Answer answer) { script_.push_back(std::move(answer)); }
  void stop() { server_.stop(); }
  [[nodiscard]] std::string url(std::string_view path) const;

  std::vector<net::Request> requests;

 private:
  support::StateChanged& changed_;
  std::deque<Answer> script_;
  net::HttpServer server_;
  std::uint16_t port_ = 0;
};

// The response to `raw` (a complete HTTP request as bytes), or the error that ended the exchange.
struct Exchange {
  std::optional<net::Response> response;
  boost::system::error_code error;
};

class RelayHarness {
 public:
  // `configure` may change the relay's configuration; the Sentry DSN and forward URL default to
  // the recording upstream.
  explicit RelayHarness(std::size_t outbox_bytes = 1 << 20, std::size_t max_request_bytes = 256 * 1024);
  ~RelayHarness();

  // Creates the relay with `config` (SENTRY_DSN http://publickey@<upstream>/42 unless changed) and
  // starts it on an ephemeral port.
  void start(std::function<void(config::RelayConfig&)> configure = {});
  [[nodiscard]] std::string dsn(std::string_view project = "42") const;

  // With `write_all_first`, reading starts only once every byte is written (else both at once).
  Exchange send(std::string raw, bool write_all_first = false);
  // A POST of `body` to `target` with Content-Length and the extra header lines `headers` ("A: b\r\n").
  Exchange post(std::string_view target, std::string_view body, std::string_view headers = "");
  // The same as chunked transfer coding without Content-Length, in `chunk`-byte chunks.
  Exchange post_chunked(std::string_view target, std::string_view body, std::string_view headers = "",
                        std::size_t chunk = 1000);
  // Waits until the upstream got `count` requests (false after 5 s).
  bool wait_for_upstream(std::size_t count);
  // Before start(): every OTLP signal goes to the recording upstream's /v1/<signal>, with `headers`.
  void otlp_to_upstream(config::HeaderList headers = {});

  boost::asio::io_context io{1};
  support::StateChanged changed{io.get_executor()};
  log::Logger logger{"test", log::Level::off};
  std::optional<delivery::DeliveryEngine> engine;
  RecordingUpstream upstream{io.get_executor(), changed};
  config::RelayConfig config;
  insight::Redactor redactor;  // the built-in rules, send_default_pii off: what lambda-relay does by default
  std::optional<relay::sentry::SentryUpstream> sentry;  // when config.sentry_dsn is set
  config::OtlpConfig otlp;  // no OTLP endpoints unless a test sets them (otlp_to_upstream)
  relay::otlp::OtlpUpstreams otlp_upstreams;
  std::optional<relay::LocalRelay> relay;
  net::tcp::endpoint endpoint;
};

// A header's value, "" when it is absent.
std::string header(const net::Request& request, std::string_view name);
std::string header(const net::Response& response, std::string_view name);
// The exchange's status (a failed expectation, and 0, when it got no answer) and body.
unsigned status_of(const Exchange& exchange);
std::string body_of(const Exchange& exchange);

// The raw bytes of a chunked body.
std::string chunked(std::string_view body, std::size_t chunk);

// A protobuf ExportTraceServiceRequest with one span named `span_name` (resource_spans →
// scope_spans → spans → name).
std::string otlp_traces(std::string_view span_name);

}  // namespace lambda_relay::test
