#include "relay/pyroscope/ingest_check.hpp"

#include "relay/pyroscope/multipart_form.hpp"
#include "support/gzip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace lambda_relay::relay::pyroscope {
namespace {

// Parts that may hold gzip data (pprof profiles, JFR recordings and their labels).
constexpr std::array<std::string_view, 4> kBinaryParts{"profile", "prev_profile", "jfr", "labels"};

Error bad(std::string message) { return make_error("BadRequest", std::move(message)); }

std::string media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  std::string out(type);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<void> check_gzip(std::string_view what, std::string_view data, std::size_t max_decoded_bytes) {
  if (!support::is_gzip(data)) return {};
  if (auto size = support::gunzipped_size(data, max_decoded_bytes); !size) {
    return bad(fmt::format("{} is invalid gzip: {}", what, size.error().message));
  }
  return {};
}

Result<void> check_form(std::string_view format, std::string_view content_type, std::string_view body,
                        std::size_t max_decoded_bytes) {
  const auto boundary = form_boundary(content_type);
  if (boundary.empty()) return bad("multipart/form-data without a boundary in its Content-Type");
  auto parts = parse_form(body, boundary);
  if (!parts) return bad(parts.error().message);
  const std::string_view required = format == "jfr" ? "jfr" : "profile";
  const auto found = std::find_if(parts->begin(), parts->end(), [&](const FormPart& p) { return p.name == required; });
  if (found == parts->end()) return bad(fmt::format("multipart body without a \"{}\" part", required));
  if (found->content.empty()) return bad(fmt::format("the \"{}\" part is empty", required));
  for (const auto& part : *parts) {
    if (std::find(kBinaryParts.begin(), kBinaryParts.end(), part.name) == kBinaryParts.end()) continue;
    if (auto checked = check_gzip(fmt::format("the \"{}\" part", part.name), part.content, max_decoded_bytes);
        !checked) {
      return checked;
    }
  }
  return {};
}

bool is_label_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-' || c == '/';
}

}  // namespace

Result<void> check_app_name(std::string_view name) {
  if (name.empty()) return bad("the name query parameter is empty (expected e.g. my.app.cpu{env=prod})");
  const auto open = name.find('{');
  if (open == 0) return bad("the name query parameter has no application name before its labels");
  if (open == std::string_view::npos) {
    if (name.find('}') != std::string_view::npos) return bad("the name query parameter has a '}' without '{'");
    return {};
  }
  if (!name.ends_with('}')) return bad("the name query parameter's labels do not end with '}'");
  auto labels = name.substr(open + 1, name.size() - open - 2);
  if (labels.find_first_of("{}") != std::string_view::npos) return bad("the name query parameter has nested braces");
  std::size_t position = 0;
  while (!labels.empty()) {
    const auto comma = labels.find(',');
    auto label = labels.substr(0, comma);
    ++position;
    while (!label.empty() && label.front() == ' ') label.remove_prefix(1);
    if (!label.empty()) {
      const auto eq = label.find('=');
      auto key = label.substr(0, eq);
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      if (eq == std::string_view::npos || key.empty() || !std::all_of(key.begin(), key.end(), is_label_key_char)) {
        return bad(fmt::format("label {} of the name query parameter is not key=value", position));
      }
    }
    if (comma == std::string_view::npos) break;
    labels.remove_prefix(comma + 1);
  }
  return {};
}

Result<void> check_ingest_body(std::string_view format, std::string_view content_type, std::string_view body,
                               std::size_t max_decoded_bytes) {
  if (media_type(content_type) == "multipart/form-data") return check_form(format, content_type, body, max_decoded_bytes);
  if (body.empty()) {
    if (format == "pprof" || format == "jfr") return bad(fmt::format("empty body: no {} profile", format));
    return {};  // an empty text profile: no samples, which the server accepts too
  }
  return check_gzip("the body", body, max_decoded_bytes);
}

}  // namespace lambda_relay::relay::pyroscope
