#include "insight/redact_event.hpp"

#include <variant>

namespace lambda_relay::insight {
namespace {

// Masks `text` through `scratch`; the masked text when something was masked.
std::optional<std::string> masked(const std::string& text, const Redactor& redactor, std::string& scratch) {
  scratch.assign(text);
  if (!redactor.redact_text(scratch)) return std::nullopt;
  return scratch;
}

// A JSON-format record's object, masked value by value so it stays valid JSON (a card number that is a
// JSON number is kept: masking it as text would break the document). Scanning the text first keeps
// the common case, nothing to mask, free of a parse.
std::optional<std::string> masked_json(const std::string& json, const Redactor& redactor, std::string& scratch) {
  if (!masked(json, redactor, scratch)) return std::nullopt;
  std::string out = json;
  auto scrubbed = redactor.scrub_json(out);
  if (!scrubbed) return scratch;  // not JSON after all: masked as text
  if (!*scrubbed) return std::nullopt;
  return out;
}

}  // namespace

std::optional<telemetry::Event> redacted_log_event(const telemetry::Event& event, const Redactor& redactor,
                                                   std::string& scratch) {
  const auto* line = std::get_if<telemetry::LogRecord>(&event.record);
  if (line == nullptr) return std::nullopt;
  auto text = masked(line->text, redactor, scratch);
  auto json = line->structured ? masked_json(line->json, redactor, scratch) : std::nullopt;
  if (!text && !json) return std::nullopt;
  auto copy = event;
  auto& record = std::get<telemetry::LogRecord>(copy.record);
  if (text) record.text = std::move(*text);
  if (json) record.json = std::move(*json);
  return copy;
}

}  // namespace lambda_relay::insight
