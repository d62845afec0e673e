// Redaction: every built-in secret kind, the false positives it must not touch, the user's patterns,
// and Sentry envelopes scrubbed as send_default_pii=False would have them.
#include "insight/redact.hpp"
#include "insight/secret_scanner.hpp"
#include "test_support.hpp"

#include <simdjson.h>

#include <gtest/gtest.h>

#include <filesystem>

namespace lambda_relay::insight {
namespace {

std::string redacted(std::string text, const Redactor& redactor = Redactor()) {
  redactor.redact_text(text);
  return text;
}

Redactor with(RedactOptions options) {
  auto r = Redactor::create(options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return std::move(r).value();
}

RedactOptions pii_allowed() {
  RedactOptions options;
  options.send_default_pii = true;
  return options;
}

TEST(RedactText, LeavesAnOrdinaryLineAloneAndSaysSo) {
  const Redactor redactor;
  std::string line = "[INFO]\t2025-06-10T14:03:11.741Z\t8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c\tGET /orders/1234 200 in 12 ms";
  const std::string before = line;
  EXPECT_FALSE(redactor.redact_text(line));
  EXPECT_EQ(line, before);
}

TEST(RedactText, MasksAwsAccessKeyIds) {
  EXPECT_EQ(redacted("using key AKIAIOSFODNN7EXAMPLE for s3"), "using key [Filtered] for s3");
  EXPECT_EQ(redacted("session ASIAY34FZKBOKMUTVV7A expires"), "session [Filtered] expires");
  EXPECT_EQ(redacted("AKIAIOSFODNN7EXAMPLEX is 21 characters"), "AKIAIOSFODNN7EXAMPLEX is 21 characters");
  EXPECT_EQ(redacted("AKIAiosfodnn7example is not upper case"), "AKIAiosfodnn7example is not upper case");
}

TEST(RedactText, MasksValuesOfSecretKeysInEveryCommonForm) {
  EXPECT_EQ(redacted("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=us-east-1"),
            "aws_secret_access_key=[Filtered] region=us-east-1");
  EXPECT_EQ(redacted("AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "AWS_SECRET_ACCESS_KEY: [Filtered]");
  EXPECT_EQ(redacted(R"({"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","SessionToken":"IQoJb3JpZ2luX2Vj","Expiration":1})"),
            R"({"SecretAccessKey":"[Filtered]","SessionToken":"[Filtered]","Expiration":1})");
  EXPECT_EQ(redacted("login user=bob&password=hunter2&next=/home"), "login user=bob&password=[Filtered]&next=/home");
  EXPECT_EQ(redacted("{'api_key': 'sk_live_51H8xYz', 'retries': 3}"), "{'api_key': '[Filtered]', 'retries': 3}");
  EXPECT_EQ(redacted(R"(payload "{\"client_secret\":\"abc123\"}")"), R"(payload "{\"client_secret\":\"[Filtered]\"}")");
  EXPECT_EQ(redacted("db_password => s3cr3t"), "db_password => [Filtered]");
}

TEST(RedactText, KeepsJsonValidWhenASecretKeyHoldsALiteral) {
  EXPECT_EQ(redacted(R"({"password":null,"token_count":5,"has_token":true})"),
            R"({"password":null,"token_count":5,"has_token":true})");
}

TEST(RedactText, MasksBearerTokensAndJwtsButNotTheWordBearer) {
  EXPECT_EQ(redacted("Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA"), "Authorization: Bearer [Filtered]");
  EXPECT_EQ(redacted(R"("authorization":"Basic dXNlcjpwYXNzd29yZA==")"), R"("authorization":"Basic [Filtered]")");
  EXPECT_EQ(redacted("calling upstream with bearer 9f8e7d6c5b4a3f2e1d0c"), "calling upstream with bearer [Filtered]");
  EXPECT_EQ(redacted("the API uses bearer authentication"), "the API uses bearer authentication");
  EXPECT_EQ(redacted("id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok"),
            "id_token [Filtered] ok");
}

// Lines are masked before any exporter sees them, and the Sentry event builder masks its log tail
// again: masking what is already masked must change nothing ("Bearer [Filtered]]" did).
TEST(RedactText, MaskingAMaskedLineAgainChangesNothing) {
  const Redactor redactor;
  for (const std::string line : {
           "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and Authorization: Bearer tok_live_4f1c2d3e4f5a",
           "login user=bob&password=hunter2&next=/home",
           "token: abcdef123456 done",
           R"({"authorization":"Basic dXNlcjpwYXNzd29yZA==","password":"x"})",
           "{'api_key': 'sk_live_51H8xYz', 'retries': 3}",
           "calling upstream with bearer 9f8e7d6c5b4a3f2e1d0c",
           "connecting to postgres://admin:s3cr3t@db.internal:5432/orders",
           "key AKIAIOSFODNN7EXAMPLE card 4111 1111 1111 1111 mail a.b@example.com",
       }) {
    const auto once = redacted(line, redactor);
    ASSERT_NE(once, line);
    std::string twice = once;
    EXPECT_FALSE(redactor.redact_text(twice)) << once;
    EXPECT_EQ(twice, once);
  }
}

TEST(RedactText, MasksPasswordsInUrlsAndKeepsTheRest) {
  EXPECT_EQ(redacted("connecting to postgres://admin:s3cr3t@db.internal:5432/orders"),
            "connecting to postgres://admin:[Filtered]@db.internal:5432/orders");
  EXPECT_EQ(redacted("redis://:hunter2@cache:6379"), "redis://:[Filtered]@cache:6379");
  EXPECT_EQ(redacted("GET https://api.example.com/v1/orders?page=2"), "GET https://api.example.com/v1/orders?page=2");
}

TEST(RedactText, MasksCardNumbersThatPassLuhnAndKeepsLookalikes) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_EQ(redacted("charging 4111111111111111 now"), "charging [Filtered] now");
  EXPECT_EQ(redacted("card 4111 1111 1111 1111 ok"), "card [Filtered] ok");
  EXPECT_EQ(redacted("amex 3782-822463-10005."), "amex [Filtered].");
  EXPECT_EQ(redacted("mc 5555555555554444"), "mc [Filtered]");
  // A 16-digit order id that fails Luhn, one that passes but has no card network's prefix, epoch
  // milliseconds, a decimal and a version number stay.
  EXPECT_EQ(redacted("order 4111111111111112 shipped"), "order 4111111111111112 shipped");
  EXPECT_TRUE(luhn_valid("1234567812345670"));
  EXPECT_EQ(redacted("order 1234567812345670 shipped"), "order 1234567812345670 shipped");
  EXPECT_EQ(redacted("at 1749896449512 ms"), "at 1749896449512 ms");
  EXPECT_EQ(redacted("pi 3.4111111111111111"), "pi 3.4111111111111111");
  EXPECT_EQ(redacted("trace 684d4bc22f8e6a1b3c5d7e9f0a1b2c3d"), "trace 684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
}

TEST(RedactText, MasksEmailsUnlessPersonalDataIsAllowed) {
  EXPECT_EQ(redacted("signed in jane.doe+orders@example.co.uk."), "signed in [Filtered].");
  EXPECT_EQ(redacted(R"({"email":"jane@example.com","id":7})"), R"({"email":"[Filtered]","id":7})");
  EXPECT_EQ(redacted("signed in jane@example.com", with(pii_allowed())), "signed in jane@example.com");
  EXPECT_EQ(redacted("password=x jane@example.com", with(pii_allowed())),
            "password=[Filtered] jane@example.com")
      << "secrets are masked whatever send_default_pii says";
  // Not addresses: a release, an npm scope, a decorator.
  EXPECT_EQ(redacted("release orders-api@1.8.2 from npm:@sentry/node"), "release orders-api@1.8.2 from npm:@sentry/node");
}

// The scanner looks at 16 bytes at a time: every secret must be found wherever it falls in a block,
// and in the bytes after the last whole block.
TEST(RedactText, FindsEachSecretAtEveryOffset) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"AKIAIOSFODNN7EXAMPLE", "[Filtered]"},
      {"password=hunter2", "password=[Filtered]"},
      {"\"token\": \"abc\"", "\"token\": \"[Filtered]\""},
      {"Bearer 2YotnFZFEjr1zCsicMWpAA", "Bearer [Filtered]"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "[Filtered]"},
      {"https://u:pw@h", "https://u:[Filtered]@h"},
      {"4111111111111111", "[Filtered]"},
      {"4111 1111 1111 1111", "[Filtered]"},
      {"jane@example.com", "[Filtered]"},
  };
  for (const auto& [secret, masked] : cases) {
    for (std::size_t offset = 0; offset < 40; ++offset) {
      const std::string prefix = std::string(offset, '.') + " ";
      for (const std::string& suffix : {std::string(), std::string(" and then some more text after it")}) {
        EXPECT_EQ(redacted(prefix + secret + suffix), prefix + masked + suffix) << "offset " << offset;
      }
    }
  }
}

TEST(RedactText, AppliesTheUsersPatternsMaskingGroupOneWhenThereIsOne) {
  const auto redactor = with(RedactOptions{false, {"ord_[0-9]{4,}", R"(customer=(\w+))"}});
  EXPECT_EQ(redacted("shipped ord_123456 and ord_98 for customer=acme today", redactor),
            "shipped [Filtered] and ord_98 for customer=[Filtered] today");
  EXPECT_EQ(redacted("nothing to see", redactor), "nothing to see");
}

TEST(RedactText, RejectsPatternsThatDoNotCompileAndBackReferences) {
  auto r = Redactor::create(RedactOptions{false, {"(unclosed"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("(unclosed"), std::string::npos);
  EXPECT_TRUE(check_redact_pattern("a+b").ok());
  EXPECT_FALSE(check_redact_pattern("[").ok());
  EXPECT_FALSE(check_redact_pattern(R"((a)\1)").ok()) << "back-references can take exponential time";
}

TEST(RedactText, PatternsUnderstandDigitShorthandOutsideBrackets) {
  const auto redactor = with(RedactOptions{false, {R"(pin \d{4})", R"(code [\d]x)"}});
  EXPECT_EQ(redacted("pin 1234 ok", redactor), "[Filtered] ok");
  EXPECT_EQ(redacted("code \\x and code dx", redactor), "[Filtered] and [Filtered]") << "[\\d] is backslash or d";
  EXPECT_EQ(redacted("^anchored", with(RedactOptions{false, {"^anch"}})), "^anchored");
  EXPECT_EQ(redacted("anch anch", with(RedactOptions{false, {"^anch"}})), "[Filtered] anch")
      << "^ matches at the start of the line only";
}

// --- Sentry JSON and envelopes ---------------------------------------------------------------------

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  return doc;
}

std::string at(simdjson::dom::element doc, const char* pointer) {
  std::string_view value;
  if (doc.at_pointer(pointer).get_string().get(value) != simdjson::SUCCESS) return "<absent>";
  return std::string(value);
}

bool has(simdjson::dom::element doc, const char* pointer) {
  simdjson::dom::element e;
  return doc.at_pointer(pointer).get(e) == simdjson::SUCCESS;
}

constexpr const char* kEvent = R"({"event_id":"1c0f6a9e7b2d4f3a8e5c9b0d2a4f6e81","level":"error",)"
    R"("user":{"id":"42","email":"jane@example.com","ip_address":"203.0.113.9"},)"
    R"("request":{"url":"https://api.example.com/orders?token=abc123","headers":{"Authorization":"Bearer xyz",)"
    R"("Cookie":"sid=1","X-Forwarded-For":"203.0.113.9","Accept":"application/json"},"cookies":{"sid":"1"},)"
    R"("data":{"password":"hunter2","sku":"A-1"}},)"
    R"("extra":{"api_key":"k","nested":{"session":{"a":1}},"count":3,"ratio":0.25},)"
    R"("breadcrumbs":{"values":[{"message":"using AKIAIOSFODNN7EXAMPLE","data":{"token":"t"}}]},)"
    R"("exception":{"values":[{"type":"ValueError","value":"bad card 4111111111111111",)"
    R"("stacktrace":{"frames":[{"function":"f","vars":{"secret":"'x'","n":"1"}}]}}]}})";

TEST(ScrubJson, FiltersWhatSendDefaultPiiFalseLeavesOut) {
  const Redactor redactor;
  std::string json = kEvent;
  auto changed = redactor.scrub_json(json);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_TRUE(*changed);
  simdjson::dom::parser parser;
  auto doc = parse(parser, json);
  EXPECT_FALSE(has(doc, "/user/ip_address"));
  EXPECT_EQ(at(doc, "/user/id"), "42");
  EXPECT_EQ(at(doc, "/user/email"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/headers/Authorization"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/headers/Cookie"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/headers/X-Forwarded-For"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/headers/Accept"), "application/json");
  EXPECT_FALSE(has(doc, "/request/cookies"));
  EXPECT_EQ(at(doc, "/request/url"), "https://api.example.com/orders?token=[Filtered]");
  EXPECT_EQ(at(doc, "/request/data/password"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/data/sku"), "A-1");
  EXPECT_EQ(at(doc, "/extra/api_key"), "[Filtered]");
  EXPECT_EQ(at(doc, "/extra/nested/session"), "[Filtered]");
  std::int64_t count = 0;
  EXPECT_EQ(doc.at_pointer("/extra/count").get_int64().get(count), simdjson::SUCCESS);
  EXPECT_EQ(count, 3);
  double ratio = 0;
  EXPECT_EQ(doc.at_pointer("/extra/ratio").get_double().get(ratio), simdjson::SUCCESS);
  EXPECT_DOUBLE_EQ(ratio, 0.25);
  EXPECT_EQ(at(doc, "/breadcrumbs/values/0/message"), "using [Filtered]");
  EXPECT_EQ(at(doc, "/breadcrumbs/values/0/data/token"), "[Filtered]");
  EXPECT_EQ(at(doc, "/exception/values/0/value"), "bad card [Filtered]");
  EXPECT_EQ(at(doc, "/exception/values/0/stacktrace/frames/0/vars/secret"), "[Filtered]");
  EXPECT_EQ(at(doc, "/exception/values/0/stacktrace/frames/0/vars/n"), "1");
  EXPECT_EQ(at(doc, "/event_id"), "1c0f6a9e7b2d4f3a8e5c9b0d2a4f6e81");
}

TEST(ScrubJson, WithPersonalDataAllowedKeepsIpAndCookiesButNotSecrets) {
  const auto redactor = with(pii_allowed());
  std::string json = kEvent;
  ASSERT_TRUE(redactor.scrub_json(json).ok());
  simdjson::dom::parser parser;
  auto doc = parse(parser, json);
  EXPECT_EQ(at(doc, "/user/ip_address"), "203.0.113.9");
  EXPECT_EQ(at(doc, "/user/email"), "jane@example.com");
  EXPECT_EQ(at(doc, "/request/headers/X-Forwarded-For"), "[Filtered]") << "x_forwarded_for is on the denylist too";
  EXPECT_TRUE(has(doc, "/request/cookies"));
  EXPECT_EQ(at(doc, "/request/headers/Authorization"), "[Filtered]");
  EXPECT_EQ(at(doc, "/request/data/password"), "[Filtered]");
}

TEST(ScrubJson, LeavesACleanDocumentByteForByte) {
  const Redactor redactor;
  std::string json = R"({"event_id":"ab","level":"info",  "message":"fine","n":1.50})";
  const std::string before = json;
  auto changed = redactor.scrub_json(json);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);
  EXPECT_EQ(json, before);
}

TEST(ScrubJson, KeepsTypedLogAttributesInShapeAndHeaderPairs) {
  const Redactor redactor;
  std::string json = R"({"items":[{"body":"login by jane@example.com","attributes":{"token":{"value":"t1","type":"string"},)"
                     R"("http.status":{"value":200,"type":"integer"}}}],"request":{"headers":[["Authorization","Basic x"],["Accept","*/*"]]}})";
  ASSERT_TRUE(redactor.scrub_json(json).ok());
  EXPECT_EQ(json, R"({"items":[{"body":"login by [Filtered]","attributes":{"token":{"value":"[Filtered]","type":"string"},)"
                  R"("http.status":{"value":200,"type":"integer"}}}],"request":{"headers":[["Authorization","[Filtered]"],["Accept","*/*"]]}})");
}

TEST(ScrubJson, RefusesMalformedJson) {
  const Redactor redactor;
  std::string json = R"({"a":"b",)";
  EXPECT_FALSE(redactor.scrub_json(json).ok());
}

std::string upstream_sample(const char* name) {
  const auto dir = test::samples_dir();
  if (!dir) return {};
  return test::read_file(dir->parent_path() / "samples-upstream" / name);
}

// Splits an envelope into lines of header/payload, honouring length.
struct Item {
  std::string header;
  std::string payload;
};
std::vector<Item> items_of(const std::string& envelope, std::string* header) {
  std::vector<Item> items;
  std::size_t pos = envelope.find('\n');
  *header = envelope.substr(0, pos);
  ++pos;
  simdjson::dom::parser parser;
  while (pos < envelope.size()) {
    const auto end = std::min(envelope.find('\n', pos), envelope.size());
    Item item{envelope.substr(pos, end - pos), {}};
    auto h = parse(parser, item.header);
    std::uint64_t length = 0;
    const std::size_t begin = end + 1;
    if (h["length"].get_uint64().get(length) == simdjson::SUCCESS) {
      item.payload = envelope.substr(begin, length);
      pos = begin + length + 1;
    } else {
      const auto payload_end = std::min(envelope.find('\n', begin), envelope.size());
      item.payload = envelope.substr(begin, payload_end - begin);
      pos = payload_end + 1;
    }
    items.push_back(std::move(item));
  }
  return items;
}

TEST(ScrubEnvelope, ScrubsThePythonSdksEnvelopeAndUpdatesLengths) {
  std::string envelope = upstream_sample("sentry-python-lambda-error.envelope");
  if (envelope.empty()) GTEST_SKIP() << "shared samples not found";
  const std::string original = envelope;
  const Redactor redactor;
  auto changed = redactor.scrub_envelope(envelope);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, 1U) << "the event changes (X-Forwarded-For), the client report does not";
  std::string header;
  std::string original_header;
  const auto items = items_of(envelope, &header);
  const auto original_items = items_of(original, &original_header);
  EXPECT_EQ(header, original_header);
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[1].payload, original_items[1].payload);
  EXPECT_EQ(items[1].header, original_items[1].header);
  simdjson::dom::parser parser;
  auto item_header = parse(parser, items[0].header);
  std::uint64_t length = 0;
  ASSERT_EQ(item_header["length"].get_uint64().get(length), simdjson::SUCCESS);
  EXPECT_EQ(length, items[0].payload.size());
  EXPECT_EQ(at(item_header, "/content_type"), "application/json");
  simdjson::dom::parser event_parser;
  auto event = parse(event_parser, items[0].payload);
  EXPECT_EQ(at(event, "/request/headers/X-Forwarded-For"), "[Filtered]");
  EXPECT_EQ(at(event, "/request/headers/Authorization"), "[Filtered]");
  EXPECT_EQ(at(event, "/exception/values/0/type"), "ZeroDivisionError");
  EXPECT_EQ(envelope.back(), '\n');
}

TEST(ScrubEnvelope, KeepsTheJsSdksImplicitLengthsAndMissingTrailingNewline) {
  std::string envelope = upstream_sample("sentry-js-tunnel-error.envelope");
  if (envelope.empty()) GTEST_SKIP() << "shared samples not found";
  envelope.insert(envelope.rfind('}'), R"(,"user":{"ip_address":"198.51.100.7"})");
  const Redactor redactor;
  auto changed = redactor.scrub_envelope(envelope);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, 1U);
  EXPECT_NE(envelope.back(), '\n');
  std::string header;
  const auto items = items_of(envelope, &header);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].header, R"({"type":"event"})");
  EXPECT_EQ(items[0].payload.find("198.51.100.7"), std::string::npos);
  EXPECT_NE(header.find(R"("dsn":"https://5f0d2c4b8a7e4913b6d1e0c9f8a7b6c5@o4507123456789.ingest.us.sentry.io)"),
            std::string::npos)
      << "the envelope header (dsn) is never touched";
}

TEST(ScrubEnvelope, PassesAttachmentsThroughAndMasksLogLinesInLogItems) {
  const std::string attachment = "password=hunter2\nsecond line";
  std::string envelope = std::string(R"({"event_id":"ab"})") + "\n" +
                         R"({"type":"attachment","length":)" + std::to_string(attachment.size()) +
                         R"(,"filename":"a.txt"})" + "\n" + attachment + "\n" +
                         R"({"type":"log","item_count":1,"content_type":"application/vnd.sentry.items.log+json"})" +
                         "\n" + R"({"items":[{"body":"token=abc123 issued","level":"info"}]})" + "\n";
  const Redactor redactor;
  auto changed = redactor.scrub_envelope(envelope);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, 1U);
  EXPECT_NE(envelope.find("password=hunter2\nsecond line"), std::string::npos);
  EXPECT_NE(envelope.find(R"("body":"token=[Filtered] issued")"), std::string::npos);
}

TEST(ScrubEnvelope, RefusesAnEnvelopeItCannotRead) {
  const Redactor redactor;
  std::string cut = "{}\n{\"type\":\"event\",\"length\":500}\n{\"a\":1}\n";
  EXPECT_FALSE(redactor.scrub_envelope(cut).ok());
  std::string bad_json = "{}\n{\"type\":\"event\"}\n{\"a\":\n";
  EXPECT_FALSE(redactor.scrub_envelope(bad_json).ok());
  std::string bad_header = "{}\nnot json\n{}\n";
  EXPECT_FALSE(redactor.scrub_envelope(bad_header).ok());
}

}  // namespace
}  // namespace lambda_relay::insight
