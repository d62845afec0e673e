// Telemetry API batches → typed events, with simdjson On-Demand: one pass over the batch, one parser
// and one Event per thread, reused from batch to batch and from event to event.
#include <lambda_relay/decode.hpp>

#include "telemetry/array_cut.hpp"
#include "telemetry/reuse.hpp"
#include "telemetry/scan.hpp"
#include "telemetry/timestamp.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace lambda_relay::telemetry {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using namespace reuse;  // NOLINT(google-build-using-namespace): private helpers of this file
using namespace scan;   // NOLINT(google-build-using-namespace)

// Unknown values (and structured log records) are validated by walking them; deeper than this, an
// event is rejected instead of recursing further.
constexpr int kMaxUnknownDepth = 128;

// ---------------------------------------------------------------------------------------------------
// Per-thread state

// One spare object per record alternative: when the record type of the reused Event changes, the old
// alternative is parked here and the new one taken from here, so their strings keep their capacity.
template <typename Variant>
struct SpareOf;
template <typename... Ts>
struct SpareOf<std::variant<Ts...>> {
  using type = std::tuple<Ts...>;
};
using RecordSpares = SpareOf<Record>::type;

struct Workspace {
  od::parser parser;
  std::string buffer;  // the batch, copied with SIMDJSON_PADDING bytes after it
  Event event;
  RecordSpares spares;
};

