#include "relay/sentry/envelope.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace lambda_relay::relay::sentry {
namespace {

// Item types whose payload is JSON: without `length`, a payload that does not parse was cut short.
constexpr std::array<std::string_view, 16> kJsonItemTypes{
    "event",   "transaction", "session",      "sessions",    "client_report", "check_in", "profile",  "profile_chunk",
    "log",     "span",        "trace_metric", "user_report", "feedback",      "replay_event", "otel_log", "otel_span"};

Error invalid(std::string reason) { return make_error("InvalidEnvelope", std::move(reason)); }

bool is_json_payload(std::string_view type, std::string_view content_type) {
  return std::find(kJsonItemTypes.begin(), kJsonItemTypes.end(), type) != kJsonItemTypes.end() ||
         content_type.find("json") != std::string_view::npos;
}

// The line starting at `pos` (without its '\n'); `pos` moves past the '\n', or to the end.
std::string_view take_line(std::string_view bytes, std::size_t& pos) {
  const auto end = bytes.find('\n', pos);
  const auto line = bytes.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  pos = end == std::string_view::npos ? bytes.size() : end + 1;
  return line;
}

Result<simdjson::dom::object> parse_object(simdjson::dom::parser& parser, std::string_view line,
                                           std::string_view what) {
  simdjson::dom::element element;
  if (auto ec = parser.parse(line.data(), line.size()).get(element)) {
    return invalid(fmt::format("{} is not JSON ({})", what, simdjson::error_message(ec)));
  }
  simdjson::dom::object object;
  if (element.get_object().get(object)) return invalid(fmt::format("{} is not a JSON object", what));
  return object;
}

Result<void> read_envelope_headers(simdjson::dom::parser& parser, std::string_view line, Envelope& out) {
  auto object = parse_object(parser, line, "the envelope headers line");
  if (!object) return object.error();
  for (auto [key, value] : *object) {
    std::string_view text;
    if (key == "dsn") {
      if (value.get_string().get(text)) return invalid("the envelope header \"dsn\" is not a string");
      out.dsn = std::string(text);
    } else if (key == "event_id") {
      if (value.get_string().get(text)) return invalid("the envelope header \"event_id\" is not a string");
      out.event_id = std::string(text);
    }
  }
  return {};
}

struct ItemHeader {
  std::string type;
  std::string content_type;
  std::optional<std::uint64_t> length;
};

Result<ItemHeader> read_item_header(simdjson::dom::parser& parser, std::string_view line, std::size_t index) {
  auto object = parse_object(parser, line, fmt::format("the header of item {}", index));
  if (!object) return object.error();
  ItemHeader header;
  bool has_type = false;
  for (auto [key, value] : *object) {
    std::string_view text;
    if (key == "type") {
      if (value.get_string().get(text)) return invalid(fmt::format("item {}: \"type\" is not a string", index));
      header.type = std::string(text);
      has_type = true;
    } else if (key == "content_type") {
      if (!value.get_string().get(text)) header.content_type = std::string(text);
    } else if (key == "length") {
      std::uint64_t length = 0;
      if (value.get_uint64().get(length)) {
        return invalid(fmt::format("item {}: \"length\" is not a non-negative integer", index));
      }
      header.length = length;
    }
  }
  if (!has_type) return invalid(fmt::format("item {} has no \"type\"", index));
  return header;
}

// Finds the payload of the item whose header ended just before `pos`; moves `pos` past it.
Result<EnvelopeItem> take_payload(simdjson::dom::parser& parser, std::string_view bytes, std::size_t& pos,
                                  const ItemHeader& header, std::size_t index) {
  EnvelopeItem item;
  item.type = header.type;
  item.payload_offset = pos;
  if (header.length) {
    const auto available = bytes.size() - pos;
    if (*header.length > available) {
      return invalid(fmt::format("item {} ({}) declares {} bytes but only {} follow: the envelope is truncated", index,
                                 header.type, *header.length, available));
    }
    item.payload_size = static_cast<std::size_t>(*header.length);
    pos += item.payload_size;
    if (pos < bytes.size()) {
      if (bytes[pos] != '\n') {
        return invalid(fmt::format("item {} ({}): its {} bytes are not followed by a newline", index, header.type,
                                   item.payload_size));
      }
      ++pos;
    }
    return item;
  }
  const auto payload = take_line(bytes, pos);
  item.payload_size = payload.size();
  if (is_json_payload(header.type, header.content_type)) {
    simdjson::dom::element ignored;
    if (auto ec = parser.parse(payload.data(), payload.size()).get(ignored)) {
      return invalid(fmt::format("item {} ({}) is not complete JSON ({}): the envelope is truncated or corrupt", index,
                                 header.type, simdjson::error_message(ec)));
    }
  }
  return item;
}

}  // namespace

Result<Envelope> parse_envelope(std::string_view bytes) {
  if (bytes.empty()) return invalid("empty envelope");
  simdjson::dom::parser parser;
  Envelope out;
  std::size_t pos = 0;
  if (auto read = read_envelope_headers(parser, take_line(bytes, pos), out); !read) return read.error();
  while (pos < bytes.size()) {
    const auto index = out.items.size() + 1;
    auto header = read_item_header(parser, take_line(bytes, pos), index);
    if (!header) return header.error();
    auto item = take_payload(parser, bytes, pos, *header, index);
    if (!item) return item.error();
    out.items.push_back(std::move(item).value());
  }
  return out;
}

}  // namespace lambda_relay::relay::sentry
