// gzip (RFC 1952) compression of request bodies, with zlib (Content-Encoding: gzip).
#pragma once

#include <string>
#include <string_view>

namespace lambda_relay::support {

// zlib's default level (6) balances CPU time, which the function is billed for, against bytes.
[[nodiscard]] std::string gzip_compress(std::string_view data, int level = 6);

}  // namespace lambda_relay::support
