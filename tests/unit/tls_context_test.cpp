#include "net/tls_context.hpp"
#include "tls_test_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lambda_relay::net {
namespace {

const std::string kAmazonLinux = "/etc/pki/tls/certs/ca-bundle.crt";
const std::string kDebian = "/etc/ssl/certs/ca-certificates.crt";

std::filesystem::path scratch(const std::string& name) {
  auto path = test::TestCertificates::get().dir / name;
  std::filesystem::remove_all(path);
  return path;
}

void write(const std::filesystem::path& path, const std::string& content) { std::ofstream(path) << content; }

TEST(CaBundleCandidates, AreSslCertFileThenAmazonLinuxThenDebian) {
  EXPECT_EQ(ca_bundle_candidates("/opt/my-cas.pem"), (std::vector<std::string>{"/opt/my-cas.pem", kAmazonLinux, kDebian}));
}

TEST(CaBundleCandidates, UnsetOrEmptySslCertFileIsLeftOut) {
  EXPECT_EQ(ca_bundle_candidates(nullptr), (std::vector<std::string>{kAmazonLinux, kDebian}));
  EXPECT_EQ(ca_bundle_candidates(""), (std::vector<std::string>{kAmazonLinux, kDebian}));
}

TEST(FindCaBundle, TakesTheFirstCandidateThatExists) {
  const auto missing = scratch("no-such-bundle.pem");
  const auto second = scratch("second.pem");
  const auto third = scratch("third.pem");
  write(second, "x");
  write(third, "x");
  auto found = find_ca_bundle({missing.string(), second.string(), third.string()});
  ASSERT_TRUE(found.ok()) << found.error().describe();
  EXPECT_EQ(*found, second.string());
}

TEST(FindCaBundle, SkipsADirectory) {
  const auto directory = scratch("a-directory.pem");
  std::filesystem::create_directory(directory);
  const auto file = scratch("a-file.pem");
  write(file, "x");
  auto found = find_ca_bundle({directory.string(), file.string()});
  ASSERT_TRUE(found.ok()) << found.error().describe();
  EXPECT_EQ(*found, file.string());
}

TEST(FindCaBundle, NoneExistingIsAnErrorNamingEveryPathAndSslCertFile) {
  const auto a = scratch("missing-a.pem").string();
  const auto b = scratch("missing-b.pem").string();
  auto found = find_ca_bundle({a, b});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, "tls");
  EXPECT_NE(found.error().message.find("tried " + a + ", " + b), std::string::npos) << found.error().message;
  EXPECT_NE(found.error().message.find("SSL_CERT_FILE"), std::string::npos) << found.error().message;
}

TEST(TlsContextLoad, BundleWithoutCertificatesIsAnErrorNamingTheFile) {
  const auto bundle = scratch("not-pem.pem");
  write(bundle, "this is not a certificate\n");
  TlsContext context([&] { return std::vector<std::string>{bundle.string()}; });
  auto loaded = context.load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, "tls");
  EXPECT_NE(loaded.error().message.find("cannot read CA bundle " + bundle.string()), std::string::npos)
      << loaded.error().message;
  EXPECT_FALSE(context.loaded());
}

TEST(TlsContextLoad, LoadsOnceAndRemembersTheBundle) {
  const auto& ca = test::TestCertificates::get().ca;
  int asked = 0;
  TlsContext context([&] {
    ++asked;
    return std::vector<std::string>{ca.string()};
  });
  EXPECT_EQ(asked, 0) << "constructing a context must not look for the bundle";
  ASSERT_TRUE(context.load().ok());
  ASSERT_TRUE(context.load().ok());
  EXPECT_EQ(asked, 1);
  EXPECT_TRUE(context.loaded());
  EXPECT_NE(context.config(), nullptr);
  EXPECT_EQ(context.ca_bundle(), ca.string());
}

}  // namespace
}  // namespace lambda_relay::net
