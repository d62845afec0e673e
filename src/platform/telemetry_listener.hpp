// The HTTP endpoint Lambda POSTs telemetry batches to. Each batch is decoded as it arrives and every
// event handed on; the platform gets its 200 at once (it holds one POST in flight per subscriber and
// drops what cannot be sent). A batch that is not a JSON array is answered 400 with the reason.
#pragma once

#include "log/logger.hpp"
#include "net/http_server.hpp"

#include <lambda_relay/telemetry.hpp>

#include <cstdint>
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

  [[nodiscard]] std::uint64_t batches() const noexcept { return batches_; }
  [[nodiscard]] std::uint64_t events() const noexcept { return events_; }
  [[nodiscard]] std::uint64_t rejected_batches() const noexcept { return rejected_batches_; }
  [[nodiscard]] std::uint64_t malformed_events() const noexcept { return malformed_events_; }

 private:
  net::Response receive(const net::Request& request);

  const log::Logger& logger_;
  EventHandler on_event_;
  BatchHandler on_batch_end_;
  net::HttpServer server_;
  std::uint64_t batches_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t rejected_batches_ = 0;
  std::uint64_t malformed_events_ = 0;
};

}  // namespace lambda_relay::platform
