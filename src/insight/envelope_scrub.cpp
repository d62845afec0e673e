// Redactor::scrub_envelope and scrub_json: Sentry envelopes and their JSON items, walked with simdjson
// On-Demand and written back with json::Writer only when something was masked.
#include "insight/denylist.hpp"
#include "insight/redact.hpp"
#include "json/writer.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace lambda_relay::insight {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

constexpr int kMaxDepth = 64;

// Item types whose payload is a JSON document a person's data can be in.
constexpr std::array<std::string_view, 11> kJsonItemTypes{"event",  "transaction", "log",        "span",
                                                          "otel_log", "session",   "sessions",   "check_in",
                                                          "feedback", "user_report", "replay_event"};

// Protocol fields that hold ids, times and enumerations: never free text, so never scanned.
constexpr std::array<std::string_view, 17> kStructuralKeys{
    "event_id", "trace_id", "span_id", "parent_span_id", "sid",     "timestamp", "start_timestamp", "platform",
    "level",    "type",     "release", "environment",    "dist",    "op",        "origin",          "status",
    "segment_id"};

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& values) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

Error malformed(std::string_view what, error_code code) {
  return make_error("envelope", fmt::format("{}: {}", what, simdjson::error_message(code)));
}

// The value's JSON text as it is in the input (consuming it).
error_code raw_value(od::value value, std::string_view& raw) {
  od::json_type type;
  if (auto e = value.type().get(type); e != SUCCESS) return e;
  if (type == od::json_type::object) {
    od::object object;
    if (auto e = value.get_object().get(object); e != SUCCESS) return e;
    return object.raw_json().get(raw);
  }
  if (type == od::json_type::array) {
    od::array array;
    if (auto e = value.get_array().get(array); e != SUCCESS) return e;
    return array.raw_json().get(raw);
  }
  raw = trim_right(value.raw_json_token());
  return SUCCESS;
}

// Where a value sits, for the rules that depend on it.
struct Context {
  std::string_view key;     // the key of the value ("" in arrays and at the top)
  std::string_view parent;  // the key of the object holding it
};

class JsonScrubber {
 public:
  JsonScrubber(const Redactor& redactor, std::string& out) : redactor_(redactor), writer_(out) {}

  error_code document(od::document& doc) {
    od::json_type type;
    if (auto e = doc.type().get(type); e != SUCCESS) return e;
    if (type == od::json_type::object) {
      od::object object;
      if (auto e = doc.get_object().get(object); e != SUCCESS) return e;
      return walk_object(object, Context{}, 0);
    }
    if (type == od::json_type::array) {
      od::array array;
      if (auto e = doc.get_array().get(array); e != SUCCESS) return e;
      return walk_array(array, Context{}, 0);
    }
    return simdjson::TAPE_ERROR;  // a bare scalar is no Sentry item
  }

  [[nodiscard]] bool changed() const noexcept { return changed_; }

