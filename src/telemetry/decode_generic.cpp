// The decoder's generic kernel: simdjson's builtin On-Demand implementation (see decode_kernel.hpp).
#include "telemetry/decode_kernel.hpp"

namespace lambda_relay::telemetry::generic_kernel {
namespace od = simdjson::builtin::ondemand;
}  // namespace lambda_relay::telemetry::generic_kernel

#define LAMBDA_RELAY_DECODE_KERNEL generic_kernel
#include "telemetry/decode_kernel.ipp"
#undef LAMBDA_RELAY_DECODE_KERNEL
