// libFuzzer target: any bytes as a Telemetry API batch. decode() must never crash or read out of
// bounds, and every event it delivers must survive encode() → decode_event() unchanged.
#include <lambda_relay/decode.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t delivered = 0;
  const auto summary = decode(input, [&](const Event& event) {
    ++delivered;
    check_round_trip(event);
  });
  if (summary.ok() && summary->decoded != delivered) std::abort();
  // The same bytes as a single event.
  const auto single = decode_event(input);
  if (single.ok()) check_round_trip(*single);
  return 0;
}
