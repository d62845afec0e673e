// Decoding Telemetry API (and Logs API) batches — the JSON arrays Lambda POSTs to a subscriber — into
// typed events. Streaming over the batch with simdjson On-Demand; one malformed event is reported and
// skipped, the events around it are still delivered.
#pragma once

#include <lambda_relay/result.hpp>
#include <lambda_relay/telemetry.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::telemetry {

// Where and why an event could not be decoded.
struct DecodeError {
  std::size_t index = 0;   // position of the event in the batch (0-based)
  std::size_t offset = 0;  // byte offset in the batch where the problem was found
  std::string message;     // e.g. "platform.report: record.metrics.durationMs is not a number"
  bool operator==(const DecodeError&) const = default;
};

struct DecodeSummary {
  std::size_t decoded = 0;          // events handed to the callback
  std::vector<DecodeError> errors;  // events skipped, in order
};

// Low-level: calls `on_event` once per decoded event, in order. The Event is owned by the decoder and
// reused for the next call: copy what you keep. The buffer must stay valid during the call. Fails
// (Error) only when the batch as a whole is not a JSON array; a batch cut short delivers the events
// before the cut and reports the rest as one DecodeError.
[[nodiscard]] Result<DecodeSummary> decode(std::string_view batch, const std::function<void(const Event&)>& on_event);

// Convenience: every event of the batch.
struct DecodedBatch {
  std::vector<Event> events;
  std::vector<DecodeError> errors;
};
[[nodiscard]] Result<DecodedBatch> decode_batch(std::string_view batch);

// One event (a JSON object with time, type and record), e.g. a sample file.
[[nodiscard]] Result<Event> decode_event(std::string_view json);

// Serialises an event back to Telemetry API JSON: known fields in the schema's names, unknown fields
// verbatim. decode_event(encode(e)) == e.
[[nodiscard]] std::string encode(const Event& event);

}  // namespace lambda_relay::telemetry
