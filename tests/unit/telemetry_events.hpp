// Telemetry API events written the way Lambda sends them, for tests that feed event sequences to
// consumers (failure detection, exporters): each helper returns one event's JSON, decode() turns a
// sequence into typed events through the real decoder.
#pragma once

#include <lambda_relay/decode.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lambda_relay::test::events {

inline constexpr const char* kXray = "Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1";

inline std::string error_field(const std::optional<std::string>& error_type) {
  return error_type ? fmt::format(R"(,"errorType":"{}")", *error_type) : std::string();
}

inline std::string init_start(const std::string& time, const std::string& phase = "init") {
  return fmt::format(R"({{"time":"{}","type":"platform.initStart","record":{{"initializationType":"on-demand",)"
                     R"("phase":"{}","runtimeVersion":"python:3.12.v48","functionName":"orders-api",)"
                     R"("functionVersion":"$LATEST","instanceId":"2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4",)"
                     R"("instanceMaxMemory":134217728}}}})",
                     time, phase);
}

inline std::string init_runtime_done(const std::string& time, const std::string& phase, const std::string& status,
                                     const std::optional<std::string>& error_type = std::nullopt) {
  return fmt::format(R"({{"time":"{}","type":"platform.initRuntimeDone","record":{{"initializationType":"on-demand",)"
                     R"("phase":"{}","status":"{}"{}}}}})",
                     time, phase, status, error_field(error_type));
}

inline std::string init_report(const std::string& time, const std::string& phase, const std::string& status,
                               const std::optional<std::string>& error_type, double duration_ms) {
  return fmt::format(R"({{"time":"{}","type":"platform.initReport","record":{{"initializationType":"on-demand",)"
                     R"("phase":"{}","status":"{}"{},"metrics":{{"durationMs":{}}}}}}})",
                     time, phase, status, error_field(error_type), duration_ms);
}

inline std::string tracing(const std::string& span_id, const std::string& xray) {
  return fmt::format(R"("tracing":{{"spanId":"{}","type":"X-Amzn-Trace-Id","value":"{}"}})", span_id, xray);
}

inline std::string start(const std::string& time, const std::string& request_id,
                         const std::string& xray = kXray) {
  return fmt::format(R"({{"time":"{}","type":"platform.start","record":{{"requestId":"{}",)"
                     R"("functionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders-api",)"
                     R"("version":"$LATEST",{}}}}})",
                     time, request_id, tracing("1a2b3c4d5e6f7081", xray));
}

inline std::string runtime_done(const std::string& time, const std::string& request_id, const std::string& status,
                                const std::optional<std::string>& error_type, double duration_ms) {
  return fmt::format(R"({{"time":"{}","type":"platform.runtimeDone","record":{{"requestId":"{}","status":"{}"{},)"
                     R"("metrics":{{"durationMs":{},"producedBytes":0}},{}}}}})",
                     time, request_id, status, error_field(error_type), duration_ms,
                     tracing("1a2b3c4d5e6f7081", kXray));
}

inline std::string report(const std::string& time, const std::string& request_id, const std::string& status,
                          const std::optional<std::string>& error_type, double duration_ms, int memory_mb = 128,
                          int max_used_mb = 61) {
  return fmt::format(R"({{"time":"{}","type":"platform.report","record":{{"requestId":"{}","status":"{}"{},)"
                     R"("metrics":{{"durationMs":{},"billedDurationMs":{},"memorySizeMB":{},"maxMemoryUsedMB":{}}}}}}})",
                     time, request_id, status, error_field(error_type), duration_ms,
                     static_cast<long>(duration_ms) + 1, memory_mb, max_used_mb);
}

// A text log line (schema 2022-07-01 style string record, with the trailing newline Lambda keeps).
inline std::string function_line(const std::string& time, const std::string& line) {
  std::string escaped;
  for (const char c : line) {
    if (c == '\t') {
      escaped += "\\t";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\\') {
      escaped += "\\\\";
    } else {
      escaped += c;
    }
  }
  return fmt::format(R"({{"time":"{}","type":"function","record":"{}\n"}})", time, escaped);
}

// A JSON-format log record (object), as runtimes with AWS_LAMBDA_LOG_FORMAT=JSON write them.
inline std::string function_json(const std::string& time, const std::string& request_id, const std::string& level,
                                 const std::string& message) {
  return fmt::format(R"({{"time":"{}","type":"function","record":{{"timestamp":"{}","level":"{}",)"
                     R"("requestId":"{}","message":"{}"}}}})",
                     time, time, level, request_id, message);
}

inline std::vector<telemetry::Event> decode(const std::vector<std::string>& events) {
  std::string batch = "[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) batch += ',';
    batch += events[i];
  }
  batch += ']';
  auto decoded = telemetry::decode_batch(batch);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().message);
  if (!decoded.ok()) return {};
  EXPECT_TRUE(decoded->errors.empty()) << decoded->errors.front().message;
  return std::move(decoded->events);
}

}  // namespace lambda_relay::test::events
