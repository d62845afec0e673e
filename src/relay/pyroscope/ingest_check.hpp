// The checks an /ingest request passes before it is queued (../shared/spec/upstream-protocols.md
// §2.1): whatever would make the Pyroscope server refuse it for its form is refused at once with the
// reason, while the SDK can still hear it; the relay has already answered 200 by the time the server
// could say so. Profiles themselves are not interpreted: the server reads them.
#pragma once

#include <lambda_relay/result.hpp>

#include <cstddef>
#include <string_view>

namespace lambda_relay::relay::pyroscope {

// `name` (percent-decoded): app_name ["{" [key=value ("," key=value)*] "}"], e.g. my.app.cpu{env=prod}.
[[nodiscard]] Result<void> check_app_name(std::string_view name);

// The body as the server will read it, given the `format` query parameter and the Content-Type:
// multipart/form-data must have a boundary, parts, a closing delimiter and its `profile` part
// (`jfr` with format=jfr); pprof and JFR bodies must not be empty; gzip, where a body or a part
// has it, must decode whole within `max_decoded_bytes`. Other formats pass as they are.
[[nodiscard]] Result<void> check_ingest_body(std::string_view format, std::string_view content_type,
                                             std::string_view body, std::size_t max_decoded_bytes);

}  // namespace lambda_relay::relay::pyroscope
