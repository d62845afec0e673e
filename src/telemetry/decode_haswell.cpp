// The decoder's haswell kernel: the decoder body of the generic kernel, compiled a second time against
// simdjson's haswell On-Demand implementation, for AVX2 CPUs (decode.cpp picks it at run time).
//
// Why it is built this way, and not by compiling this file with -mavx2 (or -march=haswell):
// inline functions and template instantiations that both kernels use (simdjson's common code,
// std::string, std::vector<Span>, {fmt}, scan.hpp, reuse.hpp, ...) are emitted by every translation
// unit that uses them, and the linker keeps any one of the copies (they are "the same" under the
// one-definition rule). Were this file compiled for AVX2, the copy kept of, say,
// std::vector<Span>::_M_realloc_insert could be this file's, the generic kernel would call it, and
// the binary would die of SIGILL on a CPU without AVX2. So:
//   - everything shared is included first (decode_kernel.hpp) and compiled for the baseline CPU;
//   - then a target region opens (SIMDJSON_TARGET_HASWELL: #pragma GCC target, or clang's attribute
//     push, for exactly the features simdjson compiles its own haswell code for, since simdjson's
//     haswell templates call always-inline functions of the On-Demand instance). GCC and clang give
//     its target only to functions declared inside it; template instantiations and implicit member
//     functions of classes declared outside keep the baseline target, so the shared copies stay
//     baseline (and are inlined into the AVX2 code where the optimiser wants);
//   - inside the region is only code of namespaces of its own: simdjson's On-Demand front end for
//     haswell (simdjson::haswell) and the decoder body (lambda_relay::telemetry::haswell_kernel).
// A template over the On-Demand namespace would not do: the generic instantiation would then be
// compiled inside the region as well.
#include "telemetry/decode_kernel.hpp"

#if LAMBDA_RELAY_DECODE_HASWELL

#include <cpuid.h>

namespace lambda_relay::telemetry::haswell_kernel {

// Every feature the target region below enables (AVX2, BMI1, PCLMUL, LZCNT; for GCC, AVX2 implies
// POPCNT): simdjson's own test for its haswell kernel (AVX2, BMI1, BMI2, PCLMULQDQ), the compiler's
// (which also checks that the OS saves the AVX registers), and POPCNT and LZCNT, which simdjson takes
// for granted.
bool cpu_supported() noexcept {
  const auto* haswell = simdjson::get_available_implementations()["haswell"];
  if (haswell == nullptr || !haswell->supported_by_runtime_system()) return false;
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi") || !__builtin_cpu_supports("bmi2") ||
      !__builtin_cpu_supports("pclmul") || !__builtin_cpu_supports("popcnt")) {
    return false;
  }
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(0x80000001U, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_LZCNT) != 0;
}

}  // namespace lambda_relay::telemetry::haswell_kernel

SIMDJSON_TARGET_HASWELL

// simdjson's On-Demand front end once more, now in namespace simdjson::haswell, on top of the haswell
// primitives simdjson.h already has (SIMD, string and number parsing, in simdjson's own haswell
// region). The standard headers it names were all included by simdjson.h before: no shared code is
// declared in this region.
#pragma push_macro("SIMDJSON_BUILTIN_IMPLEMENTATION")
#undef SIMDJSON_BUILTIN_IMPLEMENTATION
#define SIMDJSON_BUILTIN_IMPLEMENTATION haswell
#include <simdjson_ondemand_instance.h>
#pragma pop_macro("SIMDJSON_BUILTIN_IMPLEMENTATION")

namespace lambda_relay::telemetry::haswell_kernel {
namespace od = simdjson::haswell::ondemand;
}  // namespace lambda_relay::telemetry::haswell_kernel

#define LAMBDA_RELAY_DECODE_KERNEL haswell_kernel
#include "telemetry/decode_kernel.ipp"
#undef LAMBDA_RELAY_DECODE_KERNEL

SIMDJSON_UNTARGET_HASWELL

#endif  // LAMBDA_RELAY_DECODE_HASWELL