// The thread's workspace, or a private one when decode is re-entered from a callback on this thread.
class Lease {
 public:
  Lease() {
    if (busy_) {
      own_ = std::make_unique<Workspace>();
      workspace_ = own_.get();
    } else {
      busy_ = true;
      workspace_ = &shared();
    }
  }
  ~Lease() {
    if (!own_) busy_ = false;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Workspace& operator*() const { return *workspace_; }
  Workspace* operator->() const { return workspace_; }

 private:
  static Workspace& shared() {
    thread_local Workspace workspace;
    return workspace;
  }
  static thread_local bool busy_;
  std::unique_ptr<Workspace> own_;
  Workspace* workspace_ = nullptr;
};
thread_local bool Lease::busy_ = false;

// Copies `text` (+ `suffix`) into the workspace buffer followed by simdjson's padding.
simdjson::padded_string_view padded(Workspace& ws, std::string_view text, std::string_view suffix = {}) {
  const std::size_t length = text.size() + suffix.size();
  if (ws.buffer.size() < length + simdjson::SIMDJSON_PADDING) ws.buffer.resize(length + simdjson::SIMDJSON_PADDING);
  char* data = ws.buffer.data();
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  if (!suffix.empty()) std::memcpy(data + text.size(), suffix.data(), suffix.size());
  std::memset(data + length, ' ', simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(data, length, ws.buffer.size());
}

template <typename T>
T& take(Record& record, RecordSpares& spares) {
  if (auto* current = std::get_if<T>(&record)) return *current;
  std::visit([&](auto& old) { std::get<std::decay_t<decltype(old)>>(spares) = std::move(old); }, record);
  return record.template emplace<T>(std::move(std::get<T>(spares)));
}

// key == literal, with the length known at compile time (memcmp inlined).
template <std::size_t N>
inline bool is(std::string_view key, const char (&literal)[N]) noexcept {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// Errors after which the iterator still knows where it is, so the next event can be decoded.
constexpr bool is_recoverable(error_code code) noexcept {
  switch (code) {
    case simdjson::SUCCESS:  // a semantic error of ours (e.g. a malformed time)
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::STRING_ERROR:
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Field paths for error messages ("record.spans[1].durationMs"), built on the stack, formatted only
// when something fails.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  // empty for an array element
  std::size_t index = 0;
};

void append_path(std::string& out, const Path* path) {
  if (path == nullptr) return;
  append_path(out, path->parent);
  if (path->name.empty()) {
    fmt::format_to(std::back_inserter(out), "[{}]", path->index);
  } else {
    if (path->parent != nullptr) out.push_back('.');
    out.append(path->name);
  }
}

// ---------------------------------------------------------------------------------------------------
// The event decoder: every function returns false after recording a failure.
class EventDecoder {
 public:
  EventDecoder(const char* base, std::size_t length, RecordSpares& spares)
      : base_(base), length_(length), spares_(spares) {}

  bool decode(od::object envelope, const char* at, Event& event);

  [[nodiscard]] bool recoverable() const noexcept { return is_recoverable(code_); }
  [[nodiscard]] std::size_t error_offset() const noexcept { return offset_; }
  // "platform.report: record.metrics.durationMs is not a number"
  [[nodiscard]] std::string error_message() const {
    std::string message = type_known_ ? std::string(type_text_) : std::string("event");
    message += ": ";
    message += detail_;
    return message;
  }
  // Records a failure found outside any event field (e.g. the element is not an object).
  bool fail_at(const char* at, std::string_view what, error_code code) {
    return fail(at, nullptr, what, code);
  }

 private:
  // --- failures
  bool fail(const char* at, const Path* path, std::string_view what, error_code code) {
    code_ = code;
    offset_ = offset_of(at);
    detail_.clear();
    append_path(detail_, path);
    if (!detail_.empty()) detail_.push_back(' ');
    detail_.append(what);
    if (code != simdjson::SUCCESS && code != simdjson::INCORRECT_TYPE) {
      fmt::format_to(std::back_inserter(detail_), " ({})", simdjson::error_message(code));
    }
    return false;
  }
  bool fail(od::value& value, const Path& path, std::string_view what, error_code code) {
    return fail(value.raw_json_token().data(), &path, what, code);
  }
  std::size_t offset_of(const char* at) const noexcept {
    if (at == nullptr || at < base_ || at > base_ + length_) return length_;
    return static_cast<std::size_t>(at - base_);
  }
  const char* location(od::value& value) {
    const char* at = nullptr;
    if (value.current_location().get(at) != simdjson::SUCCESS) return base_ + length_;
    return at;
  }

  // --- scalars
  static bool is_null(od::value& value) {
    bool null = false;
    return value.is_null().get(null) == simdjson::SUCCESS && null;
  }
  // The text between the quotes of a string value, as written (escapes not decoded); false when the
  // value is not a string. The iterator stays on the value.
  [[gnu::always_inline]] static bool quoted(od::value& value, std::string_view& out) {
    std::string_view token = value.raw_json_token();
    if (token.size() < 2 || token.front() != '"') return false;
    if (token.back() != '"') {  // white space after the string
      while (token.size() > 1 && is_space(token.back())) token.remove_suffix(1);
      if (token.size() < 2 || token.back() != '"') return false;
    }
    out = token.substr(1, token.size() - 2);
    return true;
  }
  // Moves the iterator past a string value without unescaping it, so that it need not skip it later.
  [[gnu::always_inline]] static bool pass_string(od::value& value) {
    od::raw_json_string raw;
    return value.get_raw_json_string().get(raw) == simdjson::SUCCESS;
  }
  // A string without escapes is read straight from the input (most of Lambda's strings); the others
  // are unescaped by simdjson.
  [[gnu::always_inline]] static bool plain_string(od::value& value, std::string_view& out) {
    std::string_view text;
    if (!quoted(value, text) || has_backslash(text.data(), text.size()) || !pass_string(value)) return false;
    out = text;
    return true;
  }
  [[gnu::noinline]] static error_code unescaped_string(od::value& value, std::string_view& out) {
    return value.get_string().get(out);
  }
  [[gnu::always_inline]] static error_code get_string(od::value& value, std::string_view& out) {
    if (plain_string(value, out)) return simdjson::SUCCESS;
    return unescaped_string(value, out);
  }
  [[gnu::always_inline]] bool view(od::value& value, const Path& path, std::string_view& out) {
    return plain_string(value, out) || unescaped_view(value, path, out);
  }
  [[gnu::noinline]] bool unescaped_view(od::value& value, const Path& path, std::string_view& out) {
    const error_code code = unescaped_string(value, out);
    if (code == simdjson::SUCCESS) return true;
    return fail(value, path, code == simdjson::INCORRECT_TYPE ? "is not a string" : "is not a valid string", code);
  }
  // A text log line. Lambda keeps the line's end; one "\n" (or "\r\n") is stripped. Lines whose only
  // escape is that line end (most) are read straight from the input.
  bool line(od::value& value, const Path& path, std::string_view& out) {
    std::string_view text;
    if (quoted(value, text)) {
      if (strip_line_end(text, "\\n", '\n')) strip_line_end(text, "\\r", '\r');
      if (!has_backslash(text.data(), text.size()) && pass_string(value)) {
        out = text;
        return true;
      }
    }
    if (!view(value, path, text)) return false;
    if (!text.empty() && text.back() == '\n') {
      text.remove_suffix(1);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    }
    out = text;
    return true;
  }
  // Removes a final `character` from still-escaped text, written as `escape` or as itself.
  static bool strip_line_end(std::string_view& text, std::string_view escape, char character) {
    if (text.ends_with(escape)) {
      text.remove_suffix(escape.size());
      return true;
    }
    if (!text.empty() && text.back() == character) {
      text.remove_suffix(1);
      return true;
    }
    return false;
  }
  bool string(od::value& value, const Path& path, std::string& out) {
    std::string_view text;
    if (!view(value, path, text)) return false;
    set(out, text);
    return true;
  }
  // Optional fields: null counts as absent.
  bool opt_string(od::value& value, const Path& path, std::optional<std::string>& out, bool& seen) {
    std::string_view text;
    const error_code code = get_string(value, text);
    if (code == simdjson::SUCCESS) {
      assign(out, text);
      seen = true;
      return true;
    }
    if (code == simdjson::INCORRECT_TYPE && is_null(value)) {
      seen = false;
      return true;
    }
    return fail(value, path, code == simdjson::INCORRECT_TYPE ? "is not a string" : "is not a valid string", code);
  }
  bool milliseconds(od::value& value, const Path& path, Milliseconds& out) {
    double number = 0;
    const error_code code = value.get_double().get(number);
    if (code == simdjson::SUCCESS) {
      out = Milliseconds(number);
      return true;
    }
    return fail(value, path, code == simdjson::INCORRECT_TYPE ? "is not a number" : "is not a valid number", code);
  }
  bool opt_milliseconds(od::value& value, const Path& path, std::optional<Milliseconds>& out, bool& seen) {
    double number = 0;
    if (value.get_double().get(number) == simdjson::SUCCESS) {
      out = Milliseconds(number);
      seen = true;
      return true;
    }
    if (is_null(value)) {
      seen = false;
      return true;
    }
    Milliseconds duration{};
    if (!milliseconds(value, path, duration)) return false;
    out = duration;
    seen = true;
    return true;
  }
  // Integers; an integral number written with a fraction or exponent ("439.0", "1e3") is accepted.
  template <typename Int>
  bool integer(od::value& value, const Path& path, Int& out, bool allow_digit_string = false) {
    error_code code;
    if constexpr (std::is_signed_v<Int>) {
      code = value.get_int64().get(out);
    } else {
      code = value.get_uint64().get(out);
    }
    if (code == simdjson::SUCCESS) return true;
    double number = 0;
    const error_code as_double = value.get_double().get(number);
    if (as_double == simdjson::SUCCESS) {
      constexpr double kUpper = std::is_signed_v<Int> ? 9223372036854775808.0 : 18446744073709551616.0;
      constexpr double kLower = std::is_signed_v<Int> ? -9223372036854775808.0 : 0.0;
      if (std::trunc(number) != number) return fail(value, path, "is not an integer", simdjson::SUCCESS);
      if (number < kLower || number >= kUpper) return fail(value, path, "is out of range", simdjson::SUCCESS);
      out = static_cast<Int>(number);
      return true;
    }
    if (as_double == simdjson::INCORRECT_TYPE && allow_digit_string) {
      // The Doc types restoreStart.instanceMaxMemory as a string: accept "1073741824".
      std::string_view text;
      if (value.get_string().get(text) == simdjson::SUCCESS && !text.empty() && text.size() <= 19) {
        std::uint64_t parsed = 0;
        for (const char c : text) {
          if (c < '0' || c > '9') return fail(value, path, "is not an integer", simdjson::SUCCESS);
          parsed = parsed * 10 + static_cast<std::uint64_t>(c - '0');
        }
        out = static_cast<Int>(parsed);
        return true;
      }
      return fail(value, path, "is not an integer", simdjson::SUCCESS);
    }
    return fail(value, path, as_double == simdjson::INCORRECT_TYPE ? "is not a number" : "is not a valid number",
                as_double);
  }
  template <typename Int>
  bool opt_integer(od::value& value, const Path& path, std::optional<Int>& out, bool& seen,
                   bool allow_digit_string = false) {
    Int number{};
    error_code code;
    if constexpr (std::is_signed_v<Int>) {
      code = value.get_int64().get(number);
    } else {
      code = value.get_uint64().get(number);
    }
    if (code == simdjson::SUCCESS) {
      out = number;
      seen = true;
      return true;
    }
    if (is_null(value)) {
      seen = false;
      return true;
    }
    if (!integer(value, path, number, allow_digit_string)) return false;
    out = number;
    seen = true;
    return true;
  }
  bool time(od::value& value, const Path& path, Timestamp& out) {
    std::string_view text;
    if (!view(value, path, text)) return false;
    if (parse_time_.parse(text, out)) return true;
    return fail(value, path, "is not an ISO-8601 time", simdjson::SUCCESS);
  }
  template <typename Enum>
  bool named(od::value& value, const Path& path, Named<Enum>& out, Enum (*parse)(std::string_view) noexcept) {
    std::string_view text;
    if (!view(value, path, text)) return false;
    out.value = parse(text);
    set(out.text, text);
    return true;
  }
  template <typename Enum>
  bool opt_named(od::value& value, const Path& path, std::optional<Named<Enum>>& out, bool& seen,
                 Enum (*parse)(std::string_view) noexcept) {
    if (is_null(value)) {
      seen = false;
      return true;
    }
    seen = true;
    return named(value, path, engage(out), parse);
  }
  template <typename Enum>
  static void unset(Named<Enum>& field) {
    field.value = Enum::unknown;
    field.text.clear();
  }

  // --- containers
  bool object(od::value& value, const Path& path, od::object& out) {
    const error_code code = value.get_object().get(out);
    if (code == simdjson::SUCCESS) return true;
    return fail(value, path, "is not an object", code);
  }
  bool array(od::value& value, const Path& path, od::array& out) {
    const error_code code = value.get_array().get(out);
    if (code == simdjson::SUCCESS) return true;
    return fail(value, path, "is not an array", code);
  }
  // Optional containers: null counts as absent (`present` false). The type is tried first, null only
  // when it does not match: most of these are there.
  bool opt_object(od::value& value, const Path& path, od::object& out, bool& present) {
    const error_code code = value.get_object().get(out);
    present = code == simdjson::SUCCESS;
    if (present || (code == simdjson::INCORRECT_TYPE && is_null(value))) return true;
    return fail(value, path, "is not an object", code);
  }
  bool opt_array(od::value& value, const Path& path, od::array& out, bool& present) {
    const error_code code = value.get_array().get(out);
    present = code == simdjson::SUCCESS;
    if (present || (code == simdjson::INCORRECT_TYPE && is_null(value))) return true;
    return fail(value, path, "is not an array", code);
  }
  // A key without escapes, straight from the input. Its closing quote is found from its value: stage 1
  // put only white space and the ':' between the two (compact JSON: nothing but the ':').
  [[gnu::always_inline]] static bool plain_key(od::field& field, od::value& value, std::string_view& out) {
    const char* start = field.key().raw();
    const char* value_start = value.raw_json_token().data();
    const char* end = value_start - 2;
    if (end[1] != ':' || end[0] != '"') {
      --end;  // "key": value, as pretty-printed
      if (end[2] != ' ' || end[1] != ':' || end[0] != '"') end = key_end(start, value_start);
      if (end == nullptr) return false;
    }
    const auto size = static_cast<std::size_t>(end - start);
    if (has_backslash(start, size)) return false;
    out = std::string_view(start, size);
    return true;
  }
  // The closing quote of a key whose value starts at `value`, with white space around the ':'.
  [[gnu::noinline]] static const char* key_end(const char* start, const char* value) {
    const char* end = value;
    do --end; while (end > start && is_space(*end));
    if (end <= start || *end != ':') return nullptr;
    do --end; while (end > start && is_space(*end));
    if (end < start || *end != '"') return nullptr;
    return end;
  }
  // Iterates the fields of `object`, calling on_field(key, value); stops at the first failure.
  template <typename OnField>
  bool fields(od::object& object, const Path* path, const char* at, OnField&& on_field) {
    for (auto result : object) {
      error_code code = result.error();
      if (code != simdjson::SUCCESS) return fail(at, path, path ? "is not a valid object" : "not a valid object", code);
      od::field& field = result.value_unsafe();
      std::string_view key;
      if (!plain_key(field, field.value(), key)) {
        code = field.unescaped_key().get(key);
        if (code != simdjson::SUCCESS) return fail(at, path, path ? "has a malformed key" : "malformed key", code);
      }
      if (!on_field(key, field.value())) return false;
    }
    return true;
  }
  template <typename OnElement>
  bool elements(od::array& array, const Path& path, const char* at, OnElement&& on_element) {
    std::size_t index = 0;
    for (auto result : array) {
      const error_code code = result.error();
      if (code != simdjson::SUCCESS) return fail(at, &path, "is not a valid array", code);
      od::value& element = result.value_unsafe();
      const Path element_path{&path, {}, index};
      if (!on_element(element, element_path)) return false;
      ++index;
    }
    return true;
  }
  bool strings(od::value& value, const Path& path, std::vector<std::string>& out) {
    od::array items;
    if (!array(value, path, items)) return false;
    std::size_t used = 0;
    const bool ok = elements(items, path, value.raw_json_token().data(), [&](od::value& item, const Path& item_path) {
      return string(item, item_path, next_slot(out, used));
    });
    if (!ok) return false;
    truncate(out, used);
    return true;
  }

  // --- unknown content: validated, kept verbatim
  bool validate(od::value& value, const Path& path, int depth) {
    if (depth > kMaxUnknownDepth) return fail(value, path, "is nested too deeply", simdjson::SUCCESS);
    od::json_type type;
    error_code code = value.type().get(type);
    if (code != simdjson::SUCCESS) return fail(value, path, "is not valid JSON", code);
    switch (type) {
      case od::json_type::object: {
        od::object object;
        code = value.get_object().get(object);
        if (code != simdjson::SUCCESS) return fail(value, path, "is not valid JSON", code);
        const char* at = value.raw_json_token().data();
        return fields(object, &path, at, [&](std::string_view key, od::value& member) {
          const Path member_path{&path, key, 0};
          return validate(member, member_path, depth + 1);
        });
      }
      case od::json_type::array: {
        od::array items;
        code = value.get_array().get(items);
        if (code != simdjson::SUCCESS) return fail(value, path, "is not valid JSON", code);
        return elements(items, path, value.raw_json_token().data(),
                        [&](od::value& item, const Path& item_path) { return validate(item, item_path, depth + 1); });
      }
      case od::json_type::string: {
        std::string_view text;
        code = value.get_string().get(text);
        break;
      }
      case od::json_type::number: {
        od::number number;
        code = value.get_number().get(number);
        break;
      }
      case od::json_type::boolean: {
        bool flag = false;
        code = value.get_bool().get(flag);
        break;
      }
      case od::json_type::null: {
        bool null = false;
        code = value.is_null().get(null);
        if (code == simdjson::SUCCESS && !null) code = simdjson::N_ATOM_ERROR;
        break;
      }
    }
    if (code != simdjson::SUCCESS) return fail(value, path, "is not valid JSON", code);
    return true;
  }
  // The value's JSON text, validated.
  bool raw(od::value& value, const Path& path, std::string_view& out) {
    const std::string_view token = value.raw_json_token();
    const char* start = token.data();
    if (!validate(value, path, 0)) return false;
    if (*start != '{' && *start != '[') {  // a scalar is its token (and some getters do not move past it)
      out = trim_right(token);
      return true;
    }
    const char* end = location(value);
    if (end < start) return fail(start, &path, "could not be delimited", simdjson::UNEXPECTED_ERROR);
    out = trim_right(std::string_view(start, static_cast<std::size_t>(end - start)));
    return true;
  }
  bool unknown(std::string_view key, od::value& value, const Path* parent, UnknownFields& out, std::size_t& used) {
    const Path path{parent, key, 0};
    std::string_view json;
    if (!raw(value, path, json)) return false;
    UnknownField& field = next_slot(out, used);
    set(field.key, key);
    set(field.json, json);
    return true;
  }

  // --- shared record parts
  bool span(od::value& value, const Path& path, Span& out) {
    od::object object;
    if (!this->object(value, path, object)) return false;
    bool name = false, start = false, duration = false;
    std::size_t unknown_used = 0;
    const bool ok = fields(object, &path, value.raw_json_token().data(), [&](std::string_view key, od::value& field) {
      const Path field_path{&path, key, 0};
      if (is(key, "name")) {
        std::string_view text;
        if (!view(field, field_path, text)) return false;
        name = true;
        out.name = parse_span_name(text);
        set(out.name_text, text);
        return true;
      }
      if (is(key, "start")) {
        start = true;
        return time(field, field_path, out.start);
      }
      if (is(key, "durationMs")) {
        duration = true;
        return milliseconds(field, field_path, out.duration);
      }
      return unknown(key, field, &path, out.unknown, unknown_used);
    });
    if (!ok) return false;
    if (!name) {
      out.name = SpanName::unknown;
      out.name_text.clear();
    }
    if (!start) out.start = Timestamp{};
    if (!duration) out.duration = Milliseconds{};
    truncate(out.unknown, unknown_used);
    return true;
  }
  bool spans(od::value& value, const Path& path, std::vector<Span>& out) {
    od::array items;
    bool present = false;
    if (!opt_array(value, path, items, present)) return false;
    if (!present) {
      truncate(out, 0);
      return true;
    }
    std::size_t used = 0;
    const bool ok = elements(items, path, value.raw_json_token().data(), [&](od::value& item, const Path& item_path) {
      return span(item, item_path, next_slot(out, used));
    });
    if (!ok) return false;
    truncate(out, used);
    return true;
  }
  bool tracing(od::value& value, const Path& path, std::optional<TraceContext>& out, bool& seen) {
    od::object object;
    if (!opt_object(value, path, object, seen)) return false;
    if (!seen) return true;
    TraceContext& trace = engage(out);
    bool span_id = false, type = false, trace_value = false;
    std::size_t unknown_used = 0;
    const bool ok = fields(object, &path, value.raw_json_token().data(), [&](std::string_view key, od::value& field) {
      const Path field_path{&path, key, 0};
      if (is(key, "spanId")) return opt_string(field, field_path, trace.span_id, span_id);
      if (is(key, "type")) {
        type = true;
        return string(field, field_path, trace.type);
      }
      if (is(key, "value")) {
        trace_value = true;
        return string(field, field_path, trace.value);
      }
      return unknown(key, field, &path, trace.unknown, unknown_used);
    });
    if (!ok) return false;
    keep_if(trace.span_id, span_id);
    if (!type) trace.type.clear();
    if (!trace_value) trace.value.clear();
    truncate(trace.unknown, unknown_used);
    return true;
  }

  // --- records
  bool record(od::value& value, const Path& path, Event& event);
  bool log_record(od::value& value, const Path& path, LogRecord& out);
  bool record(od::object& object, const Path& path, const char* at, InitStart& out);
  bool record(od::object& object, const Path& path, const char* at, InitRuntimeDone& out);
  bool record(od::object& object, const Path& path, const char* at, InitReport& out);
  bool record(od::object& object, const Path& path, const char* at, Start& out);
  bool record(od::object& object, const Path& path, const char* at, RuntimeDone& out);
  bool record(od::object& object, const Path& path, const char* at, Report& out);
  bool record(od::object& object, const Path& path, const char* at, RestoreStart& out);
  bool record(od::object& object, const Path& path, const char* at, RestoreRuntimeDone& out);
  bool record(od::object& object, const Path& path, const char* at, RestoreReport& out);
  bool record(od::object& object, const Path& path, const char* at, PlatformExtension& out);
  bool record(od::object& object, const Path& path, const char* at, Subscription& out);
  bool record(od::object& object, const Path& path, const char* at, LogsDropped& out);
  bool record(od::object& object, const Path& path, const char* at, End& out);

  template <typename T>
  bool object_record(od::value& value, const Path& path, Event& event) {
    od::object object;
    if (!this->object(value, path, object)) return false;
    return record(object, path, value.raw_json_token().data(), take<T>(event.record, spares_));
  }

  const char* base_;
  std::size_t length_;
  RecordSpares& spares_;
  std::string_view type_text_;
  bool type_known_ = false;
  error_code code_ = simdjson::SUCCESS;
  std::size_t offset_ = 0;
  std::string detail_;
  TimestampParser parse_time_;
};

bool EventDecoder::decode(od::object envelope, const char* at, Event& event) {
  type_known_ = false;
  type_text_ = {};
  bool has_time = false, has_type = false, has_record = false;
  std::size_t record_position = 0, position = 0;
  bool record_deferred = false;
  std::size_t unknown_used = 0;
  // A failure in `time` is reported once the type is known, so that the message can name it.
  bool time_failed = false;
  std::size_t time_offset = 0;
  std::string time_detail;
  error_code time_code = simdjson::SUCCESS;

  const bool ok = fields(envelope, nullptr, at, [&](std::string_view key, od::value& value) {
    const std::size_t index = position++;
    if (is(key, "time")) {
      const Path path{nullptr, "time", 0};
      if (has_time) return fail(value, path, "appears twice", simdjson::SUCCESS);
      has_time = true;
      if (!time(value, path, event.time)) {
        if (!recoverable()) return false;
        time_failed = true;
        time_offset = offset_;
        time_detail = detail_;
        time_code = code_;
      }
      return true;
    }
    if (is(key, "type")) {
      const Path path{nullptr, "type", 0};
      if (has_type) return fail(value, path, "appears twice", simdjson::SUCCESS);
      std::string_view text;
      if (!view(value, path, text)) return false;
      has_type = true;
      set(event.type_text, text);
      event.type = parse_event_type(text);
      type_text_ = event.type_text;
      type_known_ = true;
      return true;
    }
    if (is(key, "record")) {
      const Path path{nullptr, "record", 0};
      if (has_record) return fail(value, path, "appears twice", simdjson::SUCCESS);
      has_record = true;
      if (!has_type || time_failed) {  // decode it once the type is known (or not at all)
        record_deferred = true;
        record_position = index;
        return true;
      }
      return record(value, path, event);
    }
    return unknown(key, value, nullptr, event.unknown, unknown_used);
  });
  if (!ok) return false;
  if (time_failed) {
    code_ = time_code;
    offset_ = time_offset;
    detail_ = time_detail;
    return false;
  }
  if (!has_type) return fail(at, nullptr, "type is missing", simdjson::SUCCESS);
  if (!has_time) return fail(at, nullptr, "time is missing", simdjson::SUCCESS);
  if (!has_record) return fail(at, nullptr, "record is missing", simdjson::SUCCESS);
  if (record_deferred) {
    // "record" came before "type": go over the object again, without touching the keys (their
    // unescaped copies must not be made twice), to the field's position.
    bool rewound = false;
    if (const error_code code = envelope.reset().get(rewound); code != simdjson::SUCCESS) {
      return fail(at, nullptr, "could not be read twice", code);
    }
    std::size_t index = 0;
    for (auto result : envelope) {
      od::field field;
      if (const error_code code = std::move(result).get(field); code != simdjson::SUCCESS) {
        return fail(at, nullptr, "is not a valid object", code);
      }
      if (index++ == record_position) {  // (the loop goes on to the end of the object)
        const Path path{nullptr, "record", 0};
        if (!record(field.value(), path, event)) return false;
      }
    }
  }
  truncate(event.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::value& value, const Path& path, Event& event) {
  switch (event.type) {
    case EventType::platform_init_start: return object_record<InitStart>(value, path, event);
    case EventType::platform_init_runtime_done: return object_record<InitRuntimeDone>(value, path, event);
    case EventType::platform_init_report: return object_record<InitReport>(value, path, event);
    case EventType::platform_start: return object_record<Start>(value, path, event);
    case EventType::platform_runtime_done: return object_record<RuntimeDone>(value, path, event);
    case EventType::platform_report: return object_record<Report>(value, path, event);
    case EventType::platform_restore_start: return object_record<RestoreStart>(value, path, event);
    case EventType::platform_restore_runtime_done: return object_record<RestoreRuntimeDone>(value, path, event);
    case EventType::platform_restore_report: return object_record<RestoreReport>(value, path, event);
    case EventType::platform_extension: return object_record<PlatformExtension>(value, path, event);
    case EventType::platform_telemetry_subscription:
    case EventType::platform_logs_subscription: return object_record<Subscription>(value, path, event);
    case EventType::platform_logs_dropped: return object_record<LogsDropped>(value, path, event);
    case EventType::platform_end: return object_record<End>(value, path, event);
    case EventType::platform_fault:
    case EventType::function:
    case EventType::extension: return log_record(value, path, take<LogRecord>(event.record, spares_));
    case EventType::unknown: break;
  }
  std::string_view json;
  if (!raw(value, path, json)) return false;
  set(take<UnknownRecord>(event.record, spares_).json, json);
  return true;
}

bool EventDecoder::log_record(od::value& value, const Path& path, LogRecord& out) {
  od::json_type type;
  if (const error_code code = value.type().get(type); code != simdjson::SUCCESS) {
    return fail(value, path, "is not valid JSON", code);
  }
  if (type == od::json_type::string) {
    std::string_view text;
    if (!line(value, path, text)) return false;
    out.structured = false;
    set(out.text, text);
    out.json.clear();
    keep_if(out.timestamp, false);
    keep_if(out.level, false);
    keep_if(out.request_id, false);
    return true;
  }
  if (type != od::json_type::object) return fail(value, path, "is neither a string nor an object", simdjson::SUCCESS);

  // JSON log format: pick the common keys, keep the object (validated) verbatim.
  const char* start = value.raw_json_token().data();
  od::object object;
  if (!this->object(value, path, object)) return false;
  bool message = false, timestamp = false, level = false, request_id = false, aws_request_id = false;
  // A key whose value is not a string is left alone (runtimes write e.g. numeric levels).
  auto optional_text = [&](od::value& field, const Path& field_path, std::optional<std::string>& target, bool& seen) {
    std::string_view text;
    if (get_string(field, text) == simdjson::SUCCESS) {
      assign(target, text);
      seen = true;
      return true;
    }
    return validate(field, field_path, 1);
  };
  const bool ok = fields(object, &path, start, [&](std::string_view key, od::value& field) {
    const Path field_path{&path, key, 0};
    if (is(key, "message")) {
      std::string_view text;
      if (get_string(field, text) == simdjson::SUCCESS) {
        set(out.text, text);
        message = true;
        return true;
      }
      return validate(field, field_path, 1);
    }
    if (is(key, "timestamp")) return optional_text(field, field_path, out.timestamp, timestamp);
    if (is(key, "level")) return optional_text(field, field_path, out.level, level);
    if (is(key, "requestId")) return optional_text(field, field_path, out.request_id, request_id);
    if (is(key, "AWSRequestId") && !request_id) {
      std::string_view text;
      if (get_string(field, text) == simdjson::SUCCESS) {
        assign(out.request_id, text);
        aws_request_id = true;
        return true;
      }
    }
    return validate(field, field_path, 1);
  });
  if (!ok) return false;
  const char* end = location(value);
  if (end < start) return fail(start, &path, "could not be delimited", simdjson::UNEXPECTED_ERROR);
  out.structured = true;
  set(out.json, trim_right(std::string_view(start, static_cast<std::size_t>(end - start))));
  if (!message) out.text.clear();
  keep_if(out.timestamp, timestamp);
  keep_if(out.level, level);
  keep_if(out.request_id, request_id || aws_request_id);
  return true;
}

// Each record decoder below: known fields by name, the rest kept as unknown; fields a record lacks
// are reset, so that a reused record object holds exactly what this event says.

bool EventDecoder::record(od::object& object, const Path& path, const char* at, InitStart& out) {
  bool init_type = false, phase = false, runtime_version = false, runtime_arn = false, function_name = false,
       function_version = false, instance_id = false, max_memory = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "initializationType")) {
      init_type = true;
      return named(value, field, out.initialization_type, parse_init_type);
    }
    if (is(key, "phase")) {
      phase = true;
      return named(value, field, out.phase, parse_init_phase);
    }
    if (is(key, "runtimeVersion")) return opt_string(value, field, out.runtime_version, runtime_version);
    if (is(key, "runtimeVersionArn")) return opt_string(value, field, out.runtime_version_arn, runtime_arn);
    if (is(key, "functionName")) return opt_string(value, field, out.function_name, function_name);
    if (is(key, "functionVersion")) return opt_string(value, field, out.function_version, function_version);
    if (is(key, "instanceId")) return opt_string(value, field, out.instance_id, instance_id);
    if (is(key, "instanceMaxMemory")) return opt_integer(value, field, out.instance_max_memory, max_memory, true);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!init_type) unset(out.initialization_type);
  if (!phase) unset(out.phase);
  keep_if(out.runtime_version, runtime_version);
  keep_if(out.runtime_version_arn, runtime_arn);
  keep_if(out.function_name, function_name);
  keep_if(out.function_version, function_version);
  keep_if(out.instance_id, instance_id);
  keep_if(out.instance_max_memory, max_memory);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, InitRuntimeDone& out) {
  bool init_type = false, phase = false, status = false, error_type = false, spans_seen = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "initializationType")) {
      init_type = true;
      return named(value, field, out.initialization_type, parse_init_type);
    }
    if (is(key, "phase")) return opt_named(value, field, out.phase, phase, parse_init_phase);
    if (is(key, "status")) {
      status = true;
      return named(value, field, out.status, parse_status);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!init_type) unset(out.initialization_type);
  keep_if(out.phase, phase);
  if (!status) unset(out.status);
  keep_if(out.error_type, error_type);
  if (!spans_seen) truncate(out.spans, 0);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, InitReport& out) {
  bool init_type = false, phase = false, status = false, error_type = false, spans_seen = false, duration = false,
       billed = false;
  std::size_t unknown_used = 0, metrics_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "initializationType")) {
      init_type = true;
      return named(value, field, out.initialization_type, parse_init_type);
    }
    if (is(key, "phase")) {
      phase = true;
      return named(value, field, out.phase, parse_init_phase);
    }
    if (is(key, "status")) return opt_named(value, field, out.status, status, parse_status);
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    if (is(key, "metrics")) {
      duration = billed = false;
      metrics_used = 0;
      od::object metrics;
      bool present = false;
      if (!opt_object(value, field, metrics, present)) return false;
      if (!present) return true;
      return fields(metrics, &field, value.raw_json_token().data(), [&](std::string_view metric, od::value& number) {
        const Path metric_path{&field, metric, 0};
        if (is(metric, "durationMs")) {
          duration = true;
          return milliseconds(number, metric_path, out.duration);
        }
        if (is(metric, "billedDurationMs")) return opt_integer(number, metric_path, out.billed_duration_ms, billed);
        return unknown(metric, number, &field, out.unknown_metrics, metrics_used);
      });
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!init_type) unset(out.initialization_type);
  if (!phase) unset(out.phase);
  keep_if(out.status, status);
  keep_if(out.error_type, error_type);
  if (!spans_seen) truncate(out.spans, 0);
  if (!duration) out.duration = Milliseconds{};
  keep_if(out.billed_duration_ms, billed);
  truncate(out.unknown, unknown_used);
  truncate(out.unknown_metrics, metrics_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, Start& out) {
  bool request_id = false, version = false, function_arn = false, tenant_id = false, tracing_seen = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "requestId")) {
      request_id = true;
      return string(value, field, out.request_id);
    }
    if (is(key, "version")) return opt_string(value, field, out.version, version);
    if (is(key, "functionArn")) return opt_string(value, field, out.function_arn, function_arn);
    if (is(key, "tenantId")) return opt_string(value, field, out.tenant_id, tenant_id);
    if (is(key, "tracing")) return tracing(value, field, out.tracing, tracing_seen);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!request_id) out.request_id.clear();
  keep_if(out.version, version);
  keep_if(out.function_arn, function_arn);
  keep_if(out.tenant_id, tenant_id);
  keep_if(out.tracing, tracing_seen);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, RuntimeDone& out) {
  bool request_id = false, status = false, error_type = false, duration = false, produced = false,
       spans_seen = false, tracing_seen = false, tenant_id = false;
  std::size_t unknown_used = 0, metrics_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "requestId")) {
      request_id = true;
      return string(value, field, out.request_id);
    }
    if (is(key, "status")) {
      status = true;
      return named(value, field, out.status, parse_status);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "metrics")) {
      duration = produced = false;
      metrics_used = 0;
      od::object metrics;
      bool present = false;
      if (!opt_object(value, field, metrics, present)) return false;
      if (!present) return true;
      return fields(metrics, &field, value.raw_json_token().data(), [&](std::string_view metric, od::value& number) {
        const Path metric_path{&field, metric, 0};
        if (is(metric, "durationMs")) return opt_milliseconds(number, metric_path, out.duration, duration);
        if (is(metric, "producedBytes")) return opt_integer(number, metric_path, out.produced_bytes, produced);
        return unknown(metric, number, &field, out.unknown_metrics, metrics_used);
      });
    }
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    if (is(key, "tracing")) return tracing(value, field, out.tracing, tracing_seen);
    if (is(key, "tenantId")) return opt_string(value, field, out.tenant_id, tenant_id);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!request_id) out.request_id.clear();
  if (!status) unset(out.status);
  keep_if(out.error_type, error_type);
  keep_if(out.duration, duration);
  keep_if(out.produced_bytes, produced);
  if (!spans_seen) truncate(out.spans, 0);
  keep_if(out.tracing, tracing_seen);
  keep_if(out.tenant_id, tenant_id);
  truncate(out.unknown, unknown_used);
  truncate(out.unknown_metrics, metrics_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, Report& out) {
  bool request_id = false, status = false, error_type = false, spans_seen = false, tracing_seen = false,
       tenant_id = false;
  bool duration = false, billed = false, memory = false, max_memory = false, init = false, restore = false,
       billed_restore = false;
  std::size_t unknown_used = 0, metrics_used = 0;
  ReportMetrics& metrics = out.metrics;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "requestId")) {
      request_id = true;
      return string(value, field, out.request_id);
    }
    if (is(key, "status")) {
      status = true;
      return named(value, field, out.status, parse_status);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "metrics")) {
      duration = billed = memory = max_memory = init = restore = billed_restore = false;
      metrics_used = 0;
      od::object object_metrics;
      bool present = false;
      if (!opt_object(value, field, object_metrics, present)) return false;
      if (!present) return true;
      return fields(object_metrics, &field, value.raw_json_token().data(), [&](std::string_view metric, od::value& number) {
        const Path metric_path{&field, metric, 0};
        if (is(metric, "durationMs")) {
          duration = true;
          return milliseconds(number, metric_path, metrics.duration);
        }
        if (is(metric, "billedDurationMs")) return opt_integer(number, metric_path, metrics.billed_duration_ms, billed);
        if (is(metric, "memorySizeMB")) return opt_integer(number, metric_path, metrics.memory_size_mb, memory);
        if (is(metric, "maxMemoryUsedMB")) return opt_integer(number, metric_path, metrics.max_memory_used_mb, max_memory);
        if (is(metric, "initDurationMs")) return opt_milliseconds(number, metric_path, metrics.init_duration, init);
        if (is(metric, "restoreDurationMs")) return opt_milliseconds(number, metric_path, metrics.restore_duration, restore);
        if (is(metric, "billedRestoreDurationMs")) {
          return opt_integer(number, metric_path, metrics.billed_restore_duration_ms, billed_restore);
        }
        return unknown(metric, number, &field, metrics.unknown, metrics_used);
      });
    }
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    if (is(key, "tracing")) return tracing(value, field, out.tracing, tracing_seen);
    if (is(key, "tenantId")) return opt_string(value, field, out.tenant_id, tenant_id);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!request_id) out.request_id.clear();
  if (!status) unset(out.status);
  keep_if(out.error_type, error_type);
  if (!duration) metrics.duration = Milliseconds{};
  keep_if(metrics.billed_duration_ms, billed);
  keep_if(metrics.memory_size_mb, memory);
  keep_if(metrics.max_memory_used_mb, max_memory);
  keep_if(metrics.init_duration, init);
  keep_if(metrics.restore_duration, restore);
  keep_if(metrics.billed_restore_duration_ms, billed_restore);
  truncate(metrics.unknown, metrics_used);
  if (!spans_seen) truncate(out.spans, 0);
  keep_if(out.tracing, tracing_seen);
  keep_if(out.tenant_id, tenant_id);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, RestoreStart& out) {
  bool runtime_version = false, runtime_arn = false, function_name = false, function_version = false,
       instance_id = false, max_memory = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "runtimeVersion")) return opt_string(value, field, out.runtime_version, runtime_version);
    if (is(key, "runtimeVersionArn")) return opt_string(value, field, out.runtime_version_arn, runtime_arn);
    if (is(key, "functionName")) return opt_string(value, field, out.function_name, function_name);
    if (is(key, "functionVersion")) return opt_string(value, field, out.function_version, function_version);
    if (is(key, "instanceId")) return opt_string(value, field, out.instance_id, instance_id);
    if (is(key, "instanceMaxMemory")) return opt_integer(value, field, out.instance_max_memory, max_memory, true);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  keep_if(out.runtime_version, runtime_version);
  keep_if(out.runtime_version_arn, runtime_arn);
  keep_if(out.function_name, function_name);
  keep_if(out.function_version, function_version);
  keep_if(out.instance_id, instance_id);
  keep_if(out.instance_max_memory, max_memory);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, RestoreRuntimeDone& out) {
  bool status = false, error_type = false, spans_seen = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "status")) {
      status = true;
      return named(value, field, out.status, parse_status);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!status) unset(out.status);
  keep_if(out.error_type, error_type);
  if (!spans_seen) truncate(out.spans, 0);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, RestoreReport& out) {
  bool status = false, error_type = false, spans_seen = false, duration = false, billed = false;
  std::size_t unknown_used = 0, metrics_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "status")) {
      status = true;
      return named(value, field, out.status, parse_status);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    if (is(key, "spans")) {
      spans_seen = true;
      return spans(value, field, out.spans);
    }
    if (is(key, "metrics")) {
      duration = billed = false;
      metrics_used = 0;
      od::object metrics;
      bool present = false;
      if (!opt_object(value, field, metrics, present)) return false;
      if (!present) return true;
      return fields(metrics, &field, value.raw_json_token().data(), [&](std::string_view metric, od::value& number) {
        const Path metric_path{&field, metric, 0};
        if (is(metric, "durationMs")) return opt_milliseconds(number, metric_path, out.duration, duration);
        if (is(metric, "billedDurationMs")) return opt_integer(number, metric_path, out.billed_duration_ms, billed);
        return unknown(metric, number, &field, out.unknown_metrics, metrics_used);
      });
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!status) unset(out.status);
  keep_if(out.error_type, error_type);
  if (!spans_seen) truncate(out.spans, 0);
  keep_if(out.duration, duration);
  keep_if(out.billed_duration_ms, billed);
  truncate(out.unknown, unknown_used);
  truncate(out.unknown_metrics, metrics_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, PlatformExtension& out) {
  bool name = false, state = false, events = false, error_type = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "name")) {
      name = true;
      return string(value, field, out.name);
    }
    if (is(key, "state")) {
      state = true;
      return string(value, field, out.state);
    }
    if (is(key, "events")) {
      events = true;
      return strings(value, field, out.events);
    }
    if (is(key, "errorType")) return opt_string(value, field, out.error_type, error_type);
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!name) out.name.clear();
  if (!state) out.state.clear();
  if (!events) truncate(out.events, 0);
  keep_if(out.error_type, error_type);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, Subscription& out) {
  bool name = false, state = false, types = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "name")) {
      name = true;
      return string(value, field, out.name);
    }
    if (is(key, "state")) {
      state = true;
      return string(value, field, out.state);
    }
    if (is(key, "types")) {
      types = true;
      return strings(value, field, out.types);
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!name) out.name.clear();
  if (!state) out.state.clear();
  if (!types) truncate(out.types, 0);
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, LogsDropped& out) {
  bool bytes = false, records = false, reason = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "droppedBytes")) {
      bytes = true;
      return integer(value, field, out.dropped_bytes);
    }
    if (is(key, "droppedRecords")) {
      records = true;
      return integer(value, field, out.dropped_records);
    }
    if (is(key, "reason")) {
      reason = true;
      return string(value, field, out.reason);
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!bytes) out.dropped_bytes = 0;
  if (!records) out.dropped_records = 0;
  if (!reason) out.reason.clear();
  truncate(out.unknown, unknown_used);
  return true;
}

