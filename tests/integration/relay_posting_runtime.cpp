// A Lambda runtime for the emulator that uses lambda-relay as a function's Sentry SDK does: at every
// invoke it POSTs an envelope naming the invocation to the relay's tunnel (http://127.0.0.1:$RELAY_PORT
// /envelope) and answers the invoke with the status the relay gave ({"relay_status": 200}).
// RELAY_EVENT_FIELDS adds members to the event (JSON text, e.g. `"extra":{...},"user":{...}`).
#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace {

using namespace lambda_relay;

net::Request next_request() { return net::Request{net::http::verb::get, "/2018-06-01/runtime/invocation/next", 11}; }

// `extra_fields`: more members of the event, as JSON text after a comma (RELAY_EVENT_FIELDS).
net::Request envelope_request(const std::string& request_id, const std::string& dsn, const std::string& extra_fields) {
  net::Request request{net::http::verb::post, "/envelope", 11};
  request.set(net::http::field::content_type, "application/x-sentry-envelope");
  request.set(net::http::field::user_agent, "relay-posting-runtime/1.0");
  request.body() = fmt::format("{{\"dsn\":\"{}\"}}\n{{\"type\":\"event\"}}\n{{\"message\":\"invocation {}\"{}{}}}", dsn,
                               request_id, extra_fields.empty() ? "" : ",", extra_fields);
  return request;
}

net::Request response_request(const std::string& request_id, unsigned relay_status) {
  net::Request request{net::http::verb::post, fmt::format("/2018-06-01/runtime/invocation/{}/response", request_id), 11};
  request.body() = fmt::format("{{\"relay_status\":{}}}", relay_status);
  return request;
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : value;
}

net::HostPort relay_target() { return net::HostPort{"127.0.0.1", static_cast<std::uint16_t>(std::stoi(env("RELAY_PORT")))}; }

net::Awaitable<void> serve(net::HostPort runtime_api) {
  auto executor = co_await boost::asio::this_coro::executor;
  net::HttpConnection runtime(executor, runtime_api);
  net::HttpConnection relay(executor, relay_target());
  const auto dsn = env("SENTRY_DSN");
  const auto extra_fields = env("RELAY_EVENT_FIELDS");
  for (;;) {
    auto invocation = co_await runtime.send(next_request());
    if (!invocation) co_return;
    const auto request_id = std::string((*invocation)["Lambda-Runtime-Aws-Request-Id"]);
    auto answer = co_await relay.send(envelope_request(request_id, dsn, extra_fields), std::chrono::milliseconds(2000));
    const unsigned status = answer ? answer->result_int() : 0;
    if (!co_await runtime.send(response_request(request_id, status))) co_return;
  }
}

}  // namespace

int main() {
  net::HostPort api;
  if (!net::parse_host_port(env("AWS_LAMBDA_RUNTIME_API"), api)) return 2;
  boost::asio::io_context io(1);
  boost::asio::co_spawn(io, serve(api), boost::asio::detached);
  io.run();
  return 0;
}
