// A non-2xx answer of a Lambda platform API as an Error carrying the platform's errorType.
#pragma once

#include <lambda_relay/result.hpp>

#include "net/http.hpp"

#include <string_view>

namespace lambda_relay::platform {

// code: the answer's errorType (HTTP<status> when it has none); message: "<call> answered <status>:
// <errorMessage or body>".
Error platform_error(const net::Response& response, std::string_view call);

}  // namespace lambda_relay::platform