 private:
  error_code walk_value(od::value value, Context at, int depth) {
    if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
    od::json_type type;
    if (auto e = value.type().get(type); e != SUCCESS) return e;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto e = value.get_object().get(object); e != SUCCESS) return e;
        return walk_object(object, at, depth + 1);
      }
      case od::json_type::array: {
        od::array array;
        if (auto e = value.get_array().get(array); e != SUCCESS) return e;
        return walk_array(array, at, depth + 1);
      }
      case od::json_type::string: {
        std::string_view text;
        if (auto e = value.get_string().get(text); e != SUCCESS) return e;
        if (one_of(at.key, kStructuralKeys)) {
          writer_.value(text);
          return SUCCESS;
        }
        scratch_.assign(text);
        changed_ |= redactor_.redact_text(scratch_);
        writer_.value(scratch_);
        return SUCCESS;
      }
      case od::json_type::number: {
        od::number number;
        if (auto e = value.get_number().get(number); e != SUCCESS) return e;
        writer_.raw(trim_right(value.raw_json_token()));
        return SUCCESS;
      }
      case od::json_type::boolean: {
        bool flag = false;
        if (auto e = value.get_bool().get(flag); e != SUCCESS) return e;
        writer_.value(flag);
        return SUCCESS;
      }
      case od::json_type::null: {
        bool null = false;
        if (auto e = value.is_null().get(null); e != SUCCESS || !null) return e != SUCCESS ? e : simdjson::N_ATOM_ERROR;
        writer_.null();
        return SUCCESS;
      }
    }
    return simdjson::INCORRECT_TYPE;
  }

  // What to do with the value of `key` inside `parent`.
  enum class Verdict { keep, filter, drop };

  Verdict verdict(std::string_view key, std::string_view parent) const {
    const bool pii_off = !redactor_.send_default_pii();
    if (pii_off && parent == "request" && key == "cookies") return Verdict::drop;  // never collected without PII
    if (pii_off && is_pii_key(key)) return parent == "user" ? Verdict::drop : Verdict::filter;
    if (is_denylisted_key(key)) return Verdict::filter;
    return Verdict::keep;
  }

  error_code walk_object(od::object object, Context at, int depth) {
    writer_.begin_object();
    for (auto field_result : object) {
      od::field field;
      if (auto e = std::move(field_result).get(field); e != SUCCESS) return e;
      std::string_view key_view;
      if (auto e = field.unescaped_key().get(key_view); e != SUCCESS) return e;
      const std::string key(key_view);  // the parser's string buffer moves on with the value
      if (key == "_meta") {  // the SDK's annotations of what it removed: no data, kept as they are
        std::string_view raw;
        if (auto e = raw_value(field.value(), raw); e != SUCCESS) return e;
        writer_.key(key).raw(raw);
        continue;
      }
      const Verdict v = verdict(key, at.key);
      if (v == Verdict::drop) {
        changed_ = true;
        continue;
      }
      writer_.key(key);
      if (v == Verdict::filter) {
        if (auto e = write_filtered(field.value(), at.key == "attributes"); e != SUCCESS) return e;
        continue;
      }
      if (auto e = walk_value(field.value(), Context{key, at.key}, depth); e != SUCCESS) return e;
    }
    writer_.end_object();
    return SUCCESS;
  }

  error_code walk_array(od::array array, Context at, int depth) {
    writer_.begin_array();
    // [["Authorization", "Bearer ..."], ...]: Sentry accepts headers, cookies and query strings as pairs.
    const bool pairs = at.key == "headers" || at.key == "cookies" || at.key == "query_string" || at.key == "data";
    for (auto element_result : array) {
      od::value element;
      if (auto e = std::move(element_result).get(element); e != SUCCESS) return e;
      if (pairs) {
        od::json_type type;
        if (auto e = element.type().get(type); e != SUCCESS) return e;
        if (type == od::json_type::array) {
          od::array pair;
          if (auto e = element.get_array().get(pair); e != SUCCESS) return e;
          if (auto e = walk_pair(pair, at, depth + 1); e != SUCCESS) return e;
          continue;
        }
      }
      if (auto e = walk_value(element, Context{{}, at.key}, depth); e != SUCCESS) return e;
    }
    writer_.end_array();
    return SUCCESS;
  }

  error_code walk_pair(od::array pair, Context at, int depth) {
    writer_.begin_array();
    std::string key;
    std::size_t index = 0;
    for (auto element_result : pair) {
      od::value element;
      if (auto e = std::move(element_result).get(element); e != SUCCESS) return e;
      if (index == 0) {
        std::string_view text;
        if (element.get_string().get(text) == SUCCESS) {
          key.assign(text);
          writer_.value(key);
          ++index;
          continue;
        }
      }
      if (index == 1 && !key.empty()) {
        const Verdict v = verdict(key, "pair");
        if (v != Verdict::keep) {
          if (auto e = write_filtered(element, false); e != SUCCESS) return e;
          ++index;
          continue;
        }
      }
      if (auto e = walk_value(element, Context{{}, at.key}, depth); e != SUCCESS) return e;
      ++index;
    }
    writer_.end_array();
    return SUCCESS;
  }

  // "[Filtered]" in place of the value (and its whole subtree); null stays null (nothing to hide).
  // A typed attribute of a log or span item ({"value": ..., "type": ...}) keeps its shape.
  error_code write_filtered(od::value value, bool typed_attribute) {
    od::json_type type;
    if (auto e = value.type().get(type); e != SUCCESS) return e;
    if (type == od::json_type::null) {
      writer_.null();
      return SUCCESS;
    }
    if (type == od::json_type::string) {
      std::string_view text;
      if (auto e = value.get_string().get(text); e != SUCCESS) return e;
      changed_ |= text != kFiltered;
      writer_.value(kFiltered);
      return SUCCESS;
    }
    if (auto e = skip(value); e != SUCCESS) return e;
    changed_ = true;
    if (typed_attribute && type == od::json_type::object) {
      writer_.begin_object().field("value", kFiltered).field("type", "string").end_object();
    } else {
      writer_.value(kFiltered);
    }
    return SUCCESS;
  }

  // Consumes (and so validates) a value that is not written.
  static error_code skip(od::value value) {
    od::json_type type;
    if (auto e = value.type().get(type); e != SUCCESS) return e;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto e = value.get_object().get(object); e != SUCCESS) return e;
        std::string_view raw;
        return object.raw_json().get(raw);
      }
      case od::json_type::array: {
        od::array array;
        if (auto e = value.get_array().get(array); e != SUCCESS) return e;
        std::string_view raw;
        return array.raw_json().get(raw);
      }
      case od::json_type::number: {
        od::number number;
        return value.get_number().get(number);
      }
      case od::json_type::boolean: {
        bool flag = false;
        return value.get_bool().get(flag);
      }
      default:
        return SUCCESS;
    }
  }

  const Redactor& redactor_;
  json::Writer writer_;
  std::string scratch_;
  bool changed_ = false;
};

// simdjson reads past the end of its input: copy into a padded buffer.
simdjson::padded_string padded(std::string_view text) { return simdjson::padded_string(text.data(), text.size()); }

