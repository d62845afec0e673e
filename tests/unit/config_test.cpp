#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace lambda_relay::config {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

Result<Config> load_from(Vars vars) { return load(environment_from(std::move(vars))); }

Vars platform_vars() { return Vars{{"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"}}; }

TEST(ConfigLoad, UsesDefaultsWhenOnlyTheRuntimeApiIsSet) {
  auto config = load_from(platform_vars());
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->log_level, log::Level::info);
  EXPECT_EQ(config->log_format, log::Format::text);
  EXPECT_FALSE(config->dev_mode);
  EXPECT_EQ(config->runtime_api, "127.0.0.1:9001");
  EXPECT_EQ(config->shutdown_margin, std::chrono::milliseconds(100));
}

TEST(ConfigLoad, ReadsEveryVariable) {
  auto vars = platform_vars();
  vars["LAMBDA_RELAY_LOG_LEVEL"] = "DEBUG";
  vars["LAMBDA_RELAY_LOG_FORMAT"] = "json";
  vars["LAMBDA_RELAY_SHUTDOWN_MARGIN_MS"] = "250";
  vars["AWS_LAMBDA_RUNTIME_API"] = "[::1]:9001";
  auto config = load_from(vars);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->log_level, log::Level::debug);
  EXPECT_EQ(config->log_format, log::Format::json);
  EXPECT_EQ(config->shutdown_margin, std::chrono::milliseconds(250));
  EXPECT_EQ(config->runtime_api, "[::1]:9001");
}

TEST(ConfigLoad, AcceptsShutdownMarginBounds) {
  for (const std::string value : {"0", "1000"}) {
    auto vars = platform_vars();
    vars["LAMBDA_RELAY_SHUTDOWN_MARGIN_MS"] = value;
    auto config = load_from(vars);
    ASSERT_TRUE(config.ok()) << value << ": " << config.error().describe();
    EXPECT_EQ(config->shutdown_margin.count(), std::stoi(value));
  }
}

TEST(ConfigLoad, DevModeNeedsNoRuntimeApi) {
  for (const std::string value : {"true", "1", "YES", "on"}) {
    auto config = load_from(Vars{{"LAMBDA_RELAY_DEV_MODE", value}});
    ASSERT_TRUE(config.ok()) << value << ": " << config.error().describe();
    EXPECT_TRUE(config->dev_mode);
    EXPECT_TRUE(config->runtime_api.empty());
  }
}

TEST(ConfigLoad, DevModeFalseStillNeedsRuntimeApi) {
  for (const std::string value : {"false", "0", "no", "off", ""}) {
    auto config = load_from(Vars{{"LAMBDA_RELAY_DEV_MODE", value}});
    ASSERT_FALSE(config.ok()) << value;
    EXPECT_EQ(config.error().code, "AWS_LAMBDA_RUNTIME_API");
  }
}

struct InvalidCase {
  std::string variable;
  std::string value;  // unused when `unset`
  bool unset = false;
  bool may_hold_secrets = false;  // URLs: the message must not repeat the value (credentials, DSN keys)
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << c.variable << (c.unset ? " unset" : "=\"" + c.value + "\"");
}

class ConfigLoadInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ConfigLoadInvalid, FailsWithErrorNamingTheVariable) {
  const auto& c = GetParam();
  auto vars = platform_vars();
  if (c.unset) {
    vars.erase(c.variable);
  } else {
    vars[c.variable] = c.value;
  }
  auto config = load_from(vars);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, c.variable);
  EXPECT_NE(config.error().message.find(c.variable), std::string::npos) << config.error().message;
  if (c.may_hold_secrets) {
    EXPECT_EQ(config.error().message.find(c.value), std::string::npos) << config.error().message;
  } else if (!c.unset && !c.value.empty()) {
    EXPECT_NE(config.error().message.find(c.value), std::string::npos) << config.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryVariable, ConfigLoadInvalid,
    ::testing::Values(InvalidCase{"LAMBDA_RELAY_LOG_LEVEL", "loud"}, InvalidCase{"LAMBDA_RELAY_LOG_LEVEL", ""},
                      InvalidCase{"LAMBDA_RELAY_LOG_FORMAT", "xml"},
                      InvalidCase{"LAMBDA_RELAY_DEV_MODE", "maybe"},
                      InvalidCase{"LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", "soon"},
                      InvalidCase{"LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", "100ms"},
                      InvalidCase{"LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", "-1"},
                      InvalidCase{"LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", "1001"},
                      InvalidCase{"LAMBDA_RELAY_SHUTDOWN_MARGIN_MS", ""},
                      InvalidCase{"AWS_LAMBDA_RUNTIME_API", "", true},
                      InvalidCase{"AWS_LAMBDA_RUNTIME_API", ""},
                      InvalidCase{"AWS_LAMBDA_RUNTIME_API", "localhost"},
                      InvalidCase{"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:http"},
                      InvalidCase{"AWS_LAMBDA_RUNTIME_API", "::1:9001"},
                      InvalidCase{"LAMBDA_RELAY_TELEMETRY_TYPES", "logs"},
                      InvalidCase{"LAMBDA_RELAY_TELEMETRY_TYPES", ""},
                      InvalidCase{"LAMBDA_RELAY_BUFFER_MAX_ITEMS", "999"},
                      InvalidCase{"LAMBDA_RELAY_BUFFER_MAX_BYTES", "2000000"},
                      InvalidCase{"LAMBDA_RELAY_BUFFER_TIMEOUT_MS", "24"},
                      InvalidCase{"LAMBDA_RELAY_TELEMETRY_PORT", "9001"},
                      InvalidCase{"LAMBDA_RELAY_TELEMETRY_PORT", "70000"},
                      InvalidCase{"LAMBDA_RELAY_BATCH_URL", "ftp://user:pw@example", false, true},
                      InvalidCase{"DISPATCH_POST_URI", "not a url", false, true},
                      InvalidCase{"LAMBDA_RELAY_BATCH_MIN_ITEMS", "0"},
                      InvalidCase{"DISPATCH_MIN_BATCH_SIZE", "many"},
                      InvalidCase{"LAMBDA_RELAY_MAX_BUFFER_BYTES", "1024"},
                      InvalidCase{"LAMBDA_RELAY_BATCH_COMPRESSION", "zip"},
                      InvalidCase{"LAMBDA_RELAY_FLUSH", "sometimes"},
                      InvalidCase{"LAMBDA_RELAY_FLUSH", "periodic"},
                      InvalidCase{"LAMBDA_RELAY_FLUSH_TIMEOUT_MS", "0"},
                      InvalidCase{"LAMBDA_RELAY_FLUSH_TIMEOUT_MS", "soon"}),
    [](const ::testing::TestParamInfo<InvalidCase>& param_info) {
      // e.g. LAMBDA_RELAY_LOG_LEVEL_3: the variable and the case's position.
      return param_info.param.variable + "_" + std::to_string(param_info.index);
    });

