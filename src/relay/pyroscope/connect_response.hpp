// Answers in the Connect protocol's unary shape (https://connectrpc.com/docs/protocol), for the push
// API: a client checks that the response's Content-Type matches its codec, and reads errors as
// {"code": "...", "message": "..."}.
#pragma once

#include "net/http.hpp"

#include <string_view>

namespace lambda_relay::relay::pyroscope {

// 200 with an empty PushResponse in the request's codec: "" as application/proto, "{}" as
// application/json.
[[nodiscard]] net::Response connect_accepted(const net::Request& request);

// `status` with the Connect error whose code corresponds to it (400 invalid_argument, 415 internal,
// 429 resource_exhausted, 503 unavailable, else unknown).
[[nodiscard]] net::Response connect_error(const net::Request& request, net::http::status status, std::string_view message);

}  // namespace lambda_relay::relay::pyroscope