struct ItemHeader {
  std::string type;
  std::optional<std::size_t> length;
};

Result<ItemHeader> parse_item_header(od::parser& parser, std::string_view line) {
  const auto buffer = padded(line);
  od::document doc;
  if (auto e = parser.iterate(buffer).get(doc); e != SUCCESS) return malformed("item header", e);
  od::object object;
  if (auto e = doc.get_object().get(object); e != SUCCESS) return malformed("item header", e);
  ItemHeader header;
  for (auto field_result : object) {
    od::field field;
    if (auto e = std::move(field_result).get(field); e != SUCCESS) return malformed("item header", e);
    std::string_view key;
    if (auto e = field.unescaped_key().get(key); e != SUCCESS) return malformed("item header", e);
    if (key == "type") {
      std::string_view type;
      if (auto e = field.value().get_string().get(type); e != SUCCESS) return malformed("item header type", e);
      header.type.assign(type);
    } else if (key == "length") {
      std::uint64_t length = 0;
      if (auto e = field.value().get_uint64().get(length); e != SUCCESS) return malformed("item header length", e);
      header.length = static_cast<std::size_t>(length);
    }
  }
  return header;
}

// The item header line with "length" set to `length` (every other field kept as it was).
Result<std::string> with_length(od::parser& parser, std::string_view line, std::size_t length) {
  const auto buffer = padded(line);
  od::document doc;
  if (auto e = parser.iterate(buffer).get(doc); e != SUCCESS) return malformed("item header", e);
  od::object object;
  if (auto e = doc.get_object().get(object); e != SUCCESS) return malformed("item header", e);
  std::string out;
  json::Writer writer(out);
  writer.begin_object();
  for (auto field_result : object) {
    od::field field;
    if (auto e = std::move(field_result).get(field); e != SUCCESS) return malformed("item header", e);
    std::string_view raw_key;
    if (auto e = field.unescaped_key().get(raw_key); e != SUCCESS) return malformed("item header", e);
    const std::string key(raw_key);
    writer.key(key);
    if (key == "length") {
      writer.value(static_cast<std::uint64_t>(length));
      continue;
    }
    std::string_view raw;
    if (auto e = raw_value(field.value(), raw); e != SUCCESS) return malformed("item header", e);
    writer.raw(raw);
  }
  writer.end_object();
  return out;
}

}  // namespace

Result<bool> Redactor::scrub_json(std::string& json) const {
  od::parser parser;
  const auto buffer = padded(json);
  od::document doc;
  if (auto e = parser.iterate(buffer).get(doc); e != SUCCESS) return malformed("JSON item", e);
  std::string out;
  out.reserve(json.size());
  JsonScrubber scrubber(*this, out);
  if (auto e = scrubber.document(doc); e != SUCCESS) return malformed("JSON item", e);
  if (!scrubber.changed()) return false;
  json.swap(out);
  return true;
}

Result<std::size_t> Redactor::scrub_envelope(std::string& envelope) const {
  const std::string_view in(envelope);
  const auto header_end = in.find('\n');
  if (header_end == std::string_view::npos) return std::size_t{0};  // headers only: nothing to scrub
  std::string out(in.substr(0, header_end + 1));
  od::parser parser;
  std::size_t changed = 0;
  std::size_t pos = header_end + 1;
  while (pos < in.size()) {
    const auto line_end = std::min(in.find('\n', pos), in.size());
    const auto header_line = in.substr(pos, line_end - pos);
    if (header_line.empty()) {  // a blank line between items or the envelope's last newline
      out += in.substr(pos, std::min(line_end + 1, in.size()) - pos);
      pos = line_end + 1;
      continue;
    }
    auto header = parse_item_header(parser, header_line);
    if (!header) return header.error();
    const std::size_t payload_begin = std::min(line_end + 1, in.size());
    std::size_t payload_end = 0;
    if (header->length) {
      payload_end = payload_begin + *header->length;
      if (payload_end > in.size()) return make_error("envelope", "item payload is shorter than its length");
      if (payload_end < in.size() && in[payload_end] != '\n') {
        return make_error("envelope", "item payload is not followed by a newline");
      }
    } else {
      payload_end = std::min(in.find('\n', payload_begin), in.size());
    }
    std::string payload(in.substr(payload_begin, payload_end - payload_begin));
    bool payload_changed = false;
    if (one_of(std::string_view(header->type), kJsonItemTypes) && !payload.empty()) {
      auto scrubbed = scrub_json(payload);
      if (!scrubbed) return scrubbed.error();
      payload_changed = *scrubbed;
    }
    if (payload_changed && header->length) {
      auto rewritten = with_length(parser, header_line, payload.size());
      if (!rewritten) return rewritten.error();
      out += *rewritten;
    } else {
      out += header_line;
    }
    if (line_end < in.size()) out += '\n';
    out += payload;
    if (payload_end < in.size()) out += '\n';
    changed += payload_changed ? 1 : 0;
    pos = payload_end + 1;
  }
  if (changed > 0) envelope.swap(out);
  return changed;
}

}  // namespace lambda_relay::insight
