#include <lambda_relay/extensions_api.hpp>

#include "json/writer.hpp"
#include "net/http_client.hpp"
#include "platform/platform_error.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lambda_relay {
using platform::platform_error;

namespace {

constexpr std::string_view kBase = "/2020-01-01/extension";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error json_error(std::string_view what, simdjson::error_code ec) {
  return make_error("InvalidResponse", fmt::format("{}: {}", what, simdjson::error_message(ec)));
}

std::chrono::system_clock::time_point from_epoch_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

std::string_view to_string(LifecycleEventType type) {
  return type == LifecycleEventType::invoke ? "INVOKE" : "SHUTDOWN";
}

std::string_view to_string(ShutdownReason reason) {
  switch (reason) {
    case ShutdownReason::spindown: return "spindown";
    case ShutdownReason::timeout: return "timeout";
    case ShutdownReason::failure: return "failure";
    case ShutdownReason::unknown: break;
  }
  return "unknown";
}

Result<RegisterResponse> parse_register_response(std::string_view body, std::string extension_id) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  if (auto ec = parser.iterate(padded).get(doc)) return json_error("register response", ec);
  simdjson::ondemand::object object;
  if (auto ec = doc.get_object().get(object)) return json_error("register response", ec);

  RegisterResponse out;
  out.extension_id = std::move(extension_id);
  for (auto field : object) {
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return json_error("register response key", ec);
    std::string_view text;
    auto read = [&](std::string& target) -> simdjson::error_code {
      auto ec = field.value().get_string().get(text);
      if (!ec) target = std::string(text);
      return ec;
    };
    simdjson::error_code ec = simdjson::SUCCESS;
    if (key == "functionName") ec = read(out.function_name);
    else if (key == "functionVersion") ec = read(out.function_version);
    else if (key == "handler") ec = read(out.handler);
    else if (key == "accountId") ec = read(out.account_id.emplace());
    if (ec) return json_error(fmt::format("register response field {}", key), ec);
  }
  return out;
}

Result<LifecycleEvent> parse_lifecycle_event(std::string_view body) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  if (auto ec = parser.iterate(padded).get(doc)) return json_error("event", ec);
  simdjson::ondemand::object object;
  if (auto ec = doc.get_object().get(object)) return json_error("event", ec);

  std::string event_type;
  std::optional<std::int64_t> deadline_ms;
  InvokeEvent invoke;
  ShutdownEvent shutdown;
  for (auto field : object) {
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return json_error("event key", ec);
    std::string_view text;
    simdjson::error_code ec = simdjson::SUCCESS;
    if (key == "eventType") {
      if (!(ec = field.value().get_string().get(text))) event_type = std::string(text);
    } else if (key == "deadlineMs") {
      std::int64_t ms = 0;
      if (!(ec = field.value().get_int64().get(ms))) deadline_ms = ms;
    } else if (key == "requestId") {
      if (!(ec = field.value().get_string().get(text))) invoke.request_id = std::string(text);
    } else if (key == "invokedFunctionArn") {
      if (!(ec = field.value().get_string().get(text))) invoke.invoked_function_arn = std::string(text);
    } else if (key == "shutdownReason") {
      if (!(ec = field.value().get_string().get(text))) shutdown.reason_text = std::string(text);
    } else if (key == "tracing") {
      simdjson::ondemand::object tracing;
      if (!(ec = field.value().get_object().get(tracing))) {
        Tracing t;
        for (auto tf : tracing) {
          std::string_view tk;
          if ((ec = tf.unescaped_key().get(tk))) break;
          if (tk == "type" && !(ec = tf.value().get_string().get(text))) t.type = std::string(text);
          else if (tk == "value" && !(ec = tf.value().get_string().get(text))) t.value = std::string(text);
          if (ec) break;
        }
        invoke.tracing = std::move(t);
      }
    }
    if (ec) return json_error(fmt::format("event field {}", key), ec);
  }

  if (!deadline_ms) return make_error("InvalidResponse", "event has no deadlineMs");
  const auto kind = lower(event_type);
  if (kind == "invoke") {
    if (invoke.request_id.empty()) return make_error("InvalidResponse", "INVOKE event has no requestId");
    invoke.deadline = from_epoch_ms(*deadline_ms);
    return LifecycleEvent{std::move(invoke)};
  }
  if (kind == "shutdown") {
    const auto reason = lower(shutdown.reason_text);  // the Doc writes SPINDOWN, payloads spindown
    shutdown.reason = reason == "spindown"  ? ShutdownReason::spindown
                      : reason == "timeout" ? ShutdownReason::timeout
                      : reason == "failure" ? ShutdownReason::failure
                                            : ShutdownReason::unknown;
    shutdown.deadline = from_epoch_ms(*deadline_ms);
    return LifecycleEvent{std::move(shutdown)};
  }
  return make_error("InvalidResponse", fmt::format("unknown eventType \"{}\"", event_type));
}

