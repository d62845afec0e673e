#include "support/gzip.hpp"

#include <zlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <new>

namespace lambda_relay::support {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer instead of zlib's
constexpr std::size_t kChunk = 64 * 1024;

// zlib counts in uInt; feed it at most that much at a time.
uInt clamp(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX)); }

Bytef* bytes(const char* p) { return reinterpret_cast<Bytef*>(const_cast<char*>(p)); }  // zlib never writes input

Error gzip_error(std::string message) { return make_error("gzip", std::move(message)); }

class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&z_, kGzipWindowBits) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &z_; }
  z_stream& get() { return z_; }

 private:
  z_stream z_{};
};

}  // namespace

bool is_gzip(std::string_view data) noexcept {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b;
}

std::string gzip(std::string_view input, int level) {
  z_stream z{};
  if (deflateInit2(&z, std::clamp(level, 1, 9), Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();
  }
  std::string out;
  out.resize(deflateBound(&z, clamp(input.size())) + 64);
  std::size_t produced = 0;
  std::size_t consumed = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (produced == out.size()) out.resize(out.size() * 2);
    z.next_in = bytes(input.data() + consumed);
    z.avail_in = clamp(input.size() - consumed);
    z.next_out = bytes(out.data() + produced);
    z.avail_out = clamp(out.size() - produced);
    const uInt in_before = z.avail_in;
    const uInt out_before = z.avail_out;
    status = deflate(&z, consumed + in_before == input.size() ? Z_FINISH : Z_NO_FLUSH);
    consumed += in_before - z.avail_in;
    produced += out_before - z.avail_out;
  }
  deflateEnd(&z);
  out.resize(produced);
  return out;
}

Result<std::string> gunzip(std::string_view input, std::size_t max_output) {
  if (!is_gzip(input)) return gzip_error("not gzip data (no 1f 8b header)");
  // One byte beyond the bound is room enough to prove that the bound was exceeded.
  const std::size_t capacity = max_output == SIZE_MAX ? max_output : max_output + 1;
  Inflater z;
  std::string out;
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    if (produced == out.size()) out.resize(std::min(std::max(out.size() * 2, kChunk), capacity));
    z->next_in = bytes(input.data() + consumed);
    z->avail_in = clamp(input.size() - consumed);
    z->next_out = bytes(out.data() + produced);
    z->avail_out = clamp(out.size() - produced);
    const uInt in_before = z->avail_in;
    const uInt out_before = z->avail_out;
    const int status = inflate(&z.get(), Z_NO_FLUSH);
    consumed += in_before - z->avail_in;
    produced += out_before - z->avail_out;
    if (produced > max_output) return gzip_error(fmt::format("more than {} bytes once decompressed", max_output));
    if (status == Z_STREAM_END) {
      if (consumed == input.size()) break;
      if (!is_gzip(input.substr(consumed))) return gzip_error("trailing garbage after the gzip data");
      inflateReset(&z.get());  // a further member (RFC 1952 allows several)
      continue;
    }
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK && status != Z_BUF_ERROR) {
      return gzip_error(fmt::format("corrupt gzip data ({})", z->msg != nullptr ? z->msg : "invalid stream"));
    }
    // Output space left over and no input left: the stream ended early.
    if (consumed == input.size() && produced < out.size()) return gzip_error("truncated gzip data");
  }
  out.resize(produced);
  return out;
}

Result<std::size_t> gunzipped_size(std::string_view input, std::size_t max_output) {
  if (!is_gzip(input)) return gzip_error("not gzip data (no 1f 8b header)");
  Inflater z;
  std::array<Bytef, 16 * 1024> scratch;
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    z->next_in = bytes(input.data() + consumed);
    z->avail_in = clamp(input.size() - consumed);
    z->next_out = scratch.data();
    z->avail_out = static_cast<uInt>(scratch.size());
    const uInt in_before = z->avail_in;
    const int status = inflate(&z.get(), Z_NO_FLUSH);
    consumed += in_before - z->avail_in;
    produced += scratch.size() - z->avail_out;
    if (produced > max_output) return gzip_error(fmt::format("more than {} bytes once decompressed", max_output));
    if (status == Z_STREAM_END) {
      if (consumed == input.size()) break;
      if (!is_gzip(input.substr(consumed))) return gzip_error("trailing garbage after the gzip data");
      inflateReset(&z.get());
      continue;
    }
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK && status != Z_BUF_ERROR) {
      return gzip_error(fmt::format("corrupt gzip data ({})", z->msg != nullptr ? z->msg : "invalid stream"));
    }
    // The scratch buffer was not filled and no input is left: the stream ended early.
    if (consumed == input.size() && z->avail_out > 0) return gzip_error("truncated gzip data");
  }
  return produced;
}

}  // namespace lambda_relay::support
