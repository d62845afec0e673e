// Writes OTLP request bodies produced by lambda-relay's mapper and encoders for realistic scenarios,
// for otlp_schema_check.js to decode with the real OTLP schema (otlp_schema_test.sh runs both).
//
//   usage: otlp_bodies <shared dir> <output dir>
//
// For each scenario and signal: <scenario>-<signal>.pb (OTLP/protobuf), .json (OTLP/JSON of the same
// request) and .pb.gz (the protobuf payload as sent with OTEL_EXPORTER_OTLP_COMPRESSION=gzip).
#include "config/otlp_config.hpp"
#include "export/otlp/otlp_exporter.hpp"
#include "export/otlp/telemetry_mapper.hpp"

#include <lambda_relay/decode.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace lambda_relay;  // NOLINT(google-build-using-namespace): a test program

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

config::FunctionEnvironment orders_api(std::string version) {
  config::FunctionEnvironment f;
  f.function_name = "orders-api";
  f.function_version = std::move(version);
  f.region = "us-east-1";
  f.memory_size_mb = 512;
  f.log_group = "/aws/lambda/orders-api";
  f.log_stream = "2025/06/14/[7]3f6c2b9d8e1a4f5b9c0d7e6a5b4c3d2e";
  return f;
}

otlp::MapperOptions options(config::FunctionEnvironment function) {
  otlp::MapperOptions o;
  o.resource.function = std::move(function);
  o.resource.service_name = "orders-api-svc";
  o.resource.user_attributes = {{"deployment.environment", "prod"}, {"team", "payments, ops"}};
  return o;
}

// Events a sample does not show: JSON log lines with nested values and odd characters, a failed init
// and a report-only (Managed Instances) invocation, SnapStart restore, logs dropped, an unknown type.
const char* kExtraEvents = R"([
  {"time":"2025-06-10T15:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","functionName":"orders-api","functionVersion":"$LATEST"}},
  {"time":"2025-06-10T15:00:00.100Z","type":"function","record":{"timestamp":"2025-06-10T15:00:00.099Z","level":"CRITICAL","message":"cannot import \"app\" – ünïcödé ✓\n\ttab","errorType":"Runtime.ImportModuleError","stackTrace":["  File \"/var/task/app.py\", line 1"],"count":-42,"ratio":1e-9,"big":18446744073709551615,"ok":true,"nothing":null}},
  {"time":"2025-06-10T15:00:00.200Z","type":"platform.initRuntimeDone","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.ImportModuleError"}},
  {"time":"2025-06-10T15:00:00.210Z","type":"platform.extension","record":{"name":"lambda-relay","state":"Ready","events":["INVOKE","SHUTDOWN"]}},
  {"time":"2025-06-10T15:00:00.220Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.ImportModuleError","metrics":{"durationMs":220.5}}},
  {"time":"2025-06-10T15:00:01.000Z","type":"platform.restoreStart","record":{"runtimeVersion":"java:21.v27","functionName":"orders-api","functionVersion":"3"}},
  {"time":"2025-06-10T15:00:01.300Z","type":"platform.restoreRuntimeDone","record":{"status":"success"}},
  {"time":"2025-06-10T15:00:01.310Z","type":"platform.restoreReport","record":{"status":"success","metrics":{"durationMs":310.25}}},
  {"time":"2025-06-10T15:00:02.000Z","type":"platform.start","record":{"requestId":"lmi-1","version":"3","tenantId":"t-1"}},
  {"time":"2025-06-10T15:00:02.010Z","type":"extension","record":"2025-06-10T15:00:02.010Z\tlmi-1\tWARN\tslow downstream"},
  {"time":"2025-06-10T15:00:02.500Z","type":"platform.report","record":{"requestId":"lmi-1","status":"failure","errorType":"Sandbox.Failure","metrics":{"durationMs":500.125},"spans":[{"name":"responseLatency","start":"2025-06-10T15:00:02.000Z","durationMs":480.5},{"name":"responseDuration","start":"2025-06-10T15:00:02.480Z","durationMs":20.0}]}},
  {"time":"2025-06-10T15:00:03.000Z","type":"platform.logsDropped","record":{"droppedBytes":1024,"droppedRecords":3,"reason":"Some logs were dropped because the downstream consumer is slower than the logs production rate"}},
  {"time":"2025-06-10T15:00:03.100Z","type":"platform.somethingNew","record":{"a":1}}
])";

struct Scenario {
  std::string name;
  std::vector<std::string> batches;
  config::FunctionEnvironment function;
  bool with_invoke = false;
};

void write_signal(const std::filesystem::path& out, const std::string& base, const config::OtlpSignalConfig& proto,
                  const config::OtlpSignalConfig& json, const config::OtlpSignalConfig& gzip, const auto& request) {
  write(out / (base + ".pb"), exporters::otlp_payload(proto, request).body);
  write(out / (base + ".json"), exporters::otlp_payload(json, request).body);
  write(out / (base + ".pb.gz"), exporters::otlp_payload(gzip, request).body);
}

int run(const std::filesystem::path& shared, const std::filesystem::path& out) {
  std::filesystem::create_directories(out);
  const auto samples = shared / "spec" / "samples";
  const auto upstream = shared / "spec" / "samples-upstream";
  const std::vector<Scenario> scenarios{
      {"upstream-sample", {read(upstream / "lambda-telemetry-input.json")}, orders_api("7"), true},
      {"telemetry-batch", {read(samples / "telemetry-batch.json")}, orders_api("$LATEST"), false},
      {"edge-cases", {kExtraEvents}, config::FunctionEnvironment{}, false},
  };

  config::OtlpSignalConfig proto;
  config::OtlpSignalConfig json;
  json.protocol = config::OtlpProtocol::http_json;
  config::OtlpSignalConfig gzip;
  gzip.compression = config::OtlpCompression::gzip;

  std::size_t files = 0;
  for (const auto& scenario : scenarios) {
    otlp::TelemetryMapper mapper(options(scenario.function));
    mapper.set_account_id("123456789012");
    if (scenario.with_invoke) {
      InvokeEvent invoke;
      invoke.request_id = "8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10";
      invoke.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live";
      mapper.on_invoke(invoke);
    }
    for (const auto& batch : scenario.batches) {
      auto decoded = telemetry::decode_batch(batch);
      if (!decoded || !decoded->errors.empty()) {
        std::cerr << "FAIL: " << scenario.name << ": the batch does not decode\n";
        return 1;
      }
      for (const auto& event : decoded->events) mapper.add(event);
    }
    mapper.finish();
    auto logs = mapper.take_logs();
    auto traces = mapper.take_traces();
    auto metrics = mapper.take_metrics();
    if (!logs || !traces || !metrics) {
      std::cerr << "FAIL: " << scenario.name << ": a signal produced nothing\n";
      return 1;
    }
    write_signal(out, scenario.name + "-logs", proto, json, gzip, *logs);
    write_signal(out, scenario.name + "-traces", proto, json, gzip, *traces);
    write_signal(out, scenario.name + "-metrics", proto, json, gzip, *metrics);
    files += 9;
    std::cout << "INFO: " << scenario.name << ": " << logs->records.size() << " log records, " << traces->spans.size()
              << " spans, " << metrics->metrics.size() << " metrics\n";
  }
  std::cout << "INFO: wrote " << files << " bodies to " << out.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <shared dir> <output dir>\n";
    return 2;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  }
}
