#include "net/tls_stream.hpp"

#include "net/tls_error.hpp"

#include <mbedtls/asn1.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <boost/asio/ip/address.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <vector>

namespace lambda_relay::net {
namespace {

constexpr int kSanIpAddressTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;  // GeneralName iPAddress [7]

std::vector<unsigned char> address_bytes(const asio::ip::address& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return {bytes.begin(), bytes.end()};
  }
  const auto bytes = address.to_v6().to_bytes();
  return {bytes.begin(), bytes.end()};
}

bool names_address(const mbedtls_x509_crt& certificate, const std::vector<unsigned char>& address) {
  for (const mbedtls_x509_sequence* san = &certificate.subject_alt_names; san != nullptr; san = san->next) {
    if (san->buf.tag == kSanIpAddressTag && san->buf.len == address.size() &&
        std::memcmp(san->buf.p, address.data(), address.size()) == 0) {
      return true;
    }
  }
  return false;
}

// mbedTLS matches names only against DNS names and the CN; an address must be among the certificate's
// iPAddress entries (RFC 6125), checked here on the server's own certificate (depth 0).
int verify_address(void* address, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags) {
  if (depth == 0 && !names_address(*certificate, *static_cast<const std::vector<unsigned char>*>(address))) {
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  }
  return 0;
}

std::string verify_reasons(std::uint32_t flags, const std::string& host) {
  std::vector<std::string> reasons;
  const auto take = [&](std::uint32_t flag, std::string reason) {
    if ((flags & flag) == 0) return;
    reasons.push_back(std::move(reason));
    flags &= ~flag;
  };
  take(MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not signed by a trusted CA (self-signed, or its issuer is not in the CA bundle)");
  take(MBEDTLS_X509_BADCERT_CN_MISMATCH, fmt::format("hostname mismatch (the certificate is not valid for {})", host));
  take(MBEDTLS_X509_BADCERT_EXPIRED, "the certificate has expired");
  take(MBEDTLS_X509_BADCERT_FUTURE, "the certificate is not valid yet");
  if (flags != 0) {
    std::array<char, 512> info{};
    if (mbedtls_x509_crt_verify_info(info.data(), info.size(), "", flags) > 0) {
      std::string text(info.data());
      while (!text.empty() && text.back() == '\n') text.pop_back();
      std::replace(text.begin(), text.end(), '\n', ';');
      reasons.push_back(std::move(text));
    }
  }
  return fmt::format("{}", fmt::join(reasons, "; "));
}

TlsStep step_from(int rc) {
  if (rc >= 0) return {TlsStep::Next::done, static_cast<std::size_t>(rc), {}};
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return {TlsStep::Next::read, 0, {}};
  if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return {TlsStep::Next::fail, 0, asio::error::eof};
  return {TlsStep::Next::fail, 0, tls_error_code(rc)};
}

}  // namespace

struct TlsStream::Engine {
  mbedtls_ssl_context ssl;
  std::optional<std::vector<unsigned char>> address;  // when the host is an IP address

  Engine() { mbedtls_ssl_init(&ssl); }
  ~Engine() { mbedtls_ssl_free(&ssl); }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
};

namespace {

int receive(void* stream, unsigned char* data, std::size_t size) {
  auto& incoming = static_cast<TlsStream*>(stream)->incoming();
  if (incoming.size() == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  const auto copied = asio::buffer_copy(asio::buffer(data, std::min<std::size_t>(size, INT_MAX)), incoming.data());
  incoming.consume(copied);
  return static_cast<int>(copied);
}

int send(void* stream, const unsigned char* data, std::size_t size) {
  size = std::min<std::size_t>(size, INT_MAX);
  auto& outgoing = static_cast<TlsStream*>(stream)->outgoing();
  outgoing.commit(asio::buffer_copy(outgoing.prepare(size), asio::buffer(data, size)));
  return static_cast<int>(size);
}

}  // namespace

TlsStream::TlsStream(beast::tcp_stream& next, std::string host)
    : next_(next), host_(std::move(host)), engine_(std::make_unique<Engine>()) {}

TlsStream::~TlsStream() = default;

Result<std::shared_ptr<TlsStream>> TlsStream::open(beast::tcp_stream& next, const TlsContext& context,
                                                   const std::string& host) {
  if (context.config() == nullptr) return make_error("tls", "TLS context not loaded");
  std::shared_ptr<TlsStream> stream(new TlsStream(next, host));
  auto& ssl = stream->engine_->ssl;
  if (int rc = mbedtls_ssl_setup(&ssl, context.config()); rc != 0) return make_error("tls", tls_error_text(rc));
  boost::system::error_code not_address;
  const auto address = asio::ip::make_address(host, not_address);
  if (not_address) {
    // Sets SNI and the name the certificate must carry.
    if (int rc = mbedtls_ssl_set_hostname(&ssl, host.c_str()); rc != 0) {
      return make_error("tls", fmt::format("cannot use host name {}: {}", host, tls_error_text(rc)));
    }
  } else {
    // No SNI for an address (RFC 6066); the certificate must list the address instead.
    stream->engine_->address = address_bytes(address);
    mbedtls_ssl_set_verify(&ssl, verify_address, &*stream->engine_->address);
  }
  mbedtls_ssl_set_bio(&ssl, stream.get(), send, receive, nullptr);
  return stream;
}

TlsStep TlsStream::handshake_step() { return step_from(mbedtls_ssl_handshake(&engine_->ssl)); }

TlsStep TlsStream::read_step(asio::mutable_buffer into) {
  if (into.size() == 0) return {};
  return step_from(mbedtls_ssl_read(&engine_->ssl, static_cast<unsigned char*>(into.data()), into.size()));
}

TlsStep TlsStream::write_step(asio::const_buffer from) {
  if (from.size() == 0) return {};
  return step_from(mbedtls_ssl_write(&engine_->ssl, static_cast<const unsigned char*>(from.data()), from.size()));
}

std::string TlsStream::describe(const boost::system::error_code& error) const {
  if (error == tls_error_code(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)) {
    return "certificate verify failed: " + verify_reasons(mbedtls_ssl_get_verify_result(&engine_->ssl), host_);
  }
  if (error == asio::error::eof) return "connection closed by the server";
  if (error == beast::error::timeout) return "timed out";
  return error.message();
}

}  // namespace lambda_relay::net
