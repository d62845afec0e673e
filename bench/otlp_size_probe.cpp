// Binary size probe for the "by hand or protobuf-lite" decision: one static program built three ways,
// whose sizes are compared (bench/CMakeLists.txt, docs/benchmarks.md):
//   otlp_size_probe_none  builds the OTLP requests and writes their item counts (the baseline);
//   otlp_size_probe_hand  also encodes them with the hand-written encoder;
//   otlp_size_probe_lite  also encodes them with protobuf-lite (generated code + libprotobuf-lite).
// Input: one log line per stdin line, so nothing can be computed at compile time.
#include "export/otlp/model.hpp"

#if defined(LR_PROBE_HAND)
#include "export/otlp/proto_encoder.hpp"
#elif defined(LR_PROBE_LITE)
#include "to_lite.hpp"
#endif

#include <cstdio>
#include <iostream>
#include <string>

namespace {

using namespace lambda_relay::otlp;  // NOLINT(google-build-using-namespace): a probe

template <typename Request>
std::size_t encoded_size(const Request& request, std::size_t items) {
#if defined(LR_PROBE_HAND)
  (void)items;
  return encode_proto(request).size();
#elif defined(LR_PROBE_LITE)
  (void)items;
  return lambda_relay::bench::lite::to_lite(request).SerializeAsString().size();
#else
  (void)request;
  return items;
#endif
}

}  // namespace

int main() {
  LogsRequest logs;
  TracesRequest traces;
  MetricsRequest metrics;
  logs.resource.attributes.push_back(attribute("service.name", "probe"));
  traces.resource = metrics.resource = logs.resource;
  std::string line;
  std::uint64_t n = 0;
  Histogram histogram;
  HistogramDataPoint point;
  while (std::getline(std::cin, line)) {
    ++n;
    LogRecord record;
    record.time_unix_nano = n;
    record.body = AnyValue{line};
    record.attributes.push_back(KeyValue{"n", AnyValue{static_cast<std::int64_t>(n)}});
    logs.records.push_back(record);
    Span span;
    span.span_id[0] = static_cast<std::uint8_t>(n);
    span.name = line;
    span.events.push_back(SpanEvent{n, line, {}});
    span.links.push_back(SpanLink{span.trace_id, span.span_id, {}, 1});
    span.status = SpanStatus{StatusCode::error, line};
    traces.spans.push_back(span);
    point.bucket_counts.push_back(n);
    point.explicit_bounds.push_back(static_cast<double>(n));
  }
  point.sum = static_cast<double>(n);
  histogram.data_points.push_back(point);
  metrics.metrics.push_back(Metric{"h", "", "", histogram});
  metrics.metrics.push_back(Metric{"s", "", "", Sum{{NumberDataPoint{{}, 0, n, static_cast<std::int64_t>(n)}}, Temporality::cumulative, true}});
  metrics.metrics.push_back(Metric{"g", "", "", Gauge{{NumberDataPoint{{}, 0, n, 0.5}}}});
  std::printf("%zu %zu %zu\n", encoded_size(logs, logs.records.size()), encoded_size(traces, traces.spans.size()),
              encoded_size(metrics, metrics.metrics.size()));
  return 0;
}
