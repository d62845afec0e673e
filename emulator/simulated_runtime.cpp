#include "simulated_runtime.hpp"

#include "json/writer.hpp"
#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace lambda_emulator {
namespace {

namespace asio = boost::asio;
namespace net = lambda_relay::net;

struct Behaviour {
  std::string action = "ok";
  std::int64_t duration_ms = 1;
  std::int64_t log_lines = 2;
  std::int64_t line_bytes = 0;  // work lines padded to at least this many bytes of message (volume tests)
  std::string log;              // one more line the function logs first, as given (secrets for redaction tests)
};

Behaviour parse_behaviour(const std::string& payload) {
  Behaviour b;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(payload);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return b;
  std::string_view action;
  if (!doc["action"].get_string().get(action)) b.action = std::string(action);
  std::string_view log;
  if (!doc["log"].get_string().get(log)) b.log = std::string(log);
  std::int64_t n = 0;
  if (!doc["duration_ms"].get_int64().get(n)) b.duration_ms = n;
  if (!doc["log_lines"].get_int64().get(n)) b.log_lines = n;
  if (!doc["line_bytes"].get_int64().get(n)) b.line_bytes = std::clamp<std::int64_t>(n, 0, 256 * 1024);
  return b;
}

bool json_logs() {
  const char* format = std::getenv("AWS_LAMBDA_LOG_FORMAT");
  return format != nullptr && (std::strcmp(format, "JSON") == 0 || std::strcmp(format, "json") == 0);
}

// One log line as a managed runtime writes it: Node's text layout, or the JSON log format.
void log_line(std::string_view request_id, std::string_view level, std::string_view message) {
  const auto now = lambda_relay::json::iso8601(std::chrono::system_clock::now());
  std::string line;
  if (json_logs()) {
    lambda_relay::json::Writer(line).begin_object().field("timestamp", now).field("level", level)
        .field("requestId", request_id).field("message", message).end_object();
  } else {
    line = fmt::format("{}\t{}\t{}\t{}", now, request_id, level, message);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

std::string work_message(std::int64_t line, const Behaviour& b) {
  auto message = fmt::format("simulated work {} of {} ({})", line, b.log_lines, b.action);
  const auto wanted = static_cast<std::size_t>(b.line_bytes);
  if (message.size() + 1 < wanted) message += ' ' + std::string(wanted - message.size() - 1, 'x');
  return message;
}

net::Request post(std::string target, std::string body) {
  net::Request request{net::http::verb::post, std::move(target), 11};
  request.set(net::http::field::content_type, "application/json");
  request.body() = std::move(body);
  return request;
}

std::string error_body(std::string_view type, std::string_view message) {
  std::string body;
  lambda_relay::json::Writer(body).begin_object().field("errorType", type).field("errorMessage", message)
      .key("trace").begin_array().end_array().end_object();
  return body;
}

std::string response_body(std::string_view request_id, const Behaviour& b) {
  std::string body;
  lambda_relay::json::Writer(body).begin_object().field("ok", true).field("action", b.action)
      .field("requestId", request_id).end_object();
  return body;
}

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

[[noreturn]] void crash() {
  std::fputs("simulated crash: the runtime process exits without answering\n", stdout);
  std::fflush(stdout);
  std::_Exit(1);
}

// Grows resident memory until the platform's OOM killer (the emulator) ends the process.
asio::awaitable<void> exhaust_memory(std::vector<std::unique_ptr<char[]>>& hog) {
  std::fputs("simulated out-of-memory: allocating until killed\n", stdout);
  std::fflush(stdout);
  constexpr std::size_t kChunk = 16 * 1024 * 1024;
  for (;;) {
    hog.push_back(std::make_unique<char[]>(kChunk));
    std::memset(hog.back().get(), 0x5A, kChunk);
    co_await pause(std::chrono::milliseconds(2));
  }
}

asio::awaitable<void> runtime_loop(net::HttpConnection& api, int& exit_code) {
  log_line("", "INFO", "simulated function initialising");
  if (const char* init_error = std::getenv("LAMBDA_EMULATOR_INIT_ERROR")) {
    auto request = post("/2018-06-01/runtime/init/error", error_body(init_error, "simulated Init failure"));
    request.set("Lambda-Runtime-Function-Error-Type", init_error);
    (void)co_await api.send(std::move(request));
    exit_code = 1;
    co_return;
  }
  std::vector<std::unique_ptr<char[]>> hog;
  for (;;) {
    auto next = co_await api.send(net::Request{net::http::verb::get, "/2018-06-01/runtime/invocation/next", 11});
    if (!next || next->result_int() != 200) {
      exit_code = 1;
      co_return;
    }
    const std::string request_id(next->at("Lambda-Runtime-Aws-Request-Id"));
    const auto behaviour = parse_behaviour(next->body());
    if (!behaviour.log.empty()) log_line(request_id, "INFO", behaviour.log);
    for (std::int64_t i = 1; i <= behaviour.log_lines; ++i) {
      log_line(request_id, "INFO", work_message(i, behaviour));
    }
    co_await pause(std::chrono::milliseconds(behaviour.duration_ms));
    if (behaviour.action == "timeout" || behaviour.action == "platform_failure") {
      co_await pause(std::chrono::hours(24));  // until the platform gives up on us (or fails under us)
    } else if (behaviour.action == "oom") {
      co_await exhaust_memory(hog);
    } else if (behaviour.action == "crash") {
      crash();
    }
    const auto base = "/2018-06-01/runtime/invocation/" + request_id;
    if (behaviour.action == "error") {
      log_line(request_id, "ERROR", "simulated failure");
      (void)co_await api.send(post(base + "/error", error_body("SimulatedError", "simulated failure")));
    } else {
      (void)co_await api.send(post(base + "/response", response_body(request_id, behaviour)));
    }
  }
}

}  // namespace

int run_simulated_runtime() {
  const char* runtime_api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  net::HostPort target;
  if (runtime_api == nullptr || !net::parse_host_port(runtime_api, target)) {
    std::fputs("simulated runtime: AWS_LAMBDA_RUNTIME_API is not host:port\n", stderr);
    return 2;
  }
  asio::io_context io(1);
  net::HttpConnection api(io.get_executor(), target);
  int exit_code = 0;
  asio::co_spawn(io, runtime_loop(api, exit_code), asio::detached);
  io.run();
  return exit_code;
}

}  // namespace lambda_emulator
