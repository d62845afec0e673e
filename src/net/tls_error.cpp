#include "net/tls_error.hpp"

#include <mbedtls/error.h>

#include <fmt/format.h>

#include <array>

namespace lambda_relay::net {
namespace {

// error_category's destructor is protected and non-virtual by design (categories are never deleted
// through a base pointer), which -Wnon-virtual-dtor cannot tell.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class TlsCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mbedtls"; }
  std::string message(int code) const override { return tls_error_text(code); }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& tls_category() noexcept {
  static const TlsCategory category;
  return category;
}

std::string tls_error_text(int mbedtls_code) {
  std::array<char, 160> text{};
  mbedtls_strerror(mbedtls_code, text.data(), text.size());
  return fmt::format("{} (-0x{:04x})", text.data(), static_cast<unsigned>(-mbedtls_code));
}

}  // namespace lambda_relay::net
