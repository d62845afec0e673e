// The decoder's public entry points: each call goes to the kernel chosen for this CPU
// (decode_kernel.hpp). Compiled for the baseline CPU.
#include "telemetry/decode_kernel.hpp"

namespace lambda_relay::telemetry {

bool kernel_supported(DecodeKernel kernel) noexcept {
  if (kernel == DecodeKernel::generic) return true;
#if LAMBDA_RELAY_DECODE_HASWELL
  static const bool haswell = haswell_kernel::cpu_supported();
  return haswell;
#else
  return false;
#endif
}

DecodeKernel selected_kernel() noexcept {
  static const DecodeKernel kernel = [] {
    if (!kernel_supported(DecodeKernel::haswell)) return DecodeKernel::generic;
    // simdjson's run-time choice (stage 1 runs it): honours SIMDJSON_FORCE_IMPLEMENTATION.
    const std::string& active = simdjson::get_active_implementation()->name();
    return active == "haswell" || active == "icelake" ? DecodeKernel::haswell : DecodeKernel::generic;
  }();
  return kernel;
}

Result<DecodeSummary> decode_with(DecodeKernel kernel, std::string_view batch, bool caller_padded,
                                  const EventCallback& on_event) {
#if LAMBDA_RELAY_DECODE_HASWELL
  if (kernel == DecodeKernel::haswell) return haswell_kernel::decode(batch, caller_padded, on_event);
#else
  (void)kernel;
#endif
  return generic_kernel::decode(batch, caller_padded, on_event);
}

Result<Event> decode_event_with(DecodeKernel kernel, std::string_view json) {
#if LAMBDA_RELAY_DECODE_HASWELL
  if (kernel == DecodeKernel::haswell) return haswell_kernel::decode_event(json);
#else
  (void)kernel;
#endif
  return generic_kernel::decode_event(json);
}

Error decode_error(std::string message) { return make_error("telemetry.decode", std::move(message)); }

std::string describe_cut(const ArrayCut& cut, std::size_t batch_size) {
  if (cut.trailing_content) {
    return fmt::format("batch: unexpected content after the closing ] at byte {}", cut.cut_offset);
  }
  if (cut.cut_offset >= batch_size) {
    return fmt::format("batch: cut short after {} bytes: the closing ] is missing", batch_size);
  }
  return fmt::format("batch: cut short after {} bytes: the event starting at byte {} is incomplete", batch_size,
                     cut.cut_offset);
}

Result<DecodeSummary> decode(std::string_view batch, const EventCallback& on_event) {
  return decode_with(selected_kernel(), batch, false, on_event);
}

Result<DecodeSummary> decode(PaddedBatch batch, const EventCallback& on_event) {
  return decode_with(selected_kernel(), batch.text, true, on_event);
}

Result<DecodedBatch> decode_batch(std::string_view batch) {
  DecodedBatch decoded;
  auto result = decode(batch, [&](const Event& event) { decoded.events.push_back(event); });
  if (!result) return result.error();
  decoded.errors = std::move(result->errors);
  return decoded;
}

Result<Event> decode_event(std::string_view json) { return decode_event_with(selected_kernel(), json); }

}  // namespace lambda_relay::telemetry
