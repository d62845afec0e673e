// Extensions API (2020-01-01): register, event/next, init/error, exit/error — with RIE's error codes
// (nearly every client error is a 403 with an errorType).
#include "platform_api.hpp"

#include "ids.hpp"
#include "json/writer.hpp"

#include <simdjson.h>

#include <fmt/format.h>

namespace lambda_emulator {
namespace {

namespace http = net::http;
constexpr std::size_t kMaxExtensions = 10;

net::Response forbidden(const net::Request& request, std::string_view type, std::string message) {
  return net::make_error_response(request, http::status::forbidden, type, message);
}

struct RegisterBody {
  std::vector<std::string> events;
  std::optional<std::string> error;  // InvalidRequestFormat or Extension.InvalidEventType message
  std::string error_type;
};

RegisterBody parse_register_body(std::string_view body) {
  RegisterBody out;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  auto fail = [&out](std::string type, std::string message) {
    out.error_type = std::move(type);
    out.error = std::move(message);
    return out;
  };
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) {
    return fail("InvalidRequestFormat", "register body is not a JSON object");
  }
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return fail("InvalidRequestFormat", "register body is not valid JSON");
    if (key == "configurationKeys") return fail("InvalidRequestFormat", "configurationKeys is not supported");
    if (key != "events") continue;
    simdjson::ondemand::array events;
    if (field.value().get_array().get(events)) return fail("InvalidRequestFormat", "events must be an array");
    for (auto item : events) {
      std::string_view name;
      if (item.get_string().get(name)) return fail("InvalidRequestFormat", "events must hold strings");
      if (name != "INVOKE" && name != "SHUTDOWN") {
        return fail("Extension.InvalidEventType", fmt::format("unknown event \"{}\" (INVOKE, SHUTDOWN)", name));
      }
      out.events.emplace_back(name);
    }
  }
  return out;
}

std::vector<std::string> split_features(std::string_view header) {
  std::vector<std::string> out;
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return out;
}

net::Response register_response(const net::Request& request, const SandboxState& state, const Extension& e) {
  std::string body;
  lambda_relay::json::Writer w(body);
  w.begin_object()
      .field("functionName", state.function.name)
      .field("functionVersion", state.function.version)
      .field("handler", state.function.handler);
  if (std::find(e.features.begin(), e.features.end(), "accountId") != e.features.end()) {
    w.field("accountId", state.function.account_id);
  }
  w.end_object();
  auto response = net::make_response(request, http::status::ok, std::move(body));
  response.set("Lambda-Extension-Identifier", e.id);
  return response;
}

std::optional<std::string> error_message_of(std::string_view body) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  std::string_view message;
  if (parser.iterate(padded).get(doc) || doc["errorMessage"].get_string().get(message)) return std::nullopt;
  return std::string(message);
}

}  // namespace

net::Awaitable<net::Response> PlatformApi::extension_register(net::Request& request) {
  if (!state_.init_open) {
    co_return forbidden(request, "Extension.RegistrationClosed", "registration is only possible during Init");
  }
  const auto name_header = request.find("Lambda-Extension-Name");
  if (name_header == request.end() || name_header->value().empty()) {
    co_return forbidden(request, "Extension.InvalidExtensionName", "missing Lambda-Extension-Name header");
  }
  const std::string name(name_header->value());
  auto body = parse_register_body(request.body());
  if (body.error) co_return forbidden(request, body.error_type, *body.error);

  std::shared_ptr<Extension> extension;
  for (const auto& e : state_.extensions) {
    if (e->name != name || !e->alive()) continue;
    if (e->registered) co_return forbidden(request, "Extension.InvalidExtensionState", name + " is already registered");
    extension = e;
  }
  std::size_t registered = 0;
  for (const auto& e : state_.current_extensions()) {
    if (e->registered) ++registered;
  }
  if (registered >= kMaxExtensions) {
    co_return forbidden(request, "Extension.TooManyExtensions", "Extension limit (10) reached");
  }
  if (!extension) {
    // A name that matches no launched file is an internal extension (in the runtime process); those
    // cannot receive SHUTDOWN.
    if (std::find(body.events.begin(), body.events.end(), "SHUTDOWN") != body.events.end()) {
      co_return forbidden(request, "Extension.InvalidEventType",
                          "internal extension " + name + " cannot register for SHUTDOWN (no file of that name in "
                          "the extensions directory)");
    }
    extension = std::make_shared<Extension>();
    extension->name = name;
    extension->instance = 1;
    state_.extensions.push_back(extension);
  }
  extension->id = new_uuid();
  extension->registered = true;
  extension->registered_at = Clock::now();
  extension->state = "Registered";
  extension->events = body.events;
  extension->wants_invoke = std::find(body.events.begin(), body.events.end(), "INVOKE") != body.events.end();
  extension->wants_shutdown = std::find(body.events.begin(), body.events.end(), "SHUTDOWN") != body.events.end();
  if (const auto features = request.find("Lambda-Extension-Accept-Feature"); features != request.end()) {
    extension->features = split_features(features->value());
  }
  changed_.notify();
  co_return register_response(request, state_, *extension);
}

net::Awaitable<net::Response> PlatformApi::extension_next(net::Request& request) {
  net::Response error;
  auto extension = identify(request, error);
  if (!extension) co_return error;
  if (extension->init_error || extension->exit_error) {
    co_return forbidden(request, "Extension.InvalidExtensionState", "extension already reported an error");
  }
  const auto now = Clock::now();
  if (!extension->first_next_at) extension->first_next_at = now;
  extension->last_next_at = now;
  extension->in_next = true;
  extension->state = "Ready";
  changed_.notify();

  co_await changed_.wait_until([&] { return !extension->queued_events.empty() || !extension->alive(); });
  extension->in_next = false;
  if (extension->queued_events.empty()) {
    co_return forbidden(request, "Extension.InvalidExtensionState", "extension is shutting down");
  }
  auto body = std::move(extension->queued_events.front());
  extension->queued_events.pop_front();
  extension->state = "Running";
  changed_.notify();
  auto response = net::make_response(request, http::status::ok, std::move(body));
  response.set("Lambda-Extension-Event-Identifier", new_uuid());
  co_return response;
}

net::Response PlatformApi::extension_error(net::Request& request, bool at_init) {
  net::Response error;
  auto extension = identify(request, error);
  if (!extension) return error;
  const auto type = request.find("Lambda-Extension-Function-Error-Type");
  if (type == request.end() || type->value().empty()) {
    return forbidden(request, "Extension.MissingHeader", "missing Lambda-Extension-Function-Error-Type header");
  }
  if (extension->init_error || extension->exit_error) {
    return forbidden(request, "Extension.InvalidExtensionState", "extension already reported an error");
  }
  ErrorReport report{std::string(type->value()), error_message_of(request.body()).value_or(request.body())};
  if (at_init) {
    extension->init_error = std::move(report);
    extension->state = "InitError";
  } else {
    extension->exit_error = std::move(report);
    extension->state = "ExitError";
  }
  changed_.notify();
  return net::make_response(request, http::status::accepted, R"({"status":"OK"})");
}

}  // namespace lambda_emulator
