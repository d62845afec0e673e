#include "config/function_environment.hpp"
#include "config/otlp_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace lambda_relay::config {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

Result<OtlpConfig> load_from(Vars vars) { return load_otlp(environment_from(std::move(vars))); }

TEST(OtlpConfig, IsOffWhenNoEndpointIsSet) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_HEADERS", "a=b"}, {"OTEL_SERVICE_NAME", "svc"}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_FALSE(config->enabled());
  EXPECT_EQ(config->service_name, "svc");
}

TEST(OtlpConfig, AppendsTheSignalPathToTheBaseEndpointWithOneSlash) {
  for (const auto& [base, traces] : std::map<std::string, std::string>{
           {"http://collector:4318", "/v1/traces"},
           {"http://collector:4318/", "/v1/traces"},
           {"http://collector:4318/mycollector", "/mycollector/v1/traces"},
           {"http://collector:4318/mycollector/", "/mycollector/v1/traces"},
           {"http://collector:4318/p?tenant=a", "/p/v1/traces?tenant=a"}}) {
    auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", base}});
    ASSERT_TRUE(config.ok()) << base << ": " << config.error().describe();
    ASSERT_TRUE(config->traces && config->metrics && config->logs) << base;
    EXPECT_EQ(config->traces->url.target, traces) << base;
    EXPECT_EQ(config->traces->url.host, "collector");
    EXPECT_EQ(config->traces->url.port, 4318);
  }
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->metrics->url.target, "/v1/metrics");
  EXPECT_EQ(config->logs->url.target, "/v1/logs");
  EXPECT_EQ(config->logs->url.port, 443);
  EXPECT_TRUE(config->logs->url.tls());
}

TEST(OtlpConfig, UsesSignalEndpointsAsTheyAre) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318"},
                               {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999"},
                               {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://logs:4318/custom/path"}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->traces->url.host, "traces");
  EXPECT_EQ(config->traces->url.target, "/");  // an empty path is "/", nothing appended
  EXPECT_EQ(config->logs->url.target, "/custom/path");
  EXPECT_EQ(config->metrics->url.host, "base");
  EXPECT_EQ(config->metrics->url.target, "/v1/metrics");
}

TEST(OtlpConfig, ExportsOnlyTheSignalsWithAnEndpointWhenThereIsNoBase) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:4318/v1/metrics"}});
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->metrics);
  EXPECT_FALSE(config->traces);
  EXPECT_FALSE(config->logs);
  EXPECT_TRUE(config->enabled());
}

TEST(OtlpConfig, DefaultsToHttpProtobufWithoutCompression) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->traces->protocol, OtlpProtocol::http_protobuf);
  EXPECT_EQ(config->traces->compression, OtlpCompression::none);
  EXPECT_TRUE(config->traces->headers.empty());
}

TEST(OtlpConfig, ReadsProtocolAndCompressionWithSignalOverrides) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                               {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                               {"OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"},
                               {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf"},
                               {"OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "none"}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->traces->protocol, OtlpProtocol::http_json);
  EXPECT_EQ(config->logs->protocol, OtlpProtocol::http_protobuf);
  EXPECT_EQ(config->traces->compression, OtlpCompression::gzip);
  EXPECT_EQ(config->metrics->compression, OtlpCompression::none);
}

TEST(OtlpConfig, RefusesGrpcNamingTheVariable) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "OTEL_EXPORTER_OTLP_PROTOCOL");
  EXPECT_NE(config.error().message.find("OTEL_EXPORTER_OTLP_PROTOCOL: \"grpc\" is not supported"), std::string::npos)
      << config.error().message;
  EXPECT_NE(config.error().message.find("http/protobuf"), std::string::npos);

  auto per_signal = load_from(
      Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}});
  ASSERT_FALSE(per_signal.ok());
  EXPECT_EQ(per_signal.error().code, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
}

