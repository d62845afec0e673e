// What the OTLP routes check of a request body before it is queued: the encoding its Content-Type
// names, and a cheap look at its shape, so that data an upstream would refuse (400, not retryable)
// is refused to the SDK at once instead. The content is not decoded: the top-level framing of a
// protobuf message, or the braces of a JSON object, is all that is looked at.
#pragma once

#include <lambda_relay/result.hpp>

#include <optional>
#include <string_view>

namespace lambda_relay::relay::otlp {

enum class OtlpEncoding { protobuf, json };

// "application/x-protobuf" or "application/json" (any case, parameters such as charset ignored);
// nothing for any other type.
[[nodiscard]] std::optional<OtlpEncoding> otlp_encoding(std::string_view content_type);

// Whether `body` (decoded, not empty) can be an Export<Signal>ServiceRequest in `encoding`: for
// protobuf, every top-level field has a valid tag and ends within the body (a truncated body, or
// JSON sent as protobuf, fails); for JSON, one object from '{' to '}'. The error is the reason.
[[nodiscard]] Result<void> check_export_request(OtlpEncoding encoding, std::string_view body);

}  // namespace lambda_relay::relay::otlp
