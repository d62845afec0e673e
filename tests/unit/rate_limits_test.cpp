// Rate limits learnt from upstream responses: Retry-After and Sentry's X-Sentry-Rate-Limits.
#include "delivery/rate_limits.hpp"
#include "delivery/retry_policy.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::delivery {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = RateLimits::Clock;

net::Response response(unsigned status, std::initializer_list<std::pair<std::string, std::string>> headers) {
  net::Response r{static_cast<net::http::status>(status), 11};
  for (const auto& [name, value] : headers) r.set(name, value);
  return r;
}

TEST(SentryRateLimits, ParsesCategoriesScopesAndTheAllBucket) {
  const auto limits = parse_sentry_rate_limits("60:transaction:key, 2700:default;error;security:organization");
  ASSERT_EQ(limits.size(), 2U);
  EXPECT_EQ(limits[0], (QuotaLimit{seconds(60), {"transaction"}}));
  EXPECT_EQ(limits[1], (QuotaLimit{seconds(2700), {"default", "error", "security"}}));
  EXPECT_EQ(parse_sentry_rate_limits("60::organization:quota_exceeded"), (std::vector<QuotaLimit>{{seconds(60), {}}}));
  EXPECT_EQ(parse_sentry_rate_limits("1.5:error"), (std::vector<QuotaLimit>{{milliseconds(1500), {"error"}}}));
}

TEST(SentryRateLimits, SkipsMalformedLimitsAndLimitsOfOnlyUnknownCategories) {
  EXPECT_TRUE(parse_sentry_rate_limits("soon:error").empty());
  EXPECT_TRUE(parse_sentry_rate_limits("-1:error").empty());
  EXPECT_TRUE(parse_sentry_rate_limits("60:made_up_category:key").empty());
  EXPECT_EQ(parse_sentry_rate_limits("60:made_up;error:key, junk"), (std::vector<QuotaLimit>{{seconds(60), {"error"}}}));
}

TEST(RateLimits, HoldsOnlyTheLimitedCategoriesAndKeepsTheLongerLimit) {
  RateLimits limits;
  const auto now = Clock::now();
  EXPECT_TRUE(limits.learn(response(200, {{"X-Sentry-Rate-Limits", "60:transaction:key, 10:error:key"}}), now));
  EXPECT_TRUE(limits.learn(response(429, {{"X-Sentry-Rate-Limits", "5:transaction:key"}}), now));
  EXPECT_EQ(limits.until("transaction"), now + seconds(60));
  EXPECT_EQ(limits.until("error"), now + seconds(10));
  EXPECT_FALSE(limits.limited("session", now));
  EXPECT_FALSE(limits.limited("", now));
}

TEST(RateLimits, AllBucketAppliesToEveryCategoryEvenInternal) {
  RateLimits limits;
  const auto now = Clock::now();
  limits.learn(response(429, {{"X-Sentry-Rate-Limits", "30::organization"}}), now);
  EXPECT_TRUE(limits.limited("error", now));
  EXPECT_TRUE(limits.limited("internal", now));
  EXPECT_TRUE(limits.limited("", now));
  EXPECT_FALSE(limits.limited("error", now + seconds(30)));
}

TEST(RateLimits, InternalIgnoresCategoryLimits) {
  RateLimits limits;
  const auto now = Clock::now();
  limits.learn(response(200, {{"X-Sentry-Rate-Limits", "30:internal:key"}}), now);
  EXPECT_FALSE(limits.limited("internal", now));
}

TEST(RateLimits, RetryAfterOn429And503LimitsEverything) {
  const auto now = Clock::now();
  RateLimits limits;
  EXPECT_TRUE(limits.learn(response(503, {{"Retry-After", "7"}}), now));
  EXPECT_EQ(limits.until("anything"), now + seconds(7));
  RateLimits ok;
  EXPECT_FALSE(ok.learn(response(200, {{"Retry-After", "7"}}), now)) << "only a refusal carries a pause";
}

TEST(RateLimits, A429WithoutHeadersUsesTheUpstreamsDefault) {
  const auto now = Clock::now();
  RateLimits sentry;
  EXPECT_TRUE(sentry.learn(response(429, {}), now, seconds(60)));
  EXPECT_EQ(sentry.until(""), now + seconds(60));
  RateLimits generic;
  EXPECT_FALSE(generic.learn(response(429, {}), now)) << "others back off instead";
}

TEST(RetryAfter, ReadsDeltaSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(retry_after(response(429, {{"Retry-After", "120"}}), now), milliseconds(120'000));
  EXPECT_EQ(retry_after(response(429, {{"Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"}}), now), milliseconds(30'000));
  EXPECT_EQ(retry_after(response(429, {{"Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT"}}), now), milliseconds(0))
      << "a date in the past: now";
  EXPECT_EQ(retry_after(response(429, {{"Retry-After", "999999"}}), now), milliseconds(3'600'000)) << "bounded";
  EXPECT_EQ(retry_after(response(429, {{"Retry-After", "whenever"}}), now), milliseconds(1000));
  EXPECT_EQ(retry_after(response(429, {}), now), std::nullopt);
}

}  // namespace
}  // namespace lambda_relay::delivery
