// The HTTP endpoint Lambda POSTs telemetry batches to. Each batch is decoded as it arrives and every
// event handed on; the platform gets its 200 at once (it holds one POST in flight per subscriber and
// drops what cannot be sent). A batch that is not a JSON array is answered 400 with the reason.
#pragma once

#include "log/logger.hpp"
#include "net/http_server.hpp"

#include <lambda_relay/telemetry.hpp>

#include <functional>

namespace lambda_relay::platform {

class TelemetryListener {
 public:
  using EventHandler = std::function<void(const telemetry::Event&)>;
  using BatchHandler = std::function<void()>;

  // `on_event` for each decoded event; `on_batch_end` once after each batch.
  TelemetryListener(net::asio::any_io_executor executor, const log::Logger& logger, EventHandler on_event,
                    BatchHandler on_batch_end);

  Result<net::tcp::endpoint> listen(const net::tcp::endpoint& endpoint);
  void stop() { server_.stop(); }

 private:
  net::Response receive(const net::Request& request);

  const log::Logger& logger_;
  EventHandler on_event_;
  BatchHandler on_batch_end_;
  net::HttpServer server_;
};

}  // namespace lambda_relay::platform
