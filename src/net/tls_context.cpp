#include "net/tls_context.hpp"

#include "net/tls_error.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

namespace lambda_relay::net {
namespace {

constexpr const char* kAmazonLinuxBundle = "/etc/pki/tls/certs/ca-bundle.crt";
constexpr const char* kDebianBundle = "/etc/ssl/certs/ca-certificates.crt";
constexpr unsigned char kPersonalization[] = "lambda-relay";

Error tls_error(std::string message) { return make_error("tls", std::move(message)); }

}  // namespace

std::vector<std::string> ca_bundle_candidates(const char* ssl_cert_file) {
  std::vector<std::string> candidates;
  if (ssl_cert_file != nullptr && *ssl_cert_file != '\0') candidates.emplace_back(ssl_cert_file);
  candidates.emplace_back(kAmazonLinuxBundle);
  candidates.emplace_back(kDebianBundle);
  return candidates;
}

std::vector<std::string> ca_bundle_candidates_from_environment() {
  return ca_bundle_candidates(std::getenv("SSL_CERT_FILE"));  // NOLINT(concurrency-mt-unsafe): one thread
}

Result<std::string> find_ca_bundle(const std::vector<std::string>& candidates) {
  for (const auto& path : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return tls_error(fmt::format("no CA bundle found (tried {}); set SSL_CERT_FILE to a PEM file of trusted CAs",
                               fmt::join(candidates, ", ")));
}

struct TlsContext::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context random;
  mbedtls_x509_crt trusted;
  mbedtls_ssl_config config;

  State() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_ssl_config_init(&config);
  }
  ~State() {
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&trusted);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

TlsContext::TlsContext(Candidates candidates) : candidates_(std::move(candidates)) {}
TlsContext::~TlsContext() = default;

TlsContext& TlsContext::process() {
  static TlsContext context;
  return context;
}

const mbedtls_ssl_config* TlsContext::config() const noexcept { return state_ ? &state_->config : nullptr; }

Result<void> TlsContext::load() {
  if (state_) return {};
  auto bundle = find_ca_bundle(candidates_());
  if (!bundle) return bundle.error();
  auto state = std::make_unique<State>();
  if (int rc = mbedtls_ctr_drbg_seed(&state->random, mbedtls_entropy_func, &state->entropy, kPersonalization,
                                     sizeof kPersonalization - 1);
      rc != 0) {
    return tls_error("cannot seed the random generator: " + tls_error_text(rc));
  }
  // A positive result counts certificates mbedTLS could not parse (unusual algorithms in a system
  // bundle); the others are trusted. Only a bundle with no usable certificate is an error.
  const int skipped = mbedtls_x509_crt_parse_file(&state->trusted, bundle->c_str());
  if (skipped < 0 || state->trusted.version == 0) {
    return tls_error(fmt::format("cannot read CA bundle {}: {}", *bundle,
                                 skipped < 0 ? tls_error_text(skipped) : "no certificate in it"));
  }
  if (int rc = mbedtls_ssl_config_defaults(&state->config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT);
      rc != 0) {
    return tls_error("cannot set up TLS: " + tls_error_text(rc));
  }
  mbedtls_ssl_conf_min_version(&state->config, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);  // TLS 1.2
  mbedtls_ssl_conf_authmode(&state->config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&state->config, &state->trusted, nullptr);
  mbedtls_ssl_conf_rng(&state->config, mbedtls_ctr_drbg_random, &state->random);
  ca_bundle_ = std::move(bundle).value();
  state_ = std::move(state);
  return {};
}

}  // namespace lambda_relay::net
