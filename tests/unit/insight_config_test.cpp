// Configuration of failure events and redaction: defaults, each variable, errors that name it.
#include "config/insight_config.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::config {
namespace {

TEST(InsightConfig, DefaultsFollowSentrysSdks) {
  auto config = load_insight_config(environment_from({}));
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->send_default_pii);
  EXPECT_TRUE(config->redact_patterns.empty());
  EXPECT_EQ(config->failure_log_lines, 20U);
  EXPECT_EQ(config->sentry_environment, "production");
  EXPECT_FALSE(config->sentry_release);
}

TEST(InsightConfig, ReadsEveryVariable) {
  auto config = load_insight_config(environment_from({{"LAMBDA_RELAY_SEND_DEFAULT_PII", "true"},
                                                      {"LAMBDA_RELAY_REDACT", R"(ord_\d{4,8}, cust-[a-z]+)"},
                                                      {"LAMBDA_RELAY_FAILURE_LOG_LINES", "50"},
                                                      {"SENTRY_ENVIRONMENT", "staging"},
                                                      {"SENTRY_RELEASE", "orders-api@1.8.2"}}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->send_default_pii);
  EXPECT_EQ(config->redact_patterns, (std::vector<std::string>{R"(ord_\d{4,8})", "cust-[a-z]+"}));
  EXPECT_EQ(config->failure_log_lines, 50U);
  EXPECT_EQ(config->sentry_environment, "staging");
  EXPECT_EQ(config->sentry_release, "orders-api@1.8.2");
}

TEST(InsightConfig, RedactPatternsSplitOnCommasOutsideBracketsAndEscapes) {
  auto split = split_redact_patterns(R"([,;]x, a\,b ,(p,q)r,, last)");
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(*split, (std::vector<std::string>{"[,;]x", R"(a\,b)", "(p,q)r", "last"}));
  EXPECT_EQ(*split_redact_patterns("one\ntwo"), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(split_redact_patterns("").value().empty());
}

TEST(InsightConfig, ErrorsNameTheVariable) {
  auto bad_pattern = load_insight_config(environment_from({{"LAMBDA_RELAY_REDACT", "ok,(unclosed"}}));
  ASSERT_FALSE(bad_pattern.ok());
  EXPECT_EQ(bad_pattern.error().code, "LAMBDA_RELAY_REDACT");
  EXPECT_NE(bad_pattern.error().message.find("(unclosed"), std::string::npos);

  auto bad_bool = load_insight_config(environment_from({{"LAMBDA_RELAY_SEND_DEFAULT_PII", "maybe"}}));
  ASSERT_FALSE(bad_bool.ok());
  EXPECT_EQ(bad_bool.error().code, "LAMBDA_RELAY_SEND_DEFAULT_PII");

  auto too_many = load_insight_config(environment_from({{"LAMBDA_RELAY_FAILURE_LOG_LINES", "201"}}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, "LAMBDA_RELAY_FAILURE_LOG_LINES");
  auto not_a_number = load_insight_config(environment_from({{"LAMBDA_RELAY_FAILURE_LOG_LINES", "ten"}}));
  ASSERT_FALSE(not_a_number.ok());
}

}  // namespace
}  // namespace lambda_relay::config
