// The flush policy's decisions, on a synthetic clock.
#include "delivery/flush_policy.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::delivery {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = FlushPolicy::Clock;

FlushSetting parsed(std::string_view text) {
  auto setting = parse_flush_setting(text);
  EXPECT_TRUE(setting) << text << ": " << (setting ? "" : setting.error().message);
  return setting ? *setting : FlushSetting{};
}

TEST(FlushSetting, ParsesEveryMode) {
  EXPECT_EQ(parsed("end"), (FlushSetting{FlushMode::end, milliseconds(0)}));
  EXPECT_EQ(parsed("end,250"), (FlushSetting{FlushMode::end, milliseconds(250)}));
  EXPECT_EQ(parsed("periodic,60000"), (FlushSetting{FlushMode::periodic, milliseconds(60'000)}));
  EXPECT_EQ(parsed("continuous"), (FlushSetting{FlushMode::continuous, milliseconds(0)}));
  EXPECT_EQ(parsed("continuous,100"), (FlushSetting{FlushMode::continuous, milliseconds(100)}));
  EXPECT_EQ(parsed("adaptive"), (FlushSetting{FlushMode::adaptive, milliseconds(0)}));
}

TEST(FlushSetting, RejectsWhatItCannotMeanWithTheReason) {
  for (const auto* text : {"", "sometimes", "end,", "end,abc", "end,0", "end,-5", "periodic", "adaptive,10",
                           "continuous,100000000"}) {
    const auto setting = parse_flush_setting(text);
    ASSERT_FALSE(setting) << text;
    EXPECT_NE(setting.error().message.find(std::string("\"") + text + "\""), std::string::npos)
        << setting.error().message;
  }
}

TEST(FlushSetting, PrintsWhatItParsed) {
  for (const auto* text : {"end", "end,250", "periodic,1000", "continuous", "continuous,5", "adaptive"}) {
    EXPECT_EQ(to_string(parsed(text)), text);
  }
}

TEST(FlushPolicy, EndFlushesAtTheEndOfEveryInvocationAndAlsoAtItsStart) {
  FlushPolicy policy(parsed("end"));
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(policy.on_invoke(t0 + seconds(i * 100)), (FlushPlan{true, true, std::nullopt}));
    policy.on_flush(t0 + seconds(i * 100), true);
  }
}

TEST(FlushPolicy, EndWithAnIntervalTicksWhileTheInvocationRuns) {
  FlushPolicy policy(parsed("end,250"));
  EXPECT_EQ(policy.on_invoke(Clock::now()), (FlushPlan{true, true, milliseconds(250)}));
}

TEST(FlushPolicy, PeriodicFlushesAtTheEndOnlyWhenTheIntervalPassed) {
  FlushPolicy policy(parsed("periodic,1000"));
  const auto t0 = Clock::now();
  EXPECT_EQ(policy.on_invoke(t0), FlushPlan{}) << "the interval runs from the first invocation";
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(999)), FlushPlan{});
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(1000)), (FlushPlan{false, true, std::nullopt}));
  policy.on_flush(t0 + milliseconds(1000), true);
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(1400)), FlushPlan{});
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(2000)), (FlushPlan{false, true, std::nullopt}));
}

TEST(FlushPolicy, ContinuousFlushesAtTheStartWhenTheIntervalPassed) {
  FlushPolicy policy(parsed("continuous,100"));
  const auto t0 = Clock::now();
  EXPECT_EQ(policy.on_invoke(t0), FlushPlan{});
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(100)), (FlushPlan{true, false, std::nullopt}));
  policy.on_flush(t0 + milliseconds(100), true);
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(150)), FlushPlan{});
  EXPECT_EQ(policy.on_invoke(t0 + milliseconds(200)), (FlushPlan{true, false, std::nullopt}));
  FlushPolicy every(parsed("continuous"));
  EXPECT_EQ(every.on_invoke(t0), (FlushPlan{true, false, std::nullopt})) << "no interval: every invocation";
}

TEST(FlushPolicy, AdaptiveTurnsContinuousAfterARunOfFrequentInvocationsAndBackOnASparseOne) {
  FlushPolicy policy(parsed("adaptive"));
  auto t = Clock::now();
  const auto invoke = [&](Clock::duration gap) {
    t += gap;
    const auto plan = policy.on_invoke(t);
    policy.on_flush(t, true);
    return plan;
  };
  const FlushPlan end{true, true, std::nullopt};
  const FlushPlan continuous{true, false, std::nullopt};
  EXPECT_EQ(invoke(seconds(0)), end) << "cold start";
  for (std::size_t i = 1; i < FlushPolicy::kFrequentRun; ++i) EXPECT_EQ(invoke(seconds(1)), end) << i;
  EXPECT_EQ(invoke(seconds(1)), continuous);
  EXPECT_EQ(invoke(FlushPolicy::kFrequentGap), continuous) << "a gap of exactly the threshold is frequent";
  EXPECT_EQ(invoke(FlushPolicy::kFrequentGap + milliseconds(1)), end) << "one sparse gap switches back";
  EXPECT_EQ(invoke(seconds(1)), end);
}

TEST(FlushPolicy, AdaptiveStopsHoldingInvocationsWhenAnEndFlushTimesOut) {
  FlushPolicy policy(parsed("adaptive"));
  const auto t0 = Clock::now();
  EXPECT_TRUE(policy.on_invoke(t0).flush_at_end);
  policy.on_flush(t0, false);  // cut by LAMBDA_RELAY_FLUSH_TIMEOUT_MS
  EXPECT_EQ(policy.on_invoke(t0 + seconds(60)), (FlushPlan{true, false, std::nullopt})) << "sparse, yet continuous";
  EXPECT_TRUE(policy.continuous_now());
  policy.on_flush(t0 + seconds(60), true);
  EXPECT_TRUE(policy.on_invoke(t0 + seconds(120)).flush_at_end) << "a flush completed again";
}

}  // namespace
}  // namespace lambda_relay::delivery