bool EventDecoder::record(od::object& object, const Path& path, const char* at, End& out) {
  bool request_id = false;
  std::size_t unknown_used = 0;
  const bool ok = fields(object, &path, at, [&](std::string_view key, od::value& value) {
    const Path field{&path, key, 0};
    if (is(key, "requestId")) {
      request_id = true;
      return string(value, field, out.request_id);
    }
    return unknown(key, value, &path, out.unknown, unknown_used);
  });
  if (!ok) return false;
  if (!request_id) out.request_id.clear();
  truncate(out.unknown, unknown_used);
  return true;
}

Error decode_error(std::string message) { return make_error("telemetry.decode", std::move(message)); }

std::string describe_cut(const ArrayCut& cut, std::size_t batch_size) {
  if (cut.trailing_content) {
    return fmt::format("batch: unexpected content after the closing ] at byte {}", cut.cut_offset);
  }
  if (cut.cut_offset >= batch_size) {
    return fmt::format("batch: cut short after {} bytes: the closing ] is missing", batch_size);
  }
  return fmt::format("batch: cut short after {} bytes: the event starting at byte {} is incomplete", batch_size,
                     cut.cut_offset);
}

}  // namespace

Result<DecodeSummary> decode(std::string_view batch, const std::function<void(const Event&)>& on_event) {
  std::size_t first = 0;
  while (first < batch.size() && is_space(batch[first])) ++first;
  if (first == batch.size()) return decode_error("the batch is empty");
  if (batch[first] != '[') return decode_error("the batch is not a JSON array");

  Lease workspace;
  std::optional<ArrayCut> cut;
  const std::string_view trimmed = trim_right(batch);
  if (trimmed.back() != ']') cut = find_array_cut(batch);

  od::document document;
  auto parse = [&]() -> error_code {
    const auto text = cut ? padded(*workspace, batch.substr(0, cut->complete_end), "]") : padded(*workspace, batch);
    return workspace->parser.iterate(text).get(document);
  };
  error_code code = parse();
  if (code == simdjson::UNCLOSED_STRING && !cut) {  // a cut inside a string, just before a ']'
    cut = find_array_cut(batch);
    code = parse();
  }
  if (code != simdjson::SUCCESS) {
    return decode_error(code == simdjson::UTF8_ERROR ? std::string("the batch is not valid UTF-8")
                                                     : fmt::format("the batch is not valid JSON ({})",
                                                                   simdjson::error_message(code)));
  }
  od::array events;
  code = document.get_array().get(events);
  if (code != simdjson::SUCCESS) {
    return decode_error(fmt::format("the batch is not a JSON array ({})", simdjson::error_message(code)));
  }

  const char* base = workspace->buffer.data();
  const std::size_t length = cut ? cut->complete_end + 1 : batch.size();
  Event& event = workspace->event;
  EventDecoder decoder(base, length, workspace->spares);
  DecodeSummary summary;
  std::size_t index = 0;
  bool stopped = false;
  for (auto result : events) {
    od::value element;
    code = std::move(result).get(element);
    if (code != simdjson::SUCCESS) {
      const char* at = nullptr;
      if (document.current_location().get(at) != simdjson::SUCCESS) at = base + length;
      summary.errors.push_back(DecodeError{
          index, static_cast<std::size_t>(at - base),
          fmt::format("batch: malformed JSON at event {} ({}); the rest of the batch is skipped", index,
                      simdjson::error_message(code))});
      stopped = true;
      break;
    }
    od::object envelope;
    bool ok = false;
    code = element.get_object().get(envelope);
    if (code != simdjson::SUCCESS) {
      decoder.fail_at(element.raw_json_token().data(), "not a JSON object", code);
    } else {
      ok = decoder.decode(envelope, element.raw_json_token().data(), event);
    }
    if (ok) {
      ++summary.decoded;
      on_event(event);
    } else {
      std::string message = decoder.error_message();
      const bool recoverable = decoder.recoverable();
      if (!recoverable) message += "; the rest of the batch is skipped";
      summary.errors.push_back(DecodeError{index, decoder.error_offset(), std::move(message)});
      if (!recoverable) {
        stopped = true;
        break;
      }
    }
    ++index;
  }
  if (cut && !stopped) {
    summary.errors.push_back(DecodeError{index, std::min(cut->cut_offset, batch.size()), describe_cut(*cut, batch.size())});
  }
  return summary;
}