TEST(OtlpConfig, RefusesUnknownValuesNamingTheVariable) {
  const std::map<std::string, std::string> bad{{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"},
                                               {"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"},
                                               {"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "br"},
                                               {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"},
                                               {"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://c"},
                                               {"OTEL_EXPORTER_OTLP_HEADERS", "novalue"},
                                               {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", "bad header=x"},
                                               {"OTEL_RESOURCE_ATTRIBUTES", "k=%zz"}};
  for (const auto& [name, value] : bad) {
    Vars vars{{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://c:4318/v1/logs"},
              {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://c:4318/v1/metrics"}};
    vars[name] = value;
    auto config = load_from(vars);
    ASSERT_FALSE(config.ok()) << name << "=" << value;
    EXPECT_EQ(config.error().code, name);
    EXPECT_TRUE(config.error().message.starts_with(name + ": ")) << config.error().message;
  }
}

TEST(OtlpConfig, ParsesAndPercentDecodesHeadersAndSignalHeadersWin) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                               {"OTEL_EXPORTER_OTLP_HEADERS", " Authorization=Basic%20dXNlcjpwYXNz , x-tenant = a,,"},
                               {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "X-Tenant=traces%3Dteam,x-extra=1"}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  const HeaderList base{{"Authorization", "Basic dXNlcjpwYXNz"}, {"x-tenant", "a"}};
  EXPECT_EQ(config->logs->headers, base);
  const HeaderList traces{{"Authorization", "Basic dXNlcjpwYXNz"}, {"X-Tenant", "traces=team"}, {"x-extra", "1"}};
  EXPECT_EQ(config->traces->headers, traces);
}

TEST(OtlpConfig, HeaderErrorsNameTheEntryNotItsText) {
  // A malformed value, and a header written as "Name: value" (so the '=' inside the token splits it).
  for (const std::string headers : {"a=b,api-key=s3cr3t%", "a=b,Authorization: Basic s3cr3t=="}) {
    auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_EXPORTER_OTLP_HEADERS", headers}});
    ASSERT_FALSE(config.ok()) << headers;
    EXPECT_EQ(config.error().code, "OTEL_EXPORTER_OTLP_HEADERS");
    EXPECT_EQ(config.error().message.find("s3cr3t"), std::string::npos) << config.error().message;
    EXPECT_NE(config.error().message.find("entry 2"), std::string::npos) << config.error().message;
  }
}

TEST(OtlpConfig, RefusesHeaderValuesThatWouldSplitTheRequest) {
  auto config = load_from(
      Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_EXPORTER_OTLP_HEADERS", "a=x%0D%0AHost: evil"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "OTEL_EXPORTER_OTLP_HEADERS");
}

TEST(OtlpConfig, ReadsResourceAttributesInOrderDecoded) {
  auto config = load_from(Vars{{"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,team=a%2Cb, service.name=x"}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  const HeaderList expected{{"deployment.environment", "prod"}, {"team", "a,b"}, {"service.name", "x"}};
  EXPECT_EQ(config->resource_attributes, expected);
  EXPECT_FALSE(config->service_name);
}

TEST(OtlpConfig, IgnoresBlankValues) {
  auto config = load_from(Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", " "}, {"OTEL_EXPORTER_OTLP_PROTOCOL", ""}});
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_FALSE(config->enabled());
}

TEST(FunctionEnvironment, ReadsTheReservedVariables) {
  const auto function = read_function_environment(environment_from({{"AWS_LAMBDA_FUNCTION_NAME", "orders-api"},
                                                                     {"AWS_LAMBDA_FUNCTION_VERSION", "7"},
                                                                     {"AWS_REGION", "us-east-1"},
                                                                     {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"},
                                                                     {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders-api"},
                                                                     {"AWS_LAMBDA_LOG_STREAM_NAME", "2025/06/14/[7]abc"}}));
  EXPECT_EQ(function.function_name, "orders-api");
  EXPECT_EQ(function.function_version, "7");
  EXPECT_EQ(function.region, "us-east-1");
  EXPECT_EQ(function.memory_size_mb, 512);
  EXPECT_EQ(function.log_group, "/aws/lambda/orders-api");
  EXPECT_EQ(function.log_stream, "2025/06/14/[7]abc");
}

TEST(FunctionEnvironment, LeavesOutAMemorySizeThatIsNotANumber) {
  const auto function = read_function_environment(
      environment_from({{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512MB"}, {"AWS_DEFAULT_REGION", "eu-west-1"}}));
  EXPECT_FALSE(function.memory_size_mb);
  EXPECT_EQ(function.region, "eu-west-1");
}

}  // namespace
}  // namespace lambda_relay::config
