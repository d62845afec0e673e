// OTLP requests for the encoding benchmarks and size probes: the shared spec sample
// (samples/telemetry-batch.json: 49 events of a cold start, invokes, a timeout, an OOM, resets) mapped
// `repeat` times into one request per signal, as one flush after a busy stretch would send them.
#pragma once

#include "export/otlp/telemetry_mapper.hpp"

#include <lambda_relay/decode.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lambda_relay::bench {

inline std::string read_telemetry_sample() {
  const auto path = std::filesystem::path(LAMBDA_RELAY_SHARED_DIR) / "spec" / "samples" / "telemetry-batch.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline otlp::MapperOptions bench_mapper_options() {
  otlp::MapperOptions o;
  o.resource.function.function_name = "orders-api";
  o.resource.function.function_version = "$LATEST";
  o.resource.function.region = "us-east-1";
  o.resource.function.memory_size_mb = 128;
  o.resource.function.log_group = "/aws/lambda/orders-api";
  o.resource.function.log_stream = "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4";
  o.id_seed = 1;
  return o;
}

struct SampleRequests {
  otlp::LogsRequest logs;
  otlp::TracesRequest traces;
  otlp::MetricsRequest metrics;
  bool ok = false;
};

inline SampleRequests sample_requests(int repeat) {
  SampleRequests out;
  const auto batch = read_telemetry_sample();
  auto decoded = telemetry::decode_batch(batch);
  if (batch.empty() || !decoded) return out;
  otlp::TelemetryMapper mapper(bench_mapper_options());
  for (int i = 0; i < repeat; ++i) {
    for (const auto& event : decoded->events) mapper.add(event);
  }
  mapper.finish();
  auto logs = mapper.take_logs();
  auto traces = mapper.take_traces();
  auto metrics = mapper.take_metrics();
  if (!logs || !traces || !metrics) return out;
  out.logs = std::move(*logs);
  out.traces = std::move(*traces);
  out.metrics = std::move(*metrics);
  out.ok = true;
  return out;
}

}  // namespace lambda_relay::bench
