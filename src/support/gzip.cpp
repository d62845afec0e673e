#include "support/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace lambda_relay::support {

std::string gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");  // only without memory: a programming-level failure
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
  // zlib counts in uInt: feed inputs above 4 GiB in pieces (bodies are far smaller; this stays correct).
  const auto* next = reinterpret_cast<const Bytef*>(data.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  std::size_t left = data.size();
  stream.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  stream.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size(), UINT_MAX));
  int result = Z_OK;
  do {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX));
    stream.next_in = const_cast<Bytef*>(next);  // NOLINT(cppcoreguidelines-pro-type-const-cast): zlib's API
    stream.avail_in = chunk;
    next += chunk;
    left -= chunk;
    result = deflate(&stream, left == 0 ? Z_FINISH : Z_NO_FLUSH);
  } while (left != 0 && result == Z_OK);
  const auto written = static_cast<std::size_t>(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("deflate did not finish");  // deflateBound guarantees room
  out.resize(written);
  return out;
}

}  // namespace lambda_relay::support
