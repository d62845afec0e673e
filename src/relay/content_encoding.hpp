// Request bodies as SDKs compress them (Content-Encoding: gzip, deflate, br), decoded with a bound
// on the output so that a small hostile body cannot make lambda-relay allocate gigabytes.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace lambda_relay::relay {

// Whether `encoding` (a Content-Encoding value) leaves the body as it is: "", "identity".
[[nodiscard]] bool is_identity(std::string_view encoding);

// Whether `data` starts with a zlib (RFC 1950) header: "deflate" as the standard means it, not raw.
[[nodiscard]] bool is_zlib_stream(std::string_view data);

// Undoes `encoding` ("gzip", "x-gzip", "deflate" (zlib, or raw deflate as some clients send), "br",
// or a comma list of these, applied in order). Error codes: "UnsupportedEncoding" for other codings,
// "CorruptBody" for data that does not decode or exceeds `max_output` bytes.
[[nodiscard]] Result<std::string> decode_body(std::string_view encoding, std::string_view body, std::size_t max_output);

}  // namespace lambda_relay::relay
