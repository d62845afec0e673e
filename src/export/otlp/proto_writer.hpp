// The protobuf wire format, written by hand: varints, fixed32/fixed64, length-delimited fields and
// packed repeated scalars — all OTLP needs.
//
// A nested message is prefixed by its length, which is only known once its content is written. We
// encode in two passes over the same encoder code (a template on the sink): a Sizer pass adds up the
// bytes and records every nested message's length in the order the messages are opened, then a
// Writer pass writes into a buffer of exactly the right size, taking the lengths in the same order.
// Every byte is written once, nothing is moved or copied afterwards, and the output is canonical
// (minimal varints, fields in the order the encoder emits them) — what protobuf-lite's
// ByteSizeLong + SerializeToArray do, without the library.
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::otlp::proto {

enum class WireType : std::uint32_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

[[nodiscard]] constexpr std::size_t varint_size(std::uint64_t value) noexcept {
  // 1 byte per started group of 7 bits; 0 takes one byte.
  return static_cast<std::size_t>((64 - std::countl_zero(value | 1) + 6) / 7);
}

[[nodiscard]] constexpr std::uint64_t key(std::uint32_t field, WireType type) noexcept {
  return (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint32_t>(type);
}

// Pass 1: sizes. The public interface is the same as Writer's.
class Sizer {
 public:
  explicit Sizer(std::vector<std::size_t>& lengths) : lengths_(lengths) { lengths_.clear(); }

  void varint(std::uint32_t field, std::uint64_t value) {
    size_ += varint_size(key(field, WireType::varint)) + varint_size(value);
  }
  void fixed64(std::uint32_t field, std::uint64_t) { size_ += varint_size(key(field, WireType::fixed64)) + 8; }
  void fixed32(std::uint32_t field, std::uint32_t) { size_ += varint_size(key(field, WireType::fixed32)) + 4; }
  void bytes(std::uint32_t field, std::string_view value) {
    size_ += varint_size(key(field, WireType::length_delimited)) + varint_size(value.size()) + value.size();
  }
  void bytes(std::uint32_t field, std::span<const std::uint8_t> value) {
    size_ += varint_size(key(field, WireType::length_delimited)) + varint_size(value.size()) + value.size();
  }
  template <typename T>  // std::uint64_t (fixed64) or double
  void packed64(std::uint32_t field, const std::vector<T>& values) {
    static_assert(sizeof(T) == 8);
    const std::size_t length = values.size() * 8;
    size_ += varint_size(key(field, WireType::length_delimited)) + varint_size(length) + length;
  }

  void begin(std::uint32_t field) {
    size_ += varint_size(key(field, WireType::length_delimited));
    open_.push_back(Open{lengths_.size(), size_});
    lengths_.push_back(0);
  }
  void end() {
    assert(!open_.empty());
    const Open open = open_.back();
    open_.pop_back();
    const std::size_t length = size_ - open.content_start;
    lengths_[open.index] = length;
    size_ += varint_size(length);
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  struct Open {
    std::size_t index;          // into lengths_
    std::size_t content_start;  // size_ after the message's key
  };
  std::vector<std::size_t>& lengths_;
  std::vector<Open> open_;
  std::size_t size_ = 0;
};

// Pass 2: bytes, into a buffer the Sizer measured.
class Writer {
 public:
  Writer(char* out, const std::vector<std::size_t>& lengths) : out_(out), lengths_(lengths) {}

  void varint(std::uint32_t field, std::uint64_t value) {
    put_varint(key(field, WireType::varint));
    put_varint(value);
  }
  void fixed64(std::uint32_t field, std::uint64_t value) {
    put_varint(key(field, WireType::fixed64));
    put_fixed64(value);
  }
  void fixed32(std::uint32_t field, std::uint32_t value) {
    put_varint(key(field, WireType::fixed32));
    put_little_endian(value);
  }
  void bytes(std::uint32_t field, std::string_view value) {
    put_varint(key(field, WireType::length_delimited));
    put_varint(value.size());
    put_raw(value.data(), value.size());
  }
  void bytes(std::uint32_t field, std::span<const std::uint8_t> value) {
    put_varint(key(field, WireType::length_delimited));
    put_varint(value.size());
    put_raw(value.data(), value.size());
  }
  template <typename T>
  void packed64(std::uint32_t field, const std::vector<T>& values) {
    static_assert(sizeof(T) == 8);
    put_varint(key(field, WireType::length_delimited));
    put_varint(values.size() * 8);
    for (const T value : values) put_fixed64(std::bit_cast<std::uint64_t>(value));
  }

  void begin(std::uint32_t field) {
    put_varint(key(field, WireType::length_delimited));
    put_varint(lengths_[next_length_++]);
  }
  void end() {}

  [[nodiscard]] const char* position() const noexcept { return out_; }

 private:
  void put_varint(std::uint64_t value) {
    while (value >= 0x80) {
      *out_++ = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
      value >>= 7;
    }
    *out_++ = static_cast<char>(value);
  }
  void put_fixed64(std::uint64_t value) { put_little_endian(value); }
  template <typename T>
  void put_little_endian(T value) {
    static_assert(std::endian::native == std::endian::little, "big-endian hosts would need a byte swap here");
    std::memcpy(out_, &value, sizeof value);
    out_ += sizeof value;
  }
  void put_raw(const void* data, std::size_t size) {
    if (size == 0) return;  // data may be null for an empty view
    std::memcpy(out_, data, size);
    out_ += size;
  }

  char* out_;
  const std::vector<std::size_t>& lengths_;
  std::size_t next_length_ = 0;
};

// The lengths of the nested messages of the message being serialised (kept to reuse its capacity).
inline std::vector<std::size_t>& scratch_lengths() {
  thread_local std::vector<std::size_t> lengths;
  return lengths;
}

// Runs `encode(sink)` twice — sizes, then bytes — and returns the message.
template <typename Encode>
[[nodiscard]] std::string serialize(const Encode& encode) {
  std::vector<std::size_t>& lengths = scratch_lengths();
  Sizer sizer(lengths);
  encode(sizer);
  std::string out(sizer.size(), '\0');
  Writer writer(out.data(), lengths);
  encode(writer);
  assert(writer.position() == out.data() + out.size());
  return out;
}

}  // namespace lambda_relay::otlp::proto
