// Decoding request bodies: every coding SDKs use, bounded, and refusing what does not decode.
#include "relay/content_encoding.hpp"
#include "support/gzip.hpp"

#if LAMBDA_RELAY_BROTLI
#include <brotli/encode.h>
#endif
#include <zlib.h>

#include <gtest/gtest.h>

namespace lambda_relay::relay {
namespace {

std::string sample() {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"type\":\"event\",\"n\":" + std::to_string(i) + "}\n";
  return text;
}

std::string zlib_compress(std::string_view input, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(input.size())) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

#if LAMBDA_RELAY_BROTLI
std::string brotli_compress(std::string_view input) {
  std::string out(BrotliEncoderMaxCompressedSize(input.size()), '\0');
  std::size_t size = out.size();
  EXPECT_TRUE(BrotliEncoderCompress(4, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.size(),
                                    reinterpret_cast<const std::uint8_t*>(input.data()), &size,
                                    reinterpret_cast<std::uint8_t*>(out.data())));
  out.resize(size);
  return out;
}
#endif

TEST(ContentEncoding, DecodesGzipAndDeflate) {
  const auto text = sample();
  struct Case {
    std::string encoding;
    std::string body;
  };
  for (const auto& c : std::vector<Case>{{"gzip", support::gzip(text)},
                                         {"x-gzip", support::gzip(text)},
                                         {"deflate", zlib_compress(text, 15)},
                                         {"deflate", zlib_compress(text, -15)},  // raw, as some clients send it
                                         {" GZIP ", support::gzip(text)},
                                         {"identity", text}}) {
    auto decoded = decode_body(c.encoding, c.body, 1 << 20);
    ASSERT_TRUE(decoded) << c.encoding << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, text) << c.encoding;
  }
}

TEST(ContentEncoding, RefusesOutputBeyondTheBound) {
  const std::string zeros(1 << 20, '\0');
  for (const auto& [encoding, body] : std::vector<std::pair<std::string, std::string>>{
           {"gzip", support::gzip(zeros)}, {"deflate", zlib_compress(zeros, 15)}}) {
    auto decoded = decode_body(encoding, body, 64 * 1024);
    ASSERT_FALSE(decoded) << encoding;
    EXPECT_EQ(decoded.error().code, "CorruptBody");
    EXPECT_NE(decoded.error().message.find("more than 65536 bytes"), std::string::npos) << decoded.error().message;
    EXPECT_TRUE(decode_body(encoding, body, 1 << 20)) << encoding << ": exactly the bound is fine";
  }
}

TEST(ContentEncoding, RefusesCorruptTruncatedAndUnknownBodies) {
  const auto text = sample();
  for (const auto& [encoding, body] : std::vector<std::pair<std::string, std::string>>{
           {"gzip", "not gzip at all"},
           {"gzip", support::gzip(text).substr(0, 100)},
           {"deflate", zlib_compress(text, 15).substr(0, 100)}}) {
    auto decoded = decode_body(encoding, body, 1 << 20);
    ASSERT_FALSE(decoded) << encoding;
    EXPECT_EQ(decoded.error().code, "CorruptBody") << encoding;
  }
  auto zstd = decode_body("zstd", "x", 100);
  ASSERT_FALSE(zstd);
  EXPECT_EQ(zstd.error().code, "UnsupportedEncoding");
  EXPECT_NE(zstd.error().message.find("\"zstd\""), std::string::npos);
}

#if LAMBDA_RELAY_BROTLI
TEST(ContentEncoding, DecodesBrotliAloneAndAfterGzipBoundedAndRefusesCorruptBrotli) {
  const auto text = sample();
  for (const auto& [encoding, body] : std::vector<std::pair<std::string, std::string>>{
           {"br", brotli_compress(text)}, {" BR ", brotli_compress(text)}, {"gzip, br", brotli_compress(support::gzip(text))}}) {
    auto decoded = decode_body(encoding, body, 1 << 20);
    ASSERT_TRUE(decoded) << encoding << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, text) << encoding;
  }
  const auto zeros = brotli_compress(std::string(1 << 20, '\0'));
  auto bomb = decode_body("br", zeros, 64 * 1024);
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message.find("more than 65536 bytes"), std::string::npos) << bomb.error().message;
  EXPECT_TRUE(decode_body("br", zeros, 1 << 20)) << "exactly the bound is fine";
  for (const auto& body : {brotli_compress(text).substr(0, 50), std::string("\xff\xff\xff\xff")}) {
    auto decoded = decode_body("br", body, 1 << 20);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, "CorruptBody");
  }
}
#else
TEST(ContentEncoding, RefusesBrotliInABuildWithoutIt) {
  auto decoded = decode_body("br", "x", 100);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, "UnsupportedEncoding");
}
#endif

TEST(ContentEncoding, TellsIdentityAndZlibApart) {
  EXPECT_TRUE(is_identity(""));
  EXPECT_TRUE(is_identity("Identity"));
  EXPECT_FALSE(is_identity("gzip"));
  EXPECT_TRUE(is_zlib_stream(zlib_compress("abc", 15)));
  EXPECT_FALSE(is_zlib_stream(zlib_compress("abc", -15)));
}

}  // namespace
}  // namespace lambda_relay::relay
