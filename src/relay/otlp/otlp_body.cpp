#include "relay/otlp/otlp_body.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace lambda_relay::relay::otlp {
namespace {

constexpr std::string_view kProtobuf = "application/x-protobuf";
constexpr std::string_view kJson = "application/json";

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool read_varint(std::string_view& data, std::uint64_t& value) {
  value = 0;
  for (unsigned shift = 0; shift < 64 && !data.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(data.front());
    data.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7FU) << shift;
    if ((byte & 0x80U) == 0) return true;
  }
  return false;
}

bool skip(std::string_view& data, std::uint64_t bytes) {
  if (bytes > data.size()) return false;
  data.remove_prefix(static_cast<std::size_t>(bytes));
  return true;
}

// Skips the value of a field of `wire_type`; false when it runs past the end.
bool skip_value(std::string_view& data, std::uint64_t wire_type) {
  std::uint64_t value = 0;
  switch (wire_type) {
    case 0: return read_varint(data, value);
    case 1: return skip(data, 8);
    case 2: return read_varint(data, value) && skip(data, value);
    case 5: return skip(data, 4);
    default: return false;
  }
}

Error not_protobuf(std::string_view why, std::size_t offset) {
  return make_error("BadOtlpBody", fmt::format("the body is not an OTLP protobuf message: {} at byte {}", why, offset));
}

Result<void> check_protobuf(std::string_view body) {
  auto rest = body;
  while (!rest.empty()) {
    const auto offset = body.size() - rest.size();
    std::uint64_t tag = 0;
    if (!read_varint(rest, tag) || (tag >> 3) == 0) return not_protobuf("an invalid field tag", offset);
    const auto wire_type = tag & 7U;
    if (wire_type != 0 && wire_type != 1 && wire_type != 2 && wire_type != 5) {
      return not_protobuf(fmt::format("an unknown wire type {}", wire_type), offset);
    }
    if (!skip_value(rest, wire_type)) return not_protobuf("a field that runs past the end (truncated?)", offset);
  }
  return {};
}

Result<void> check_json(std::string_view body) {
  const auto text = trim(body);
  if (!text.starts_with('{')) {
    return make_error("BadOtlpBody", "the body is not an OTLP JSON message: it does not start with '{'");
  }
  if (!text.ends_with('}')) {
    return make_error("BadOtlpBody", "the body is not an OTLP JSON message: it does not end with '}' (truncated?)");
  }
  return {};
}

}  // namespace

std::optional<OtlpEncoding> otlp_encoding(std::string_view content_type) {
  const auto type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, kProtobuf)) return OtlpEncoding::protobuf;
  if (iequals(type, kJson)) return OtlpEncoding::json;
  return std::nullopt;
}

Result<void> check_export_request(OtlpEncoding encoding, std::string_view body) {
  return encoding == OtlpEncoding::protobuf ? check_protobuf(body) : check_json(body);
}

}  // namespace lambda_relay::relay::otlp
