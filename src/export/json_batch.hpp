// Batched JSON to any HTTP endpoint (parity with AWS's example Telemetry API extension, done properly):
// received events are POSTed as JSON arrays once at least `min_items` are pending, and always at
// shutdown. Sending goes through the delivery engine (retries, bounds, accounting).
#pragma once

#include "delivery/delivery_engine.hpp"

#include <lambda_relay/telemetry.hpp>

#include <cstddef>
#include <string>

namespace lambda_relay::exporters {

class JsonBatchExporter {
 public:
  // A batch is also sent once it holds this many bytes, whatever min_items says.
  static constexpr std::size_t kMaxBatchBytes = 1024 * 1024;

  JsonBatchExporter(delivery::DeliveryEngine& engine, delivery::DeliveryEngine::UpstreamId upstream,
                    std::size_t min_items, bool gzip = false);

  // Queues the event; submits by itself only when the batch reaches kMaxBatchBytes.
  void add(const telemetry::Event& event);
  // At least min_items are pending.
  [[nodiscard]] bool due() const noexcept;
  // Hands what is pending to the delivery engine, however few (end of invoke, shutdown).
  void submit_pending();
  [[nodiscard]] std::size_t pending() const noexcept { return pending_items_; }

 private:
  delivery::DeliveryEngine& engine_;
  delivery::DeliveryEngine::UpstreamId upstream_;
  std::size_t min_items_;
  std::string batch_;  // "[e1,e2" — closed on submit
  std::size_t pending_items_ = 0;
  bool gzip_;  // bodies sent with Content-Encoding: gzip
};

}  // namespace lambda_relay::exporters
