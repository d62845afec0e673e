#include "relay/pyroscope/multipart_form.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace lambda_relay::relay::pyroscope {
namespace {

constexpr std::string_view kLineBreak = "\r\n";

Error malformed(std::string detail) { return make_error("MalformedForm", std::move(detail)); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"') {
    const auto close = value.find('"', 1);
    return value.substr(1, close == std::string_view::npos ? value.size() - 1 : close - 1);
  }
  return value;
}

// The value of parameter `key` in "type; a=1; key=\"v\"" (the first segment is skipped).
std::string_view parameter(std::string_view header_value, std::string_view key) {
  auto semicolon = header_value.find(';');
  while (semicolon != std::string_view::npos) {
    header_value.remove_prefix(semicolon + 1);
    // A quoted value may hold ';': the parameter ends after its closing quote.
    const auto eq = header_value.find('=');
    if (eq == std::string_view::npos) return {};
    const auto name = trim(header_value.substr(0, eq));
    auto rest = trim(header_value.substr(eq + 1));
    std::size_t end = 0;
    if (!rest.empty() && rest.front() == '"') {
      const auto close = rest.find('"', 1);
      end = close == std::string_view::npos ? rest.size() : close + 1;
    } else {
      end = std::min(rest.find(';'), rest.size());
    }
    if (iequals(name, key)) return unquote(trim(rest.substr(0, end)));
    header_value = rest.substr(end);
    semicolon = header_value.find(';');
  }
  return {};
}

// The name="…" of the Content-Disposition among a part's header lines.
std::string_view disposition_name(std::string_view headers) {
  constexpr std::string_view kDisposition = "content-disposition:";
  while (!headers.empty()) {
    const auto end = headers.find(kLineBreak);
    const auto line = headers.substr(0, end);
    if (line.size() > kDisposition.size() && iequals(line.substr(0, kDisposition.size()), kDisposition)) {
      return parameter(line.substr(kDisposition.size()), "name");
    }
    if (end == std::string_view::npos) break;
    headers.remove_prefix(end + kLineBreak.size());
  }
  return {};
}

}  // namespace

std::string_view form_boundary(std::string_view content_type) {
  const auto boundary = parameter(content_type, "boundary");
  return boundary.size() > 70 ? std::string_view{} : boundary;  // RFC 2046: 1 to 70 characters
}

Result<std::vector<FormPart>> parse_form(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string separator = std::string(kLineBreak) + delimiter;
  std::size_t pos = 0;
  if (!body.starts_with(delimiter)) {
    pos = body.find(separator);  // after a preamble
    if (pos == std::string_view::npos) return malformed("multipart body without its boundary (no parts)");
    pos += kLineBreak.size();
  }
  pos += delimiter.size();
  std::vector<FormPart> parts;
  for (;;) {
    auto rest = body.substr(pos);
    if (rest.starts_with("--")) break;  // the closing delimiter
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (!rest.starts_with(kLineBreak)) {
      return malformed(rest.empty() ? "multipart body ends after a boundary: truncated"
                                    : "multipart boundary line is not followed by a line break");
    }
    rest.remove_prefix(kLineBreak.size());
    const auto number = parts.size() + 1;
    // Form parts need a Content-Disposition: a part with no header lines at all is malformed too.
    const auto headers_end = rest.starts_with(kLineBreak) ? 0 : rest.find("\r\n\r\n");
    if (headers_end == std::string_view::npos) return malformed(fmt::format("multipart part {} is truncated", number));
    const auto name = disposition_name(rest.substr(0, headers_end));
    if (name.empty()) return malformed(fmt::format("multipart part {} has no Content-Disposition name", number));
    rest.remove_prefix(headers_end + 2 * kLineBreak.size());
    const auto content_end = rest.find(separator);
    if (content_end == std::string_view::npos) {
      return malformed(fmt::format("multipart part {} ({}) has no closing boundary: truncated", number, name.substr(0, 40)));
    }
    parts.push_back(FormPart{name, rest.substr(0, content_end)});
    pos = body.size() - rest.size() + content_end + separator.size();
  }
  if (parts.empty()) return malformed("multipart body without parts");
  return parts;
}

}  // namespace lambda_relay::relay::pyroscope
