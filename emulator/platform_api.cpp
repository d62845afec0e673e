#include "platform_api.hpp"

#include "ids.hpp"

#include <fmt/format.h>

namespace lambda_emulator {

namespace http = net::http;

namespace {

// Outside the coroutine on purpose: GCC 12 mishandles fmt format strings inside coroutine bodies.
net::Response not_found(const net::Request& request, std::string_view path) {
  return net::make_error_response(
      request, http::status::not_found, "NotFound",
      fmt::format("no route for {} {}; known: /2020-01-01/extension/{{register,event/next,init/error,exit/error}}, "
                  "/2018-06-01/runtime/{{invocation/next,invocation/<id>/response,invocation/<id>/error,init/error}}, "
                  "/2022-07-01/telemetry, /2020-08-15/logs",
                  std::string(request.method_string()), path));
}

}  // namespace

PlatformApi::PlatformApi(SandboxState& state, StateChanged& changed, TelemetryHub& telemetry)
    : state_(state), changed_(changed), telemetry_(telemetry) {}

std::shared_ptr<Extension> PlatformApi::identify(const net::Request& request, net::Response& error) const {
  const auto header = request.find("Lambda-Extension-Identifier");
  if (header == request.end() || header->value().empty()) {
    error = net::make_error_response(request, http::status::forbidden, "Extension.MissingExtensionIdentifier",
                                     "Missing Lambda-Extension-Identifier header");
    return nullptr;
  }
  const std::string_view id = header->value();
  if (!looks_like_uuid(id)) {
    error = net::make_error_response(request, http::status::forbidden, "Extension.InvalidExtensionIdentifier",
                                     fmt::format("Invalid Lambda-Extension-Identifier \"{}\"", id));
    return nullptr;
  }
  auto extension = state_.find_by_id(id);
  if (!extension) {
    error = net::make_error_response(request, http::status::forbidden, "Extension.UnknownExtensionIdentifier",
                                     "Unknown extension identifier");
  }
  return extension;
}

net::Awaitable<net::Response> PlatformApi::handle(net::Request& request) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const auto method = request.method();

  constexpr std::string_view kExtension = "/2020-01-01/extension/";
  constexpr std::string_view kRuntime = "/2018-06-01/runtime/";
  if (path.starts_with(kExtension)) {
    const auto call = path.substr(kExtension.size());
    if (call == "register" && method == http::verb::post) co_return co_await extension_register(request);
    if (call == "event/next" && method == http::verb::get) co_return co_await extension_next(request);
    if (call == "init/error" && method == http::verb::post) co_return extension_error(request, true);
    if (call == "exit/error" && method == http::verb::post) co_return extension_error(request, false);
  } else if (path.starts_with(kRuntime)) {
    const auto call = path.substr(kRuntime.size());
    constexpr std::string_view kInvocation = "invocation/";
    if (call == "invocation/next" && method == http::verb::get) co_return co_await runtime_next(request);
    if (call == "init/error" && method == http::verb::post) co_return runtime_init_error(request);
    if (call.starts_with(kInvocation) && method == http::verb::post) {
      const auto rest = call.substr(kInvocation.size());
      const auto slash = rest.find('/');
      if (slash != std::string_view::npos) {
        const auto id = rest.substr(0, slash);
        const auto what = rest.substr(slash + 1);
        if (what == "response") co_return runtime_response(request, id);
        if (what == "error") co_return runtime_error(request, id);
      }
    }
  } else if (path == "/2022-07-01/telemetry" && method == http::verb::put) {
    co_return subscribe(request, SubscriptionApi::telemetry);
  } else if (path == "/2020-08-15/logs" && method == http::verb::put) {
    co_return subscribe(request, SubscriptionApi::logs);
  } else if (path == "/2018-06-01/ping" && method == http::verb::get) {
    co_return net::make_response(request, http::status::ok, "pong", "text/plain");
  }
  co_return not_found(request, path);
}

}  // namespace lambda_emulator
