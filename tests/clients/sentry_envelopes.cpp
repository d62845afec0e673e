// Writes the Sentry envelopes lambda-relay produces, for sentry_envelope_check.js to parse with the real
// parser of @sentry/core (sentry_envelope_test.sh runs both):
//   - one synthesized error event per failure kind, from realistic Telemetry API sequences run through
//     FailureDetector and the event builder: <kind>.envelope plus <kind>.expect.json (what the event
//     must say);
//   - the shared SDK sample envelopes after redaction (Redactor::scrub_envelope): scrubbed-*.envelope.
//
//   usage: sentry_envelopes <shared dir> <output dir>
#include "config/function_environment.hpp"
#include "export/sentry/event_builder.hpp"
#include "insight/failure_detector.hpp"
#include "insight/redact.hpp"
#include "json/writer.hpp"

#include <lambda_relay/decode.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
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

constexpr const char* kXray = R"("tracing":{"spanId":"1a2b3c4d5e6f7081","type":"X-Amzn-Trace-Id","value":"Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1"})";

std::string init_start(const char* phase) {
  return std::string(R"({"time":"2025-06-10T14:03:11.402Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":")") +
         phase +
         R"(","runtimeVersion":"nodejs:22.mainline.v122","functionName":"orders-api","functionVersion":"$LATEST","instanceId":"2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4"}})";
}

std::string line(const char* text) {
  std::string out;
  json::Writer(out).begin_object().field("time", "2025-06-10T14:03:12.000Z").field("type", "function").field("record", text).end_object();
  return out;
}

std::string start(const char* id) {
  return std::string(R"({"time":"2025-06-10T14:04:02.310Z","type":"platform.start","record":{"requestId":")") + id +
         R"(","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders-api","version":"$LATEST",)" + kXray + "}}";
}

std::string done(const char* type, const char* id, const char* status, const char* error_type, const char* metrics) {
  std::string error = error_type[0] != '\0' ? std::string(R"(,"errorType":")") + error_type + "\"" : std::string();
  return std::string(R"({"time":"2025-06-10T14:04:05.311Z","type":")") + type + R"(","record":{"requestId":")" + id +
         R"(","status":")" + status + "\"" + error + R"(,"metrics":)" + metrics + "," + kXray + "}}";
}

std::string invocation(const char* id, const char* status, const char* error_type, const char* log_line,
                       int max_memory) {
  std::string report_metrics = R"({"durationMs":3001.4,"billedDurationMs":3002,"memorySizeMB":128,"maxMemoryUsedMB":)" +
                               std::to_string(max_memory) + "}";
  // The extension saw its environment's init: the runtime version and log stream come from there.
  return init_start("init") +
         R"(,{"time":"2025-06-10T14:03:11.735Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":332.9}}},)" +
         start(id) + "," + line(log_line) + "," +
         done("platform.runtimeDone", id, status, error_type, R"({"durationMs":3000.52,"producedBytes":0})") + "," +
         done("platform.report", id, status, error_type, report_metrics.c_str());
}

struct Scenario {
  std::string name;
  std::string batch;  // a JSON array of events
};

