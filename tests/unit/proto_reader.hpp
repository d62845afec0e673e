// A minimal protobuf wire-format reader for tests: splits a message into its fields, failing on
// anything malformed (truncated varints or lengths, unknown wire types, trailing bytes).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace lambda_relay::test {

struct WireField {
  std::uint32_t number = 0;
  std::uint32_t wire_type = 0;
  std::uint64_t value = 0;  // varint, fixed64 or fixed32
  std::string_view bytes;   // length-delimited content
};

inline std::optional<std::uint64_t> read_varint(std::string_view& in) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return std::nullopt;
    const auto byte = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

// All fields of `message`, in order; nothing when it is not well-formed.
inline std::optional<std::vector<WireField>> read_fields(std::string_view message) {
  std::vector<WireField> fields;
  while (!message.empty()) {
    const auto key = read_varint(message);
    if (!key) return std::nullopt;
    WireField field;
    field.number = static_cast<std::uint32_t>(*key >> 3);
    field.wire_type = static_cast<std::uint32_t>(*key & 7);
    switch (field.wire_type) {
      case 0: {
        const auto v = read_varint(message);
        if (!v) return std::nullopt;
        field.value = *v;
        break;
      }
      case 1:
        if (message.size() < 8) return std::nullopt;
        std::memcpy(&field.value, message.data(), 8);
        message.remove_prefix(8);
        break;
      case 5: {
        if (message.size() < 4) return std::nullopt;
        std::uint32_t v = 0;
        std::memcpy(&v, message.data(), 4);
        field.value = v;
        message.remove_prefix(4);
        break;
      }
      case 2: {
        const auto length = read_varint(message);
        if (!length || *length > message.size()) return std::nullopt;
        field.bytes = message.substr(0, *length);
        message.remove_prefix(*length);
        break;
      }
      default: return std::nullopt;
    }
    fields.push_back(field);
  }
  return fields;
}

// The first field `number` of `message` (length-delimited content), for walking down a tree.
inline std::optional<std::string_view> submessage(std::string_view message, std::uint32_t number) {
  const auto fields = read_fields(message);
  if (!fields) return std::nullopt;
  for (const auto& f : *fields) {
    if (f.number == number && f.wire_type == 2) return f.bytes;
  }
  return std::nullopt;
}

}  // namespace lambda_relay::test