Result<DecodedBatch> decode_batch(std::string_view batch) {
  DecodedBatch decoded;
  auto result = decode(batch, [&](const Event& event) { decoded.events.push_back(event); });
  if (!result) return result.error();
  decoded.errors = std::move(result->errors);
  return decoded;
}

Result<Event> decode_event(std::string_view json) {
  std::size_t first = 0;
  while (first < json.size() && is_space(json[first])) ++first;
  if (first == json.size()) return decode_error("the event is empty");
  if (json[first] != '{') return decode_error("the event is not a JSON object");

  Lease workspace;
  od::document document;
  error_code code = workspace->parser.iterate(padded(*workspace, json)).get(document);
  if (code != simdjson::SUCCESS) {
    return decode_error(fmt::format("the event is not valid JSON ({})", simdjson::error_message(code)));
  }
  od::object envelope;
  code = document.get_object().get(envelope);
  if (code != simdjson::SUCCESS) {
    return decode_error(fmt::format("the event is not a JSON object ({})", simdjson::error_message(code)));
  }
  EventDecoder decoder(workspace->buffer.data(), json.size(), workspace->spares);
  if (!decoder.decode(envelope, workspace->buffer.data() + first, workspace->event)) {
    return decode_error(fmt::format("{} (at byte {})", decoder.error_message(), decoder.error_offset()));
  }
  if (const char* rest = nullptr; document.current_location().get(rest) == simdjson::SUCCESS) {
    return decode_error("the event has content after its closing }");
  }
  return workspace->event;
}

}  // namespace lambda_relay::telemetry
