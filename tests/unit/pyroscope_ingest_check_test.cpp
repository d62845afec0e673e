// What /ingest refuses before queuing: the name grammar, multipart/form-data framing, and gzip that
// does not decode; and what it lets through unchanged (every other format).
#include "relay/pyroscope/ingest_check.hpp"
#include "relay/pyroscope/multipart_form.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::relay::pyroscope {
namespace {

constexpr std::size_t kBound = 1 << 20;
constexpr std::string_view kBoundary = "----formdata-undici-008496339267";

std::string form_type(std::string_view boundary = kBoundary) {
  return "multipart/form-data; boundary=" + std::string(boundary);
}

// A body as undici writes it: CRLF line breaks, a closing delimiter.
std::string form(const std::vector<std::pair<std::string, std::string>>& parts, std::string_view boundary = kBoundary) {
  std::string out;
  for (const auto& [name, content] : parts) {
    out += "--" + std::string(boundary) + "\r\n";
    out += "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + "\"\r\n";
    out += "Content-Type: application/octet-stream\r\n\r\n";
    out += content + "\r\n";
  }
  out += "--" + std::string(boundary) + "--\r\n";
  return out;
}

std::string message_of(const Result<void>& result) { return result ? "(accepted)" : result.error().message; }

TEST(PyroscopeForm, ReadsTheBoundaryQuotedOrNot) {
  EXPECT_EQ(form_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(form_boundary("Multipart/Form-Data;Boundary=\"a;b c\""), "a;b c");
  EXPECT_EQ(form_boundary("multipart/form-data; charset=utf-8; boundary=x-1"), "x-1");
  EXPECT_EQ(form_boundary("multipart/form-data"), "");
  EXPECT_EQ(form_boundary("multipart/form-data; boundary=" + std::string(71, 'b')), "") << "RFC 2046: at most 70";
}

TEST(PyroscopeForm, ListsThePartsWithTheirNamesAndExactBytes) {
  const std::string binary("\x1f\x8b\r\n--not-the-boundary\0end", 27);
  const auto body = "preamble\r\n" + form({{"profile", binary}, {"sample_type_config", "{\"cpu\":{}}"}});
  auto parts = parse_form(body, kBoundary);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2U);
  EXPECT_EQ((*parts)[0].name, "profile");
  EXPECT_EQ((*parts)[0].content, binary);
  EXPECT_EQ((*parts)[1].name, "sample_type_config");
  EXPECT_EQ((*parts)[1].content, "{\"cpu\":{}}");
}

TEST(PyroscopeForm, RefusesBodiesWithoutPartsOrTheirClosingDelimiter) {
  const auto whole = form({{"profile", "data"}});
  EXPECT_FALSE(parse_form("no boundary here", kBoundary));
  EXPECT_FALSE(parse_form("--" + std::string(kBoundary) + "--\r\n", kBoundary)) << "no parts";
  auto truncated = parse_form(whole.substr(0, whole.size() / 2), kBoundary);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("truncated"), std::string::npos) << truncated.error().message;
  const auto unnamed = "--" + std::string(kBoundary) + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" +
                       std::string(kBoundary) + "--";
  EXPECT_FALSE(parse_form(unnamed, kBoundary)) << "a form part needs its name";
}

TEST(PyroscopeForm, EveryTruncationBeforeTheClosingDelimiterIsRefused) {
  const auto body = form({{"profile", support::gzip("pprof")}, {"sample_type_config", "{}"}});
  const auto closed = body.rfind("--\r\n") + 2;  // the closing delimiter read whole
  for (std::size_t length = 0; length <= body.size(); ++length) {
    const std::string cut = body.substr(0, length);  // its own allocation: ASan sees any read past it
    EXPECT_EQ(parse_form(cut, kBoundary).ok(), length >= closed) << "cut at " << length;
  }
}

TEST(PyroscopeIngestCheck, AcceptsNamesWithAndWithoutLabels) {
  for (const auto* name : {"lambda.test", "my-app.cpu{}",
                           "lambda.test{otel.scope.name=com.grafana.pyroscope/nodejs,region=us-east-1,function=fixture-fn}",
                           "app{a=b,}", "app{env=staging, region=us-west-1}"}) {
    EXPECT_TRUE(check_app_name(name)) << name << ": " << message_of(check_app_name(name));
  }
  for (const auto* name : {"", "{a=b}", "app{a=b", "app}", "app{a}", "app{=b}", "app{a=b}{c=d}", "app{a b=c}"}) {
    EXPECT_FALSE(check_app_name(name)) << name;
  }
}

TEST(PyroscopeIngestCheck, AcceptsGzippedAndRawPprofAndTextFormatsAsTheyAre) {
  EXPECT_TRUE(check_ingest_body("pprof", "application/octet-stream", support::gzip("pprof bytes"), kBound));
  EXPECT_TRUE(check_ingest_body("pprof", "", "\x0a\x02raw protobuf", kBound));
  EXPECT_TRUE(check_ingest_body("", "text/plain", "main;work 10\nmain;idle 2\n", kBound));
  EXPECT_TRUE(check_ingest_body("lines", "", "main;work\n", kBound));
  EXPECT_TRUE(check_ingest_body("trie", "binary/octet-stream+trie", "\x01\x02\x03", kBound));
  EXPECT_TRUE(check_ingest_body("", "", "", kBound)) << "an empty text profile holds no samples; not an error";
  EXPECT_TRUE(check_ingest_body("", form_type(), form({{"profile", support::gzip("pprof")}, {"sample_type_config", "{}"}}),
                                kBound));
  EXPECT_TRUE(check_ingest_body("jfr", form_type(), form({{"jfr", "JFR..."}, {"labels", support::gzip("l")}}), kBound));
}

TEST(PyroscopeIngestCheck, RefusesWhatTheServerCouldNotReadWithTheReason) {
  auto corrupt = support::gzip("pprof bytes that will not survive");
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
  const auto truncated = support::gzip(std::string(1000, 'p')).substr(0, 12);
  EXPECT_NE(message_of(check_ingest_body("pprof", "application/octet-stream", corrupt, kBound)).find("the body is invalid gzip"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("pprof", "", truncated, kBound)).find("truncated"), std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("pprof", "", support::gzip(std::string(4096, 'z')), 1024)).find("more than 1024"),
            std::string::npos)
      << "a decompression bomb";
  EXPECT_NE(message_of(check_ingest_body("pprof", "application/octet-stream", "", kBound)).find("empty body"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("", "multipart/form-data", form({{"profile", "x"}}), kBound)).find("without a boundary"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("", form_type(), "", kBound)).find("no parts"), std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("", form_type(), form({{"sample_type_config", "{}"}}), kBound))
                .find("without a \"profile\" part"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("jfr", form_type(), form({{"profile", "x"}}), kBound)).find("\"jfr\" part"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("", form_type(), form({{"profile", corrupt}}), kBound))
                .find("the \"profile\" part is invalid gzip"),
            std::string::npos);
  EXPECT_NE(message_of(check_ingest_body("", form_type(), form({{"profile", ""}}), kBound)).find("is empty"),
            std::string::npos);
}

}  // namespace
}  // namespace lambda_relay::relay::pyroscope
