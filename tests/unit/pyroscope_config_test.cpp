// The Pyroscope extension's variables (PYROSCOPE_*) through config::load: every one accepted, those
// with a meaning applied, errors that name the variable and never quote a credential.
#include "config/config.hpp"
#include "config/pyroscope_config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lambda_relay::config {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

Result<Config> load_with(Vars extra) {
  extra.emplace("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
  return load(environment_from(std::move(extra)));
}

std::string error_of(Vars extra) {
  auto config = load_with(std::move(extra));
  return config ? "(loaded)" : config.error().message;
}

bool notes_mention(const PyroscopeConfig& config, std::string_view text) {
  return std::any_of(config.notes.begin(), config.notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

TEST(PyroscopeConfig, StaysOffWithoutARemoteAddress) {
  auto config = load_with({{"PYROSCOPE_LOG_LEVEL", "debug"}, {"PYROSCOPE_NUM_WORKERS", "not read"}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->relay.pyroscope);
  EXPECT_FALSE(config->relay.enabled());
  EXPECT_EQ(config->log_level, log::Level::info) << "the extension's variables mean nothing without Pyroscope";
  EXPECT_FALSE(load_with({{"PYROSCOPE_REMOTE_ADDRESS", " "}})->relay.pyroscope) << "blank means unset";
}

TEST(PyroscopeConfig, ReadsTheRemoteAddressAuthTenantHeadersAndTimeout) {
  auto config = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "https://profiles.example.net/base"},
                           {"PYROSCOPE_AUTH_TOKEN", "tok"},
                           {"PYROSCOPE_BASIC_AUTH_USER", "123456"},
                           {"PYROSCOPE_BASIC_AUTH_PASSWORD", "glc_secret"},
                           {"PYROSCOPE_TENANT_ID", "team-a"},
                           {"PYROSCOPE_HTTP_HEADERS", R"({"X-Extra": "one", "X-Other": "two \"quoted\""})"},
                           {"PYROSCOPE_TIMEOUT", "1m30s"}});
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->relay.pyroscope);
  EXPECT_TRUE(config->relay.enabled()) << "Pyroscope alone turns the relay on";
  const auto& p = *config->relay.pyroscope;
  EXPECT_EQ(p.remote.host, "profiles.example.net");
  EXPECT_EQ(p.remote.target, "/base");
  EXPECT_EQ(p.auth_token, "tok");
  EXPECT_EQ(p.basic_auth_user, "123456");
  EXPECT_EQ(p.basic_auth_password, "glc_secret");
  EXPECT_EQ(p.tenant_id, "team-a");
  EXPECT_EQ(p.http_headers, (Headers{{"X-Extra", "one"}, {"X-Other", "two \"quoted\""}}));
  EXPECT_EQ(p.timeout, std::chrono::milliseconds(90'000));
  EXPECT_TRUE(notes_mention(p, "the token is sent")) << "both auth kinds: the extension's choice, said once";
  for (const auto& note : p.notes) EXPECT_EQ(note.find("glc_secret"), std::string::npos) << note;
}

TEST(PyroscopeConfig, AdoptsTheExtensionsLogAndFlushSettingsWhereLambdaRelaysAreUnset) {
  auto adopted = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"},
                            {"PYROSCOPE_LOG_LEVEL", "Debug"},
                            {"PYROSCOPE_LOG_FORMAT", "json"},
                            {"PYROSCOPE_FLUSH_ON_INVOKE", "true"}});
  ASSERT_TRUE(adopted) << adopted.error().message;
  EXPECT_EQ(adopted->log_level, log::Level::debug);
  EXPECT_EQ(adopted->log_format, log::Format::json);
  EXPECT_EQ(adopted->flush, (delivery::FlushSetting{delivery::FlushMode::end, {}}));
  EXPECT_TRUE(notes_mention(*adopted->relay.pyroscope, "LAMBDA_RELAY_FLUSH=end"));

  auto own = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"},
                        {"PYROSCOPE_LOG_LEVEL", "trace"},
                        {"PYROSCOPE_LOG_FORMAT", "json"},
                        {"PYROSCOPE_FLUSH_ON_INVOKE", "true"},
                        {"LAMBDA_RELAY_LOG_LEVEL", "warn"},
                        {"LAMBDA_RELAY_LOG_FORMAT", "text"},
                        {"LAMBDA_RELAY_FLUSH", "continuous"}});
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->log_level, log::Level::warn);
  EXPECT_EQ(own->log_format, log::Format::text);
  EXPECT_EQ(own->flush.mode, delivery::FlushMode::continuous);
  const auto& p = *own->relay.pyroscope;
  EXPECT_TRUE(notes_mention(p, "PYROSCOPE_LOG_LEVEL is overridden by LAMBDA_RELAY_LOG_LEVEL"));
  EXPECT_TRUE(notes_mention(p, "PYROSCOPE_FLUSH_ON_INVOKE=true is overridden by LAMBDA_RELAY_FLUSH"));

  auto logrus = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"}, {"PYROSCOPE_LOG_LEVEL", "fatal"}});
  ASSERT_TRUE(logrus) << logrus.error().message;
  EXPECT_EQ(logrus->log_level, log::Level::error) << "logrus's panic and fatal are errors";
  auto off = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"}, {"PYROSCOPE_FLUSH_ON_INVOKE", "false"}});
  EXPECT_EQ(off->flush.mode, delivery::FlushMode::adaptive) << "false is the default: lambda-relay's own policy";
}

