// The process's TLS client settings (mbedTLS): trusted CAs, TLS 1.2 minimum, peer verification
// required. Nothing is read or set up until the first https connection asks for it, so start-up
// costs nothing when every upstream is plain http.
//
// CA bundle: the first file that exists of SSL_CERT_FILE, Amazon Linux's
// /etc/pki/tls/certs/ca-bundle.crt and Debian's /etc/ssl/certs/ca-certificates.crt.
#pragma once

#include <lambda_relay/result.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

struct mbedtls_ssl_config;  // mbedTLS stays out of the headers that include this one

namespace lambda_relay::net {

// Where a CA bundle may be, most specific first: `ssl_cert_file` (SSL_CERT_FILE's value; null or
// empty when unset), then the Amazon Linux and Debian paths.
[[nodiscard]] std::vector<std::string> ca_bundle_candidates(const char* ssl_cert_file);
// ca_bundle_candidates() of this process's SSL_CERT_FILE.
[[nodiscard]] std::vector<std::string> ca_bundle_candidates_from_environment();
// The first candidate that is a regular file; error code "tls" naming every path tried.
[[nodiscard]] Result<std::string> find_ca_bundle(const std::vector<std::string>& candidates);

class TlsContext {
 public:
  using Candidates = std::function<std::vector<std::string>()>;

  // `candidates` is asked at load time, not now (SSL_CERT_FILE is read at the first https request).
  explicit TlsContext(Candidates candidates = ca_bundle_candidates_from_environment);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // The one every upstream shares.
  static TlsContext& process();

  // Seeds the random generator and reads the CA bundle, once; later calls are free. A failure is not
  // remembered: the next connection tries again. Error code "tls".
  [[nodiscard]] Result<void> load();
  [[nodiscard]] bool loaded() const noexcept { return state_ != nullptr; }
  // The bundle that load() read (empty before).
  [[nodiscard]] const std::string& ca_bundle() const noexcept { return ca_bundle_; }
  // For TlsStream; null before load().
  [[nodiscard]] const mbedtls_ssl_config* config() const noexcept;

 private:
  struct State;
  Candidates candidates_;
  std::string ca_bundle_;
  std::unique_ptr<State> state_;
};

}  // namespace lambda_relay::net
