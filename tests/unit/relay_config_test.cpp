// The relay's variables through config::load: defaults, values, and errors that name the variable.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lambda_relay::config {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

Result<Config> load_with(Vars extra) {
  extra.emplace("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
  return load(environment_from(std::move(extra)));
}

std::string error_of(Vars extra) {
  auto config = load_with(std::move(extra));
  return config ? "(loaded)" : config.error().message;
}

TEST(RelayConfig, DefaultsToTheSdkPortsAndStaysOffWithoutAnUpstream) {
  auto config = load_with({});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->relay.ingest_ports, (std::vector<std::uint16_t>{9000, 4040, 4318}));
  EXPECT_EQ(config->relay.max_request_bytes, 4U * 1024 * 1024);
  EXPECT_EQ(config->relay.max_decoded_bytes(), 16U * 1024 * 1024);
  EXPECT_FALSE(config->relay.sentry_dsn);
  EXPECT_FALSE(config->relay.enabled());
  EXPECT_FALSE(load_with({{"SENTRY_DSN", ""}})->relay.enabled()) << "an empty DSN means: send nothing";
}

TEST(RelayConfig, ReadsSentryDsnPortsLimitAndForwardRules) {
  auto config = load_with({{"SENTRY_DSN", "https://key@o1.ingest.sentry.io/42"},
                           {"LAMBDA_RELAY_INGEST_PORTS", "9000, 9100,9000"},
                           {"LAMBDA_RELAY_MAX_REQUEST_BYTES", "65536"},
                           {"LAMBDA_RELAY_FORWARD", "/logs/=http://collector:8080/in, /=https://catch.example/all"}});
  ASSERT_TRUE(config) << config.error().message;
  const auto& relay = config->relay;
  EXPECT_TRUE(relay.enabled());
  EXPECT_EQ(relay.sentry_dsn->project_id, "42");
  EXPECT_EQ(relay.ingest_ports, (std::vector<std::uint16_t>{9000, 9100}));
  EXPECT_EQ(relay.max_request_bytes, 65536U);
  ASSERT_EQ(relay.forward.size(), 2U);
  EXPECT_EQ(relay.forward[0].prefix, "/logs");
  EXPECT_EQ(relay.forward[0].url.port, 8080);
  EXPECT_EQ(relay.forward[1].prefix, "/");
  EXPECT_TRUE(relay.forward[1].url.tls());
}

TEST(RelayConfig, NoPortsTurnsTheRelayOff) {
  auto config = load_with({{"SENTRY_DSN", "https://key@o1.ingest.sentry.io/42"}, {"LAMBDA_RELAY_INGEST_PORTS", ""}});
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->relay.enabled());
}

TEST(RelayConfig, KeepsTheRequestLimitWithinTheOutbox) {
  auto small = load_with({{"LAMBDA_RELAY_MAX_BUFFER_BYTES", "1048576"}});
  ASSERT_TRUE(small);
  EXPECT_EQ(small->relay.max_request_bytes, 1048576U) << "the default shrinks to the outbox";
  EXPECT_NE(error_of({{"LAMBDA_RELAY_MAX_BUFFER_BYTES", "1048576"}, {"LAMBDA_RELAY_MAX_REQUEST_BYTES", "2097152"}})
                .find("LAMBDA_RELAY_MAX_REQUEST_BYTES: 2097152 is more than the outbox holds"),
            std::string::npos);
}

