// multipart/form-data bodies (RFC 7578) as Pyroscope clients send profiles: read-only views of the
// parts, to check a body before it is forwarded unchanged.
#pragma once

#include <lambda_relay/result.hpp>

#include <string_view>
#include <vector>

namespace lambda_relay::relay::pyroscope {

struct FormPart {
  std::string_view name;     // Content-Disposition's name="…"
  std::string_view content;  // the part's bytes
};

// The boundary of a "multipart/form-data; boundary=…" Content-Type (quoted or not); "" when it has none.
[[nodiscard]] std::string_view form_boundary(std::string_view content_type);

// The parts of `body`, each a view into it. Errors (code "MalformedForm"): no opening delimiter, a
// part without headers or a name, no closing delimiter (a truncated body).
[[nodiscard]] Result<std::vector<FormPart>> parse_form(std::string_view body, std::string_view boundary);

}  // namespace lambda_relay::relay::pyroscope