struct ExtensionsClient::Impl {
  net::HostPort runtime_api;
  bool valid = false;
  std::optional<net::HttpConnection> connection;
  std::string extension_id;

  net::Request request(net::http::verb verb, std::string_view path) const {
    net::Request req{verb, fmt::format("{}{}", kBase, path), 11};
    if (!extension_id.empty()) req.set("Lambda-Extension-Identifier", extension_id);
    return req;
  }

  boost::asio::awaitable<Result<void>> report_error(std::string_view path, std::string error_type,
                                                    std::string message) {
    auto req = request(net::http::verb::post, path);
    req.set("Lambda-Extension-Function-Error-Type", error_type);
    req.set(net::http::field::content_type, "application/json");
    json::Writer(req.body()).begin_object().field("errorMessage", message).field("errorType", error_type)
        .key("stackTrace").begin_array().end_array().end_object();
    auto response = co_await connection->send(std::move(req), std::chrono::seconds(2));
    if (!response) co_return response.error();
    if (response->result_int() / 100 != 2) co_return platform_error(*response, path);
    co_return Result<void>{};
  }
};

ExtensionsClient::ExtensionsClient(boost::asio::any_io_executor executor, std::string_view runtime_api)
    : impl_(std::make_unique<Impl>()) {
  impl_->valid = net::parse_host_port(runtime_api, impl_->runtime_api);
  impl_->connection.emplace(executor, impl_->runtime_api);
}

ExtensionsClient::~ExtensionsClient() = default;

const std::string& ExtensionsClient::extension_id() const noexcept { return impl_->extension_id; }
bool ExtensionsClient::valid_runtime_api() const noexcept { return impl_->valid; }
void ExtensionsClient::cancel() { impl_->connection->close(); }

boost::asio::awaitable<Result<RegisterResponse>> ExtensionsClient::register_extension(
    std::string name, std::vector<LifecycleEventType> events, bool accept_account_id) {
  auto req = impl_->request(net::http::verb::post, "/register");
  req.set("Lambda-Extension-Name", name);
  if (accept_account_id) req.set("Lambda-Extension-Accept-Feature", "accountId");
  req.set(net::http::field::content_type, "application/json");
  json::Writer w(req.body());
  w.begin_object().key("events").begin_array();
  for (auto e : events) w.value(to_string(e));
  w.end_array().end_object();

  auto response = co_await impl_->connection->send(std::move(req), std::chrono::seconds(5));
  if (!response) co_return response.error();
  if (response->result_int() != 200) co_return platform_error(*response, "register");
  const auto id = response->find("Lambda-Extension-Identifier");
  if (id == response->end() || id->value().empty()) {
    co_return make_error("InvalidResponse", "register response has no Lambda-Extension-Identifier header");
  }
  auto parsed = parse_register_response(response->body(), std::string(id->value()));
  if (parsed) impl_->extension_id = parsed->extension_id;
  co_return parsed;
}

boost::asio::awaitable<Result<LifecycleEvent>> ExtensionsClient::next_event() {
  auto response = co_await impl_->connection->send(impl_->request(net::http::verb::get, "/event/next"));
  if (!response) co_return response.error();
  if (response->result_int() != 200) co_return platform_error(*response, "event/next");
  co_return parse_lifecycle_event(response->body());
}

boost::asio::awaitable<Result<void>> ExtensionsClient::init_error(std::string error_type, std::string message) {
  co_return co_await impl_->report_error("/init/error", std::move(error_type), std::move(message));
}

boost::asio::awaitable<Result<void>> ExtensionsClient::exit_error(std::string error_type, std::string message) {
  co_return co_await impl_->report_error("/exit/error", std::move(error_type), std::move(message));
}

}  // namespace lambda_relay
