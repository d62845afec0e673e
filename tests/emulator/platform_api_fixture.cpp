#include "platform_api_fixture.hpp"

#include "net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <simdjson.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>

namespace lambda_emulator::test {
namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kWatchdog = std::chrono::seconds(10);

net::Awaitable<void> exchange(net::HostPort target, net::Request request,
                              std::shared_ptr<PendingRequest> out) {
  net::HttpConnection connection(co_await asio::this_coro::executor, std::move(target));
  auto result = co_await connection.send(std::move(request));
  out->result.emplace(std::move(result));
  out->done = true;
}

struct RawResult {
  bool done = false;
  std::string received;
  std::string error;
};

net::Awaitable<void> raw(net::tcp::endpoint endpoint, std::string bytes, std::shared_ptr<RawResult> out) {
  net::tcp::socket socket(co_await asio::this_coro::executor);
  auto [connect_ec] = co_await socket.async_connect(endpoint, use_nothrow);
  if (connect_ec) {
    out->error = connect_ec.message();
    out->done = true;
    co_return;
  }
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(bytes), use_nothrow);
  (void)written;
  if (write_ec) out->error = write_ec.message();
  std::string chunk(4096, '\0');
  for (;;) {
    auto [read_ec, n] = co_await socket.async_read_some(asio::buffer(chunk), use_nothrow);
    out->received.append(chunk.data(), n);
    if (read_ec) {
      // A server that refuses a request closes with our unread bytes still queued, which resets
      // the connection after its answer; only a reset before any answer is a failure.
      const bool reset_after_answer = read_ec == asio::error::connection_reset && !out->received.empty();
      if (read_ec != asio::error::eof && !reset_after_answer) out->error = read_ec.message();
      break;
    }
  }
  out->done = true;
}

}  // namespace

net::Request make_request(http::verb method, std::string target, std::string body, const Headers& headers) {
  net::Request request{method, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  return request;
}

net::Request register_request(std::string_view name, std::string body, const Headers& extra) {
  auto request = make_request(http::verb::post, "/2020-01-01/extension/register", std::move(body), extra);
  if (!name.empty()) request.set("Lambda-Extension-Name", name);
  request.set(http::field::content_type, "application/json");
  return request;
}

net::Request with_identifier(http::verb method, std::string target, std::string_view id, std::string body,
                             const Headers& extra) {
  auto request = make_request(method, std::move(target), std::move(body), extra);
  request.set("Lambda-Extension-Identifier", id);
  return request;
}

std::optional<std::string> json_string_field(std::string_view body, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(body)).get(doc)) return std::nullopt;
  std::string_view value;
  if (doc[key].get_string().get(value)) return std::nullopt;
  return std::string(value);
}

bool json_has_field(std::string_view body, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(body)).get(doc) || doc.get_object().get(object)) return false;
  simdjson::dom::element ignored;
  return !object[key].get(ignored);
}

::testing::AssertionResult IsLambdaError(const net::Response& response, http::status status,
                                         std::string_view error_type) {
  const auto body = std::string_view(response.body());
  if (response.result() != status) {
    return ::testing::AssertionFailure() << "status " << response.result_int() << ", expected "
                                         << static_cast<unsigned>(status) << "; body: " << body;
  }
  const auto type = json_string_field(body, "errorType");
  if (!type || *type != error_type) {
    return ::testing::AssertionFailure() << "errorType " << (type ? *type : std::string("<none>"))
                                         << ", expected " << error_type << "; body: " << body;
  }
  const auto message = json_string_field(body, "errorMessage");
  if (!message || message->empty()) {
    return ::testing::AssertionFailure() << "no errorMessage; body: " << body;
  }
  return ::testing::AssertionSuccess();
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const auto c = static_cast<unsigned char>(text[i]);
    if (dash ? c != '-' : std::isxdigit(c) == 0) return false;
  }
  return true;
}

std::optional<std::string> read_shared_file(std::string_view relative_path) {
  std::ifstream in(std::string(LAMBDA_RELAY_SHARED_DIR) + "/" + std::string(relative_path), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

PlatformApiTest::PlatformApiTest()
    : server_(io_.get_executor(), [this](net::Request& request) { return api_.handle(request); }) {
  state_.function.name = "unit-fn";
  state_.function.version = "$LATEST";
  state_.function.handler = "app.handler";
  state_.function.account_id = "210987654321";
  state_.init_open = true;
  auto endpoint = server_.listen(net::tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
  if (!endpoint) {
    ADD_FAILURE() << "listen: " << endpoint.error().describe();
    return;
  }
  endpoint_ = *endpoint;
  state_.runtime_api = "127.0.0.1:" + std::to_string(endpoint_.port());
  server_.start();
}

PlatformApiTest::~PlatformApiTest() {
  // Close the connections, end every telemetry delivery loop, and let the aborted operations run
  // so that no coroutine is left suspended on objects about to be destroyed.
  server_.stop();
  for (const auto& extension : state_.extensions) telemetry_.unsubscribe(*extension);
  changed_.notify();
  io_.restart();
  io_.poll();
}

std::shared_ptr<PendingRequest> PlatformApiTest::start(net::Request request) {
  auto pending = std::make_shared<PendingRequest>();
  asio::co_spawn(io_, exchange(net::HostPort{"127.0.0.1", endpoint_.port()}, std::move(request), pending),
                 asio::detached);
  return pending;
}

bool PlatformApiTest::run_until(const std::function<bool()>& condition) {
  io_.restart();
  while (!condition()) {
    if (io_.run_one_for(kWatchdog) == 0 && !condition()) {
      ADD_FAILURE() << "nothing happened for " << kWatchdog.count() << " s";
      return false;
    }
  }
  return true;
}

net::Response PlatformApiTest::send(net::Request request) {
  auto pending = start(std::move(request));
  if (!run_until([&] { return pending->done; })) return net::Response{http::status::network_connect_timeout_error, 11};
  if (!*pending->result) {
    ADD_FAILURE() << "request failed: " << pending->result->error().describe();
    return net::Response{http::status::network_connect_timeout_error, 11};
  }
  return std::move(pending->result->value());
}

std::string PlatformApiTest::raw_exchange(std::string bytes) {
  auto out = std::make_shared<RawResult>();
  asio::co_spawn(io_, raw(endpoint_, std::move(bytes), out), asio::detached);
  if (!run_until([&] { return out->done; })) return {};
  if (!out->error.empty()) ADD_FAILURE() << "raw exchange: " << out->error;
  return out->received;
}

std::string PlatformApiTest::register_extension(std::string_view name, std::string body) {
  const auto response = send(register_request(name, std::move(body)));
  EXPECT_EQ(response.result(), http::status::ok) << response.body();
  const auto id = response.find("Lambda-Extension-Identifier");
  if (id == response.end()) {
    ADD_FAILURE() << "no Lambda-Extension-Identifier for " << name;
    return {};
  }
  return std::string(id->value());
}

std::shared_ptr<Extension> PlatformApiTest::add_launched_extension(std::string name) {
  auto extension = std::make_shared<Extension>();
  extension->name = std::move(name);
  extension->instance = 1;
  extension->process = std::make_shared<Process>();  // never spawned: alive until marked exited
  state_.extensions.push_back(extension);
  return extension;
}

}  // namespace lambda_emulator::test
