#include "support/gzip.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace lambda_relay::support {
namespace {

std::string sample_json(std::size_t records) {
  std::string text = "[";
  for (std::size_t i = 0; i < records; ++i) {
    if (i > 0) text += ',';
    text += R"({"time":"2024-01-01T00:00:00.000Z","type":"function","record":"line )" + std::to_string(i) + R"("})";
  }
  return text + "]";
}

TEST(Gzip, RoundTripGivesBackTheInputAndCompressesRepetitiveJson) {
  const auto input = sample_json(2000);
  const auto compressed = gzip(input);
  EXPECT_LT(compressed.size(), input.size() / 5);
  ASSERT_GE(compressed.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  auto restored = gunzip(compressed, input.size());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(*restored, input);
}

TEST(Gzip, RoundTripOfEmptyAndOfIncompressibleInput) {
  auto empty = gunzip(gzip(""), 0);
  ASSERT_TRUE(empty.ok()) << empty.error().describe();
  EXPECT_EQ(*empty, "");

  std::string noise(300'000, '\0');
  std::uint32_t state = 12345;
  for (auto& c : noise) {
    state = state * 1664525U + 1013904223U;
    c = static_cast<char>(state >> 24);
  }
  auto restored = gunzip(gzip(noise, 1), noise.size());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(*restored, noise);
}

TEST(Gzip, ConcatenatedMembersDecompressToTheConcatenation) {
  auto restored = gunzip(gzip("first,") + gzip("second"), 100);
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(*restored, "first,second");
}

TEST(Gzip, OutputBeyondTheBoundIsAnErrorNotAnAllocation) {
  // 64 MiB of zeros compress to ~64 KiB: a small body that would expand a thousandfold.
  const auto bomb = gzip(std::string(64 * 1024 * 1024, '\0'), 9);
  ASSERT_LT(bomb.size(), 100'000U);
  auto result = gunzip(bomb, 1024 * 1024);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "gzip");
  EXPECT_NE(result.error().message.find("more than 1048576 bytes"), std::string::npos) << result.error().message;
}

TEST(Gzip, OutputExactlyAtTheBoundIsAccepted) {
  const std::string input(1000, 'x');
  auto at_bound = gunzip(gzip(input), 1000);
  ASSERT_TRUE(at_bound.ok()) << at_bound.error().describe();
  EXPECT_EQ(at_bound->size(), 1000U);
  EXPECT_FALSE(gunzip(gzip(input), 999).ok());
}

TEST(Gzip, CorruptInputIsAnError) {
  auto compressed = gzip(sample_json(100));
  compressed[compressed.size() / 2] = static_cast<char>(compressed[compressed.size() / 2] ^ 0x55);
  auto result = gunzip(compressed, 1 << 20);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "gzip");
}

TEST(Gzip, CorruptChecksumIsAnError) {
  auto compressed = gzip("checked by CRC-32");
  compressed[compressed.size() - 8] = static_cast<char>(compressed[compressed.size() - 8] ^ 1);  // CRC-32 trailer
  auto result = gunzip(compressed, 1 << 20);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("corrupt"), std::string::npos) << result.error().message;
}

TEST(Gzip, TruncatedInputIsAnError) {
  const auto compressed = gzip(sample_json(100));
  auto result = gunzip(std::string_view(compressed).substr(0, compressed.size() - 10), 1 << 20);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("truncated"), std::string::npos) << result.error().message;
}

TEST(Gzip, InputThatIsNotGzipOrHasTrailingGarbageIsAnError) {
  auto plain = gunzip(R"({"not":"compressed"})", 1 << 20);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("not gzip"), std::string::npos) << plain.error().message;

  auto trailing = gunzip(gzip("data") + "garbage", 1 << 20);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.error().message.find("trailing garbage"), std::string::npos) << trailing.error().message;
}

TEST(Gzip, GunzippedSizeAcceptsWhatGunzipAcceptsWithoutKeepingTheOutput) {
  const std::string large(3 * 1024 * 1024 + 17, 'x');  // many times the checker's buffer
  EXPECT_EQ(gunzipped_size(gzip(large), large.size()).value(), large.size());
  EXPECT_EQ(gunzipped_size(gzip("first,") + gzip("second"), 100).value(), 12U);
  EXPECT_EQ(gunzipped_size(gzip(""), 0).value(), 0U);
}

TEST(Gzip, GunzippedSizeRefusesWhatGunzipRefuses) {
  auto corrupt = gzip(sample_json(100));
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
  const auto whole = gzip(sample_json(100));
  for (const auto& [input, bound, reason] : std::vector<std::tuple<std::string, std::size_t, std::string>>{
           {gzip(std::string(4 * 1024 * 1024, '\0'), 9), 1024 * 1024, "more than 1048576 bytes"},
           {corrupt, 1 << 20, "corrupt"},
           {whole.substr(0, whole.size() - 10), 1 << 20, "truncated"},
           {"plain text", 1 << 20, "not gzip"},
           {gzip("data") + "garbage", 1 << 20, "trailing garbage"}}) {
    auto result = gunzipped_size(input, bound);
    ASSERT_FALSE(result.ok()) << reason;
    EXPECT_EQ(result.error().code, "gzip");
    EXPECT_NE(result.error().message.find(reason), std::string::npos) << result.error().message;
    EXPECT_FALSE(gunzip(input, bound).ok()) << "gunzip agrees: " << reason;
  }
}

}  // namespace
}  // namespace lambda_relay::support
