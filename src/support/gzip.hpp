// gzip (RFC 1952) on whole buffers, for request bodies: compressing what lambda-relay sends and
// decompressing what SDKs send it. Decompression is bounded so that a small hostile body (a "zip
// bomb") is an error, never an allocation of gigabytes.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace lambda_relay::support {

// One gzip member holding `input`. `level` is zlib's 1 (fastest) to 9 (smallest); 6 is zlib's default.
[[nodiscard]] std::string gzip(std::string_view input, int level = 6);

// The concatenation of all gzip members in `input`. Error code "gzip": not gzip, corrupt or truncated
// input, trailing garbage, or more than `max_output` bytes of output.
[[nodiscard]] Result<std::string> gunzip(std::string_view input, std::size_t max_output);

// What gunzip would accept, checked without keeping the output (a small fixed buffer): the size
// `input` decompresses to, or gunzip's error.
[[nodiscard]] Result<std::size_t> gunzipped_size(std::string_view input, std::size_t max_output);

// Whether `data` starts with gzip's magic bytes (1f 8b).
[[nodiscard]] bool is_gzip(std::string_view data) noexcept;

}  // namespace lambda_relay::support
