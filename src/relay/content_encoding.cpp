#include "relay/content_encoding.hpp"

#include "support/gzip.hpp"

#include <zlib.h>
#if LAMBDA_RELAY_BROTLI
#include <brotli/decode.h>
#endif

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <memory>
#include <new>
#include <vector>

namespace lambda_relay::relay {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

Error corrupt(std::string_view coding, std::string_view detail) {
  return make_error("CorruptBody", fmt::format("{} body does not decode: {}", coding, detail));
}

Error too_large(std::string_view coding, std::size_t max_output) {
  return make_error("CorruptBody", fmt::format("{} body is more than {} bytes once decoded", coding, max_output));
}

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The output buffer grows by doubling up to one byte past the bound (enough to prove it exceeded).
void grow(std::string& out, std::size_t produced, std::size_t max_output) {
  if (produced < out.size()) return;
  const std::size_t capacity = max_output == SIZE_MAX ? max_output : max_output + 1;
  out.resize(std::min(std::max(out.size() * 2, kChunk), capacity));
}

uInt clamp(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX)); }

// "deflate" means zlib (RFC 1950) but some clients send raw deflate (RFC 1951): both are taken.
Result<std::string> inflate_body(std::string_view input, std::size_t max_output) {
  z_stream z{};
  if (inflateInit2(&z, is_zlib_stream(input) ? 15 : -15) != Z_OK) throw std::bad_alloc();
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  std::string out;
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    grow(out, produced, max_output);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + consumed));  // zlib never writes input
    z.avail_in = clamp(input.size() - consumed);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = clamp(out.size() - produced);
    const uInt in_before = z.avail_in;
    const uInt out_before = z.avail_out;
    const int status = inflate(&z, Z_NO_FLUSH);
    consumed += in_before - z.avail_in;
    produced += out_before - z.avail_out;
    if (produced > max_output) return too_large("deflate", max_output);
    if (status == Z_STREAM_END) {
      if (consumed != input.size()) return corrupt("deflate", "trailing bytes after the stream");
      break;
    }
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK && status != Z_BUF_ERROR) return corrupt("deflate", z.msg != nullptr ? z.msg : "invalid stream");
    if (consumed == input.size() && produced < out.size()) return corrupt("deflate", "truncated stream");
  }
  out.resize(produced);
  return out;
}

#if LAMBDA_RELAY_BROTLI
Result<std::string> brotli_body(std::string_view input, std::size_t max_output) {
  const std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
  if (!state) throw std::bad_alloc();
  std::string out;
  std::size_t produced = 0;
  auto next_in = reinterpret_cast<const std::uint8_t*>(input.data());
  std::size_t available_in = input.size();
  for (;;) {
    grow(out, produced, max_output);
    auto next_out = reinterpret_cast<std::uint8_t*>(out.data() + produced);
    std::size_t available_out = out.size() - produced;
    const auto before = available_out;
    const auto status =
        BrotliDecoderDecompressStream(state.get(), &available_in, &next_in, &available_out, &next_out, nullptr);
    produced += before - available_out;
    if (produced > max_output) return too_large("br", max_output);
    if (status == BROTLI_DECODER_RESULT_SUCCESS) {
      if (available_in != 0) return corrupt("br", "trailing bytes after the stream");
      break;
    }
    if (status == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return corrupt("br", "truncated stream");
    if (status == BROTLI_DECODER_RESULT_ERROR) {
      return corrupt("br", BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
    }
    // NEEDS_MORE_OUTPUT: grow and go on.
  }
  out.resize(produced);
  return out;
}
#else
Result<std::string> brotli_body(std::string_view /*input*/, std::size_t /*max_output*/) {
  return make_error("UnsupportedEncoding",
                    "Content-Encoding \"br\" is not supported by this build (LAMBDA_RELAY_BROTLI=OFF): use gzip");
}
#endif

Result<std::string> decode_one(std::string_view coding, std::string_view body, std::size_t max_output) {
  if (coding == "gzip" || coding == "x-gzip") {
    auto decoded = support::gunzip(body, max_output);
    if (!decoded) return make_error("CorruptBody", fmt::format("gzip body does not decode: {}", decoded.error().message));
    return decoded;
  }
  if (coding == "deflate") return inflate_body(body, max_output);
  if (coding == "br") return brotli_body(body, max_output);
  return make_error("UnsupportedEncoding",
                    fmt::format("Content-Encoding \"{}\" is not supported (gzip, deflate, br)", coding.substr(0, 40)));
}

}  // namespace

// RFC 1950 header: compression method 8 and a header checksum that is a multiple of 31.
bool is_zlib_stream(std::string_view data) {
  if (data.size() < 2) return false;
  const auto cmf = static_cast<unsigned char>(data[0]);
  const auto flg = static_cast<unsigned char>(data[1]);
  return (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
}

bool is_identity(std::string_view encoding) {
  const auto coding = lower_trimmed(encoding);
  return coding.empty() || coding == "identity";
}

Result<std::string> decode_body(std::string_view encoding, std::string_view body, std::size_t max_output) {
  std::vector<std::string> codings;
  while (!encoding.empty()) {
    const auto comma = encoding.find(',');
    if (auto coding = lower_trimmed(encoding.substr(0, comma)); !coding.empty() && coding != "identity") {
      codings.push_back(std::move(coding));
    }
    if (comma == std::string_view::npos) break;
    encoding.remove_prefix(comma + 1);
  }
  if (codings.empty()) return std::string(body);
  std::string current;
  std::string_view input = body;
  // Codings are listed in the order they were applied: undo the last one first.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    auto decoded = decode_one(*it, input, max_output);
    if (!decoded) return decoded.error();
    current = std::move(decoded).value();
    input = current;
  }
  return current;
}

}  // namespace lambda_relay::relay