TEST(PyroscopeConfig, AcceptsTheVariablesWithoutMeaningHereAndNamesThemOnce) {
  auto config = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"},
                           {"PYROSCOPE_NUM_WORKERS", "5"},
                           {"PYROSCOPE_SELF_PROFILING", "true"},
                           {"PYROSCOPE_LOG_TIMESTAMP_FORMAT", "2006-01-02"},
                           {"PYROSCOPE_LOG_TIMESTAMP_DISABLE", "false"},
                           {"PYROSCOPE_LOG_TIMESTAMP_FIELD_NAME", "ts"},
                           {"PYROSCOPE_LOG_LEVEL_FIELD_NAME", "lvl"},
                           {"PYROSCOPE_LOG_MSG_FIELD_NAME", "m"},
                           {"PYROSCOPE_LOG_LOGRUS_ERROR_FIELD_NAME", "e"},
                           {"PYROSCOPE_LOG_FUNC_FIELD_NAME", "f"},
                           {"PYROSCOPE_LOG_FILE_FIELD_NAME", "file"}});
  ASSERT_TRUE(config) << config.error().message;
  const auto& p = *config->relay.pyroscope;
  EXPECT_TRUE(notes_mention(p, "PYROSCOPE_NUM_WORKERS: no effect"));
  EXPECT_TRUE(notes_mention(p, "PYROSCOPE_SELF_PROFILING: no effect"));
  EXPECT_TRUE(notes_mention(p, "PYROSCOPE_LOG_TIMESTAMP_FORMAT, PYROSCOPE_LOG_TIMESTAMP_DISABLE, "
                               "PYROSCOPE_LOG_TIMESTAMP_FIELD_NAME, PYROSCOPE_LOG_LEVEL_FIELD_NAME, "
                               "PYROSCOPE_LOG_MSG_FIELD_NAME, PYROSCOPE_LOG_LOGRUS_ERROR_FIELD_NAME, "
                               "PYROSCOPE_LOG_FUNC_FIELD_NAME, PYROSCOPE_LOG_FILE_FIELD_NAME: no effect"));
  EXPECT_EQ(p.notes.size(), 3U) << "one line per concern";

  auto quiet = load_with({{"PYROSCOPE_REMOTE_ADDRESS", "http://pyroscope:4040"}, {"PYROSCOPE_SELF_PROFILING", "false"}});
  EXPECT_TRUE(quiet->relay.pyroscope->notes.empty()) << "self profiling off is what lambda-relay does anyway";
}

