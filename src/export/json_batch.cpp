#include "export/json_batch.hpp"

#include "support/gzip.hpp"

#include <lambda_relay/decode.hpp>

namespace lambda_relay::exporters {

JsonBatchExporter::JsonBatchExporter(delivery::DeliveryEngine& engine, delivery::DeliveryEngine::UpstreamId upstream,
                                     std::size_t min_items, bool gzip)
    : engine_(engine), upstream_(upstream), min_items_(std::max<std::size_t>(1, min_items)), gzip_(gzip) {}

void JsonBatchExporter::add(const telemetry::Event& event) {
  batch_ += pending_items_ == 0 ? '[' : ',';
  batch_ += telemetry::encode(event);
  ++pending_items_;
  // Only the memory bound submits here; when to send is the caller's decision (submit_due).
  if (batch_.size() >= kMaxBatchBytes) submit_pending();
}

bool JsonBatchExporter::due() const noexcept { return pending_items_ >= min_items_; }

void JsonBatchExporter::submit_pending() {
  if (pending_items_ == 0) return;
  batch_ += ']';
  delivery::Payload payload;
  if (gzip_) {
    payload.body = support::gzip(batch_);
    payload.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    payload.body = std::move(batch_);
  }
  payload.items = pending_items_;
  (void)engine_.submit(upstream_, std::move(payload));  // a refusal is counted by the engine (refused_full)
  batch_.clear();
  pending_items_ = 0;
}

}  // namespace lambda_relay::exporters
