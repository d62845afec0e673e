// OTLP/protobuf request bodies (Content-Type: application/x-protobuf): ExportLogsServiceRequest,
// ExportTraceServiceRequest and ExportMetricsServiceRequest, each with one ResourceX holding one ScopeX.
#pragma once

#include "export/otlp/model.hpp"

#include <string>

namespace lambda_relay::otlp {

[[nodiscard]] std::string encode_proto(const LogsRequest& request);
[[nodiscard]] std::string encode_proto(const TracesRequest& request);
[[nodiscard]] std::string encode_proto(const MetricsRequest& request);

}  // namespace lambda_relay::otlp