TEST(PyroscopeConfig, ParsesGoDurations) {
  using std::chrono::milliseconds;
  for (const auto& [text, expected] : std::vector<std::pair<std::string, milliseconds>>{
           {"10s", milliseconds(10'000)},
           {"250ms", milliseconds(250)},
           {"1.5s", milliseconds(1'500)},
           {"1m30s", milliseconds(90'000)},
           {"2m", milliseconds(120'000)},
           {"1500000us", milliseconds(1'500)},
           {"1500000\xC2\xB5s", milliseconds(1'500)},
           {"2000000ns", milliseconds(2)},
           {"0.25h", milliseconds(900'000)}}) {
    auto parsed = parse_go_duration("PYROSCOPE_TIMEOUT", text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, expected) << text;
  }
  for (const auto* text : {"", "10", "s", "-1s", "1x", "1..5s", "1s2", "0"}) {
    EXPECT_FALSE(parse_go_duration("PYROSCOPE_TIMEOUT", text)) << text;
  }
}

TEST(PyroscopeConfig, ErrorsNameTheVariableAndNeverQuoteACredential) {
  const std::string address = "http://pyroscope:4040";
  struct Case {
    Vars vars;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{
           {{{"PYROSCOPE_AUTH_TOKEN", "secretkey"}}, "PYROSCOPE_REMOTE_ADDRESS: not set, but PYROSCOPE_AUTH_TOKEN is"},
           {{{"PYROSCOPE_TENANT_ID", "t"}}, "PYROSCOPE_REMOTE_ADDRESS: not set, but PYROSCOPE_TENANT_ID is"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", "ftp://user:secretkey@host"}}, "PYROSCOPE_REMOTE_ADDRESS: unsupported scheme"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", "http://host/?a=1"}}, "PYROSCOPE_REMOTE_ADDRESS: a query string is not supported"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_BASIC_AUTH_USER", "u"}},
            "PYROSCOPE_BASIC_AUTH_PASSWORD: not set, but PYROSCOPE_BASIC_AUTH_USER is"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_BASIC_AUTH_PASSWORD", "secretkey"}},
            "PYROSCOPE_BASIC_AUTH_USER: not set, but PYROSCOPE_BASIC_AUTH_PASSWORD is"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_AUTH_TOKEN", "secret\nkey"}},
            "PYROSCOPE_AUTH_TOKEN: contains a line break"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_HTTP_HEADERS", "X-A: secretkey"}},
            "PYROSCOPE_HTTP_HEADERS: not a JSON object"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_HTTP_HEADERS", R"({"X-A": 1})"}},
            "PYROSCOPE_HTTP_HEADERS: the value of X-A is not a JSON string"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_HTTP_HEADERS", R"({"Bad Name": "secretkey"})"}},
            "PYROSCOPE_HTTP_HEADERS: \"Bad Name\" is not an HTTP header name"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_HTTP_HEADERS", R"({"Content-Length": "1"})"}},
            "PYROSCOPE_HTTP_HEADERS: Content-Length cannot be set"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_HTTP_HEADERS", R"({"X-A": "secret\r\nkey"})"}},
            "PYROSCOPE_HTTP_HEADERS: the value of X-A contains a line break"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_TIMEOUT", "10"}}, "PYROSCOPE_TIMEOUT: \"10\" is not a duration"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_TIMEOUT", "16m"}}, "PYROSCOPE_TIMEOUT: \"16m\" is more than 15m"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_NUM_WORKERS", "0"}}, "PYROSCOPE_NUM_WORKERS: 0 is out of range"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_FLUSH_ON_INVOKE", "sometimes"}},
            "PYROSCOPE_FLUSH_ON_INVOKE: \"sometimes\" is not a boolean"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_SELF_PROFILING", "maybe"}},
            "PYROSCOPE_SELF_PROFILING: \"maybe\" is not a boolean"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_LOG_LEVEL", "loud"}},
            "PYROSCOPE_LOG_LEVEL: \"loud\" is not a log level"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_LOG_FORMAT", "xml"}},
            "PYROSCOPE_LOG_FORMAT: \"xml\" is not a log format"},
           {{{"PYROSCOPE_REMOTE_ADDRESS", address}, {"PYROSCOPE_LOG_TIMESTAMP_DISABLE", "2"}},
            "PYROSCOPE_LOG_TIMESTAMP_DISABLE: \"2\" is not a boolean"}}) {
    const auto message = error_of(c.vars);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace lambda_relay::config