TEST(ConfigLoad, ReadsTheFlushPolicyAndItsTimeout) {
  auto defaults = load_from(platform_vars());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->flush, (delivery::FlushSetting{delivery::FlushMode::adaptive, std::chrono::milliseconds(0)}));
  EXPECT_EQ(defaults->flush_timeout, std::chrono::milliseconds(500));
  auto vars = platform_vars();
  vars["LAMBDA_RELAY_FLUSH"] = "end,250";
  vars["LAMBDA_RELAY_FLUSH_TIMEOUT_MS"] = "2000";
  auto config = load_from(vars);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->flush, (delivery::FlushSetting{delivery::FlushMode::end, std::chrono::milliseconds(250)}));
  EXPECT_EQ(config->flush_timeout, std::chrono::milliseconds(2000));
}

TEST(ConfigLoad, TelemetryDefaultsAreLambdasMinimumsSoRuntimeDoneArrivesPromptly) {
  auto config = load_from(platform_vars());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->telemetry_types, (std::vector<std::string>{"platform", "function"}));
  EXPECT_EQ(config->buffering.max_items, 1000);
  EXPECT_EQ(config->buffering.max_bytes, 262144);
  EXPECT_EQ(config->buffering.timeout_ms, 25);
  EXPECT_EQ(config->telemetry_port, 0);
  EXPECT_FALSE(config->batch_url.has_value());
}

TEST(ConfigLoad, ReadsTelemetryAndBatchVariables) {
  auto vars = platform_vars();
  vars["LAMBDA_RELAY_TELEMETRY_TYPES"] = "platform, extension,platform";
  vars["LAMBDA_RELAY_BUFFER_TIMEOUT_MS"] = "100";
  vars["LAMBDA_RELAY_TELEMETRY_PORT"] = "4243";
  vars["LAMBDA_RELAY_BATCH_URL"] = "http://collector.local:8080/events?x=1";
  vars["LAMBDA_RELAY_BATCH_MIN_ITEMS"] = "50";
  auto config = load_from(vars);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->telemetry_types, (std::vector<std::string>{"platform", "extension"}));
  EXPECT_EQ(config->buffering.timeout_ms, 100);
  EXPECT_EQ(config->telemetry_port, 4243);
  ASSERT_TRUE(config->batch_url.has_value());
  EXPECT_EQ(config->batch_url->host, "collector.local");
  EXPECT_EQ(config->batch_url->port, 8080);
  EXPECT_EQ(config->batch_url->target, "/events?x=1");
  EXPECT_EQ(config->batch_min_items, 50U);
}

TEST(ConfigLoad, AcceptsHttpsBatchUrlsWithPort443ByDefault) {
  auto vars = platform_vars();
  vars["LAMBDA_RELAY_BATCH_URL"] = "https://collector.example/events";
  auto config = load_from(vars);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  ASSERT_TRUE(config->batch_url.has_value());
  EXPECT_TRUE(config->batch_url->tls());
  EXPECT_EQ(config->batch_url->host, "collector.example");
  EXPECT_EQ(config->batch_url->port, 443);
  EXPECT_EQ(config->batch_url->target, "/events");
}

TEST(ConfigLoad, AcceptsTheAwsExampleNamesAndPrefersOurOwn) {
  auto vars = platform_vars();
  vars["DISPATCH_POST_URI"] = "http://a.example/in";
  vars["DISPATCH_MIN_BATCH_SIZE"] = "7";
  auto config = load_from(vars);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->batch_url->host, "a.example");
  EXPECT_EQ(config->batch_min_items, 7U);
  vars["LAMBDA_RELAY_BATCH_URL"] = "http://b.example/in";
  config = load_from(vars);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->batch_url->host, "b.example");
}

TEST(ConfigLoad, KeepsConfigErrorTypeInLambdaConvention) {
  EXPECT_EQ(kConfigErrorType, "Extension.ConfigInvalid");
}

}  // namespace
}  // namespace lambda_relay::config
