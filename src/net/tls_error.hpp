// mbedTLS error codes (negative ints) as boost::system error codes, so they travel through Asio
// completion handlers like any socket error.
#pragma once

#include <boost/system/error_code.hpp>

#include <string>

namespace lambda_relay::net {

[[nodiscard]] const boost::system::error_category& tls_category() noexcept;
[[nodiscard]] inline boost::system::error_code tls_error_code(int mbedtls_code) noexcept {
  return {mbedtls_code, tls_category()};
}
// mbedTLS's description of `mbedtls_code`, e.g. "SSL - ... (-0x7780)".
[[nodiscard]] std::string tls_error_text(int mbedtls_code);

}  // namespace lambda_relay::net
