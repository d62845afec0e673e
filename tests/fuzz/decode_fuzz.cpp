// libFuzzer target: any bytes as a Telemetry API batch. decode() must never crash or read out of
// bounds, every event it delivers must survive encode() → decode_event() unchanged, and both kernels
// (generic, haswell when the CPU has AVX2), copying or decoding a padded batch in place, must agree.
#include <lambda_relay/decode.hpp>

#include "telemetry/decode_kernel.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace lambda_relay::telemetry;

[[noreturn]] void mismatch(const char* what, const std::string& encoded, const std::string& detail) {
  std::fprintf(stderr, "decode_fuzz: %s\nencoded: %s\n%s\n", what, encoded.c_str(), detail.c_str());
  std::abort();
}

void check_round_trip(const Event& event) {
  const std::string encoded = encode(event);
  const auto again = decode_event(encoded);
  if (!again.ok()) mismatch("encode() produced an event that does not decode", encoded, again.error().describe());
  if (!(*again == event)) mismatch("decode_event(encode(e)) != e", encoded, encode(*again));
}

// Everything decode() tells its caller about one batch.
struct Decoded {
  bool ok = false;
  std::string failure;
  std::size_t decoded = 0;
  std::vector<Event> events;
  std::vector<DecodeError> errors;
  bool operator==(const Decoded&) const = default;
};

Decoded decode_all(DecodeKernel kernel, std::string_view input, bool padded) {
  std::string buffer;
  if (padded) {  // a std::string with room for the padding, as the telemetry listener hands over
    buffer.reserve(input.size() + kBatchPadding);
    buffer.assign(input);
    input = buffer;
  }
  Decoded decoded;
  auto result = decode_with(kernel, input, padded, [&](const Event& event) { decoded.events.push_back(event); });
  decoded.ok = result.ok();
  if (result.ok()) {
    decoded.decoded = result->decoded;
    decoded.errors = std::move(result->errors);
  } else {
    decoded.failure = result.error().message;
  }
  return decoded;
}

void check_kernels_agree(std::string_view input) {
  const Decoded reference = decode_all(DecodeKernel::generic, input, false);
  const DecodeKernel other = kernel_supported(DecodeKernel::haswell) ? DecodeKernel::haswell : DecodeKernel::generic;
  if (other == DecodeKernel::haswell && !(decode_all(other, input, false) == reference)) {
    std::fprintf(stderr, "decode_fuzz: the haswell kernel decodes differently from the generic one\n");
    std::abort();
  }
  if (!(decode_all(other, input, true) == reference)) {
    std::fprintf(stderr, "decode_fuzz: a padded batch decodes differently from a copied one\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t delivered = 0;
  const auto summary = decode(input, [&](const Event& event) {
    ++delivered;
    check_round_trip(event);
  });
  if (summary.ok() && summary->decoded != delivered) std::abort();
  check_kernels_agree(input);
  // The same bytes as a single event.
  const auto single = decode_event(input);
  if (single.ok()) check_round_trip(*single);
  return 0;
}
