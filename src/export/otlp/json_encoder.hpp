// OTLP/JSON request bodies (Content-Type: application/json), per the OTLP specification's JSON rules:
// lowerCamelCase keys, trace and span ids as lowercase hex, enums as integers, 64-bit integers as
// decimal strings. Fields at their proto3 default are left out, exactly as the protobuf encoder leaves
// them out, so both encodings of one request decode to the same message.
#pragma once

#include "export/otlp/model.hpp"

#include <string>

namespace lambda_relay::otlp {

[[nodiscard]] std::string encode_json(const LogsRequest& request);
[[nodiscard]] std::string encode_json(const TracesRequest& request);
[[nodiscard]] std::string encode_json(const MetricsRequest& request);

}  // namespace lambda_relay::otlp