TEST(RelayConfig, RunsWithOnlyAnOtlpEndpoint) {
  auto base = load_with({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example:4318"}});
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_TRUE(base->relay.otlp);
  EXPECT_TRUE(base->relay.enabled());
  auto logs = load_with({{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://collector.example/v1/logs"}});
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_TRUE(logs->relay.enabled());
  EXPECT_FALSE(load_with({})->relay.otlp);
}

// The function's SDK and lambda-relay read the same OTEL_ variables: "http://localhost:4318" for the
// SDK would have lambda-relay forward to itself, forever.
TEST(RelayConfig, RefusesAnOtlpEndpointThatIsTheRelayItself) {
  EXPECT_NE(error_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"}})
                .find("OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4318/v1/traces is lambda-relay's own relay"),
            std::string::npos)
      << error_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"}});
  EXPECT_NE(error_of({{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://127.0.0.1:9000/v1/logs"}})
                .find("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "),
            std::string::npos);
  EXPECT_NE(error_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1]:4040/otlp"}}).find("OTEL_EXPORTER_OTLP_ENDPOINT"),
            std::string::npos);
  EXPECT_NE(error_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://example.com:80"}, {"LAMBDA_RELAY_INGEST_PORTS", "80"},
                      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://0.0.0.0/v1/traces"}})
                .find("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            std::string::npos);
  // Another local port, another host, or no relay: a collector, not a loop.
  EXPECT_TRUE(load_with({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317"}}));
  EXPECT_TRUE(load_with({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}}));
  EXPECT_TRUE(load_with({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"}, {"LAMBDA_RELAY_INGEST_PORTS", ""}}));
  EXPECT_TRUE(load_with({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"}, {"LAMBDA_RELAY_INGEST_PORTS", "9000"}}));
}

TEST(RelayConfig, ErrorsNameTheVariableAndNeverQuoteTheDsnOrAUrl) {
  struct Case {
    Vars vars;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{
           {{{"SENTRY_DSN", "https://secretkey@host"}}, "SENTRY_DSN: missing project id"},
           {{{"SENTRY_DSN", "https://secretkey@host/abc"}}, "SENTRY_DSN: project id \"abc\" is not a number"},
           {{{"SENTRY_DSN", "secretkey"}}, "SENTRY_DSN: missing scheme"},
           {{{"LAMBDA_RELAY_INGEST_PORTS", "9000,x"}}, "LAMBDA_RELAY_INGEST_PORTS: \"x\" is not a port"},
           {{{"LAMBDA_RELAY_INGEST_PORTS", "9001"}}, "LAMBDA_RELAY_INGEST_PORTS: 9001 is reserved"},
           {{{"LAMBDA_RELAY_INGEST_PORTS", "7000"}, {"LAMBDA_RELAY_TELEMETRY_PORT", "7000"}},
            "LAMBDA_RELAY_INGEST_PORTS: 7000 is LAMBDA_RELAY_TELEMETRY_PORT"},
           {{{"LAMBDA_RELAY_TELEMETRY_PORT", "4040"}}, "LAMBDA_RELAY_TELEMETRY_PORT: 4040 is one of the relay's ports"},
           {{{"LAMBDA_RELAY_MAX_REQUEST_BYTES", "12"}}, "LAMBDA_RELAY_MAX_REQUEST_BYTES: \"12\" is not a byte count"},
           {{{"LAMBDA_RELAY_FORWARD", "/a=http://x/1,nothing"}}, "LAMBDA_RELAY_FORWARD: entry 2 is not <path-prefix>=<url>"},
           {{{"LAMBDA_RELAY_FORWARD", "a=http://x/1"}}, "LAMBDA_RELAY_FORWARD: entry 1: the path prefix must start with '/'"},
           {{{"LAMBDA_RELAY_FORWARD", "/a=ftp://secretkey@x/1"}}, "LAMBDA_RELAY_FORWARD: entry 1 (/a): unsupported scheme"},
           {{{"LAMBDA_RELAY_FORWARD", "/a=http://user:secretkey@x/1"}}, "credentials in the URL are not supported"},
           {{{"LAMBDA_RELAY_FORWARD", "/a=http://x/1,/a/=http://y/"}}, "the prefix /a appears twice"}}) {
    const auto message = error_of(c.vars);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_EQ(message.find("secretkey"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace lambda_relay::config