std::vector<Scenario> scenarios() {
  return {
      {"invalid_handler",
       "[" + init_start("init") + "," +
           line("2025-06-10T14:03:11.600Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.ImportModuleError\","
                "\"errorMessage\":\"Error: Cannot find module 'left-pad'\\nRequire stack:\\n- /var/task/index.js\"}") +
           R"(,{"time":"2025-06-10T14:03:11.734Z","type":"platform.initRuntimeDone","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.ImportModuleError"}})"
           R"(,{"time":"2025-06-10T14:03:11.735Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.ImportModuleError","metrics":{"durationMs":332.914}}}])"},
      {"init_timeout",
       "[" + init_start("invoke") +
           R"(,{"time":"2025-06-10T14:03:14.402Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"invoke","status":"timeout","metrics":{"durationMs":3000.0}}},)" +
           start("11111111-2222-4333-8444-555555555555") + "]"},
      {"timeout", "[" + invocation("f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e", "timeout", "",
                                   "2025-06-10T14:04:02.312Z\tf0e1d2c3\tINFO\tcafé ✓ building report for jane@example.com", 61) + "]"},
      {"out_of_memory", "[" + invocation("3b7e1f9a-6c2d-4a8e-b5f1-0c9d8e7f6a5b", "error", "Runtime.ExitError",
                                         "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
                                         128) + "]"},
      {"crash", "[" + invocation("d9c8b7a6-9584-4736-a251-40f3e2d1c0b9", "error", "Runtime.ExitError",
                                 "RequestId: d9c8b7a6 Error: Runtime exited with error: signal: segmentation fault", 40) + "]"},
      {"platform_failure", "[" + invocation("8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c", "failure", "Sandbox.Failure",
                                            "token=abc123 sent upstream", 40) + "]"},
  };
}

std::string expectation(const insight::Failure& f, const exporters::sentry::ExceptionText& exception) {
  std::string out;
  json::Writer w(out);
  w.begin_object().field("kind", insight::to_string(f.kind)).field("level", exporters::sentry::level_for(f.kind));
  w.field("type", exception.type).field("value", exception.value);
  if (f.request_id) w.field("request_id", *f.request_id);
  if (f.trace_id) w.field("trace_id", *f.trace_id);
  w.field("breadcrumbs", static_cast<std::uint64_t>(f.log_tail.size()));
  w.end_object();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sentry_envelopes <shared dir> <output dir>\n";
    return 2;
  }
  const std::filesystem::path shared = argv[1];
  const std::filesystem::path out = argv[2];
  try {
    config::FunctionEnvironment facts;
    facts.function_name = "orders-api";
    facts.function_version = "$LATEST";
    facts.region = "us-east-1";
    facts.memory_size_mb = 128;
    const insight::Redactor redactor;
    exporters::sentry::EventOptions options;
    options.dsn = "https://e3b7c1f4a9d2480e8c6f5b1a7d3e9c20@o4507123456789.ingest.us.sentry.io/4507987654321";
    options.environment = "test";
    options.release = "orders-api@1.8.2";
    options.redactor = &redactor;

    int written = 0;
    for (const auto& scenario : scenarios()) {
      std::vector<insight::Failure> failures;
      insight::FailureDetector detector({}, [&](insight::Failure f) { failures.push_back(std::move(f)); });
      auto decoded = telemetry::decode_batch(scenario.batch);
      if (!decoded || !decoded->errors.empty()) {
        std::cerr << scenario.name << ": the scenario's events do not decode\n";
        return 1;
      }
      for (const auto& e : decoded->events) detector.add(e);
      detector.flush();
      if (failures.size() != 1 || insight::to_string(failures[0].kind) != scenario.name) {
        std::cerr << scenario.name << ": expected one failure of that kind, got " << failures.size() << "\n";
        return 1;
      }
      const auto& f = failures[0];
      auto exception = exporters::sentry::exception_text(f);
      redactor.redact_text(exception.value);
      write(out / (scenario.name + ".envelope"),
            exporters::sentry::build_envelope(f, facts, options, exporters::sentry::new_event_id(),
                                              std::chrono::system_clock::now()));
      write(out / (scenario.name + ".expect.json"), expectation(f, exception));
      ++written;
    }
    const std::filesystem::path upstream = shared / "spec" / "samples-upstream";
    for (const char* sample : {"sentry-python-lambda-error.envelope", "sentry-js-tunnel-error.envelope"}) {
      std::string envelope = read(upstream / sample);
      auto scrubbed = redactor.scrub_envelope(envelope);
      if (!scrubbed) {
        std::cerr << sample << ": " << scrubbed.error().message << "\n";
        return 1;
      }
      write(out / (std::string("scrubbed-") + sample), envelope);
      ++written;
    }
    std::cout << "wrote " << written << " envelopes to " << out.string() << "\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
