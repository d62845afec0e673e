// The telemetry decoder's kernels. The decoder (decode_kernel.ipp) is compiled twice, each time against
// one simdjson On-Demand implementation and in its own namespace:
//   - generic_kernel (decode_generic.cpp): simdjson's builtin On-Demand, which without -march is its
//     portable `fallback` code; runs on any CPU.
//   - haswell_kernel (decode_haswell.cpp, x86-64 only): simdjson's haswell On-Demand, compiled for
//     AVX2/BMI/PCLMUL/LZCNT inside a target region; used only when the CPU has those.
// decode() picks one at run time (decode.cpp). This header is everything the kernel body uses:
// decode_haswell.cpp includes it before it opens its target region, so that all inline code the
// kernels share (simdjson's common code, the standard library, {fmt}, our helpers) is compiled for the
// baseline CPU only. Private to the decoder and its tests.
#pragma once

#include <lambda_relay/decode.hpp>

#include "telemetry/array_cut.hpp"
#include "telemetry/reuse.hpp"
#include "telemetry/scan.hpp"
#include "telemetry/timestamp.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

// The haswell kernel exists on x86-64 when simdjson's builtin implementation is not already haswell
// or better (a -march=haswell build needs no second kernel) and the build found simdjson's On-Demand
// text to instantiate again (cmake/Dependencies.cmake). Elsewhere (arm64, ...) only the generic
// kernel is built, and it is simdjson's native one there.
#if SIMDJSON_IMPLEMENTATION_HASWELL && !SIMDJSON_CAN_ALWAYS_RUN_HASWELL && defined(LAMBDA_RELAY_SIMDJSON_ONDEMAND_INSTANCE)
#define LAMBDA_RELAY_DECODE_HASWELL 1
#else
#define LAMBDA_RELAY_DECODE_HASWELL 0
#endif

namespace lambda_relay::telemetry {

static_assert(kBatchPadding == simdjson::SIMDJSON_PADDING, "PaddedBatch promises simdjson's padding");

using EventCallback = std::function<void(const Event&)>;

enum class DecodeKernel { generic, haswell };

// Whether this build has `kernel` and this CPU can run it.
[[nodiscard]] bool kernel_supported(DecodeKernel kernel) noexcept;

// The kernel decode() and decode_event() use, chosen once per process: haswell when it is supported
// and simdjson's own run-time choice is AVX2 or better (so SIMDJSON_FORCE_IMPLEMENTATION=fallback
// selects the generic kernel as well), generic otherwise.
[[nodiscard]] DecodeKernel selected_kernel() noexcept;

// decode() and decode_event() through a given kernel, which must be supported (tests compare them).
// `caller_padded`: kBatchPadding bytes after the batch are readable (a PaddedBatch).
[[nodiscard]] Result<DecodeSummary> decode_with(DecodeKernel kernel, std::string_view batch, bool caller_padded,
                                                const EventCallback& on_event);
[[nodiscard]] Result<Event> decode_event_with(DecodeKernel kernel, std::string_view json);

// Used by both kernels; compiled once, for the baseline CPU (decode.cpp).
[[nodiscard]] Error decode_error(std::string message);
[[nodiscard]] std::string describe_cut(const ArrayCut& cut, std::size_t batch_size);

// Each kernel's entry points (decode_kernel.ipp).
namespace generic_kernel {
[[nodiscard]] Result<DecodeSummary> decode(std::string_view batch, bool caller_padded, const EventCallback& on_event);
[[nodiscard]] Result<Event> decode_event(std::string_view json);
}  // namespace generic_kernel
#if LAMBDA_RELAY_DECODE_HASWELL
namespace haswell_kernel {
[[nodiscard]] bool cpu_supported() noexcept;  // decode_haswell.cpp, beside the target it checks for
[[nodiscard]] Result<DecodeSummary> decode(std::string_view batch, bool caller_padded, const EventCallback& on_event);
[[nodiscard]] Result<Event> decode_event(std::string_view json);
}  // namespace haswell_kernel
#endif

}  // namespace lambda_relay::telemetry
