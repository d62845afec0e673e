#include "relay/sentry/store_event.hpp"

#include "json/writer.hpp"

#include <simdjson.h>

#include <fmt/format.h>

namespace lambda_relay::relay::sentry {

Result<StoreEnvelope> wrap_store_event(std::string_view event) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (auto ec = parser.parse(event.data(), event.size()).get(element)) {
    return make_error("InvalidEvent", fmt::format("the event is not JSON ({})", simdjson::error_message(ec)));
  }
  simdjson::dom::object object;
  if (element.get_object().get(object)) return make_error("InvalidEvent", "the event is not a JSON object");
  StoreEnvelope out;
  std::string_view item_type = "event";
  std::string_view text;
  if (!object["event_id"].get_string().get(text)) out.event_id = std::string(text);
  if (!object["type"].get_string().get(text) && text == "transaction") item_type = "transaction";

  json::Writer headers(out.bytes);
  headers.begin_object();
  if (!out.event_id.empty()) headers.field("event_id", out.event_id);
  headers.end_object();
  out.bytes += '\n';
  json::Writer item(out.bytes);
  item.begin_object().field("type", item_type).field("length", static_cast<std::uint64_t>(event.size())).end_object();
  out.bytes += '\n';
  out.bytes += event;
  out.bytes += '\n';
  return out;
}

}  // namespace lambda_relay::relay::sentry
