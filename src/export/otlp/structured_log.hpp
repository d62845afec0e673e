// Attributes of a JSON-format log record (Lambda's JSON log format, or any JSON line a function
// writes): every key except those that become other fields of the OTLP log record — level (severity),
// message (body), timestamp (time), requestId/AWSRequestId (faas.invocation_id) and type.
#pragma once

#include "export/otlp/model.hpp"

#include <string_view>

namespace lambda_relay::otlp {

// Strings, booleans and numbers keep their type; objects and arrays become their compact JSON text;
// nulls are left out. Empty when `json` is not an object, or is longer than 64 KiB.
[[nodiscard]] Attributes structured_log_attributes(std::string_view json);

}  // namespace lambda_relay::otlp
