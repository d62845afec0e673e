// A test extension that subscribes to the Telemetry (or Logs) API and appends every batch it receives,
// one JSON array per line, to $RECORDER_OUT. $RECORDER_FAIL_FIRST=N makes it answer 500 to its first N
// batches (the platform must retry); $RECORDER_SCHEMA, $RECORDER_API=logs, $RECORDER_TYPES (comma list),
// $RECORDER_TIMEOUT_MS choose the subscription. $RECORDER_SUBSCRIBE=after-first-event subscribes only
// once event/next has answered (a failed Init's SHUTDOWN) and then stays until platform.initReport arrives.
#include "json/writer.hpp"
#include "net/hosts_file.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"

#include <lambda_relay/extensions_api.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <variant>

namespace {

namespace net = lambda_relay::net;

std::string env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

std::string subscription_body(std::uint16_t port) {
  std::string body;
  lambda_relay::json::Writer w(body);
  const bool logs = env("RECORDER_API", "telemetry") == "logs";
  w.begin_object();
  if (!logs || std::getenv("RECORDER_SCHEMA") != nullptr) w.field("schemaVersion", env("RECORDER_SCHEMA", "2022-12-13"));
  w.key("types").begin_array();
  std::string types = env("RECORDER_TYPES", "platform,function,extension");
  for (std::size_t start = 0; start <= types.size();) {
    const auto comma = std::min(types.find(',', start), types.size());
    w.value(types.substr(start, comma - start));
    start = comma + 1;
  }
  w.end_array();
  w.key("buffering").begin_object().field("maxItems", 1000).field("maxBytes", 262144)
      .field("timeoutMs", std::atoi(env("RECORDER_TIMEOUT_MS", "25").c_str())).end_object();
  w.key("destination").begin_object().field("protocol", "HTTP")
      .field("URI", "http://sandbox.localdomain:" + std::to_string(port) + "/telemetry").end_object();
  w.end_object();
  return body;
}

net::Request subscribe_request(const std::string& id, std::uint16_t port) {
  const bool logs = env("RECORDER_API", "telemetry") == "logs";
  net::Request request{net::http::verb::put, logs ? "/2020-08-15/logs" : "/2022-07-01/telemetry", 11};
  request.set("Lambda-Extension-Identifier", id);
  request.set(net::http::field::content_type, "application/json");
  request.body() = subscription_body(port);
  return request;
}

bool subscribes_late() { return env("RECORDER_SUBSCRIBE", "at-init") == "after-first-event"; }

boost::asio::awaitable<void> subscribe(net::HttpConnection& api, const std::string& id, std::uint16_t port) {
  auto subscribed = co_await api.send(subscribe_request(id, port));
  if (!subscribed || subscribed->result_int() != 200) std::exit(2);
}

boost::asio::awaitable<void> run(lambda_relay::ExtensionsClient& client, net::HttpConnection& api, std::string name,
                                 std::uint16_t port) {
  std::vector<lambda_relay::LifecycleEventType> events{lambda_relay::LifecycleEventType::invoke,
                                                       lambda_relay::LifecycleEventType::shutdown};
  auto registered = co_await client.register_extension(std::move(name), std::move(events));
  if (!registered) std::exit(1);
  if (subscribes_late()) {
    auto first = co_await client.next_event();
    if (!first) std::exit(5);
    co_await subscribe(api, registered->extension_id, port);
    co_return;  // the listener ends the process once the Init's report has arrived
  }
  co_await subscribe(api, registered->extension_id, port);
  for (;;) {
    auto event = co_await client.next_event();
    if (!event || std::holds_alternative<lambda_relay::ShutdownEvent>(*event)) std::exit(0);
  }
}

}  // namespace

int main(int /*argc*/, char** argv) {
  std::string name = argv[0];
  name = name.substr(name.rfind('/') + 1);
  const std::string out_path = env("RECORDER_OUT", "/dev/null");
  int fail_first = std::atoi(env("RECORDER_FAIL_FIRST", "0").c_str());

  boost::asio::io_context io(1);
  net::HttpServer listener(io.get_executor(), [&](net::Request& request) -> net::Awaitable<net::Response> {
    if (fail_first > 0) {
      --fail_first;
      co_return net::make_response(request, net::http::status::internal_server_error, "{}");
    }
    std::ofstream(out_path, std::ios::app) << request.body() << '\n';
    if (subscribes_late() && request.body().find("\"platform.initReport\"") != std::string::npos) std::exit(0);
    co_return net::make_response(request, net::http::status::ok, "");
  });
  // Where the emulator delivers for sandbox.localdomain (as lambda-relay's listener decides it).
  const auto address = net::address_in_hosts_file("sandbox.localdomain")
                           .value_or(boost::asio::ip::address(boost::asio::ip::address_v4::loopback()));
  auto bound = listener.listen({address, 0});
  if (!bound) return 3;
  listener.start();

  net::HostPort api_target;
  if (!net::parse_host_port(env("AWS_LAMBDA_RUNTIME_API", ""), api_target)) return 4;
  net::HttpConnection api(io.get_executor(), api_target);
  lambda_relay::ExtensionsClient client(io.get_executor(), env("AWS_LAMBDA_RUNTIME_API", ""));
  boost::asio::co_spawn(io, run(client, api, name, bound->port()), boost::asio::detached);
  io.run();
  return 0;
}
