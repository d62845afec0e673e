#include "export/otlp/otlp_exporter.hpp"

#include "export/otlp/json_encoder.hpp"
#include "export/otlp/proto_encoder.hpp"
#include "support/gzip.hpp"

namespace lambda_relay::exporters {
namespace {

std::size_t items_of(const otlp::LogsRequest& r) { return r.records.size(); }
std::size_t items_of(const otlp::TracesRequest& r) { return r.spans.size(); }
std::size_t items_of(const otlp::MetricsRequest& r) { return r.metrics.size(); }

}  // namespace

template <typename Request>
delivery::Payload otlp_payload(const config::OtlpSignalConfig& signal, const Request& request) {
  delivery::Payload payload;
  if (signal.protocol == config::OtlpProtocol::http_json) {
    payload.body = otlp::encode_json(request);
    payload.content_type = "application/json";
  } else {
    payload.body = otlp::encode_proto(request);
    payload.content_type = "application/x-protobuf";
  }
  payload.headers = signal.headers;
  if (signal.compression == config::OtlpCompression::gzip) {
    payload.body = support::gzip(payload.body);
    payload.headers.emplace_back("Content-Encoding", "gzip");
  }
  payload.items = items_of(request);
  return payload;
}

template delivery::Payload otlp_payload(const config::OtlpSignalConfig&, const otlp::LogsRequest&);
template delivery::Payload otlp_payload(const config::OtlpSignalConfig&, const otlp::TracesRequest&);
template delivery::Payload otlp_payload(const config::OtlpSignalConfig&, const otlp::MetricsRequest&);

OtlpExporter::OtlpExporter(config::OtlpConfig config, otlp::MapperOptions options)
    : config_(std::move(config)), mapper_([&] {
        options.resource.service_name = config_.service_name;
        options.resource.user_attributes = config_.resource_attributes;
        options.keep_logs = config_.logs.has_value();
        options.keep_spans = config_.traces.has_value();
        return std::move(options);
      }()) {}

std::optional<delivery::Payload> OtlpExporter::take(config::OtlpSignal signal) {
  const auto& target = config_.signal(signal);
  switch (signal) {
    case config::OtlpSignal::logs: {
      auto request = mapper_.take_logs();
      if (!request || !target) return std::nullopt;
      return otlp_payload(*target, *request);
    }
    case config::OtlpSignal::traces: {
      auto request = mapper_.take_traces();
      if (!request || !target) return std::nullopt;
      return otlp_payload(*target, *request);
    }
    case config::OtlpSignal::metrics: {
      auto request = mapper_.take_metrics();
      if (!request || !target) return std::nullopt;
      return otlp_payload(*target, *request);
    }
  }
  return std::nullopt;
}

}  // namespace lambda_relay::exporters
