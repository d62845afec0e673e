#include "emulator.hpp"

#include "platform_api.hpp"
#include "process.hpp"
#include "report.hpp"
#include "sandbox.hpp"
#include "sink.hpp"
#include "telemetry_hub.hpp"

#include "net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <optional>

#include <unistd.h>

namespace lambda_emulator {
namespace asio = boost::asio;

namespace {

std::string self_path() {
  char buffer[4096];
  const auto n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string("lambda-emulator");
}

asio::awaitable<void> play(Sandbox& sandbox, const EmulatorOptions& options, asio::io_context& io) {
  co_await sandbox.cold_start();
  for (const auto& payload : options.payloads) {
    co_await sandbox.idle(options.idle);
    co_await sandbox.invoke(payload);
  }
  co_await sandbox.idle(options.idle);
  co_await sandbox.spin_down();
  io.stop();
}

}  // namespace

int run_emulator(EmulatorOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io(1);
  StateChanged changed(io.get_executor());
  ProcessTable processes(io.get_executor(), changed);
  TelemetryHub telemetry(changed, processes);

  SandboxState state;
  state.function = options.function;
  state.telemetry_schema_versions = options.telemetry_schema_versions;
  PlatformApi api(state, changed, telemetry);
  lambda_relay::net::HttpServer server(io.get_executor(), [&api](lambda_relay::net::Request& request) {
    return api.handle(request);
  });
  auto endpoint = server.listen({asio::ip::make_address_v4("127.0.0.1"), 0});
  if (!endpoint) {
    std::fprintf(stderr, "lambda-emulator: %s\n", endpoint.error().message.c_str());
    return 2;
  }
  server.start();
  state.runtime_api = fmt::format("{}:{}", options.runtime_api_host, endpoint->port());

  std::optional<Sink> sink;
  if (options.sink) {
    sink.emplace(io.get_executor());
    if (auto started = sink->start(); !started) {
      std::fprintf(stderr, "lambda-emulator: sink: %s\n", started.error().message.c_str());
      return 2;
    }
    const auto env = sink->environment();
    state.function.extra_env.insert(state.function.extra_env.begin(), env.begin(), env.end());
  }

  options.sandbox.self_path = self_path();
  Sandbox sandbox(state, changed, processes, telemetry, options.sandbox);
  if (sink) sink->measure_freshness([&sandbox]() -> const std::vector<std::string>& { return sandbox.delivered_request_ids(); });
  asio::co_spawn(io, play(sandbox, options, io), asio::detached);
  io.run();
  server.stop();

  const RunResult result{options, state, sandbox, telemetry, sink ? &*sink : nullptr};
  const auto summary = text_summary(result);
  std::fwrite(summary.data(), 1, summary.size(), stdout);
  if (options.json_path) {
    std::ofstream(*options.json_path) << json_report(result);
  }
  return options.strict && !sandbox.violations().empty() ? 3 : 0;
}

}  // namespace lambda_emulator
