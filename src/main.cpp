// lambda-relay: wiring only. Configuration → lifecycle; the parts that do the work live in src/*/.
#include "config/config.hpp"
#include "log/logger.hpp"
#include "platform/lifecycle.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <string>

namespace {

using namespace lambda_relay;

std::string basename_of(const char* path) {
  std::string p = path != nullptr ? path : "lambda-relay";
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

net::Awaitable<void> run_extension(platform::Lifecycle& lifecycle, const Result<config::Config>& config,
                                   int& exit_code) {
  auto registered = co_await lifecycle.register_extension();
  if (!registered) {
    exit_code = 1;
    co_return;
  }
  if (!config) {  // Init fails, and Lambda is told why.
    co_await lifecycle.report_init_error(config::kConfigErrorType, config.error().message);
    exit_code = 1;
    co_return;
  }
  exit_code = co_await lifecycle.run();
}

}  // namespace

int main(int /*argc*/, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  log::Logger logger("lambda-relay");
  const auto config = config::load(config::process_environment());
  if (config) {
    logger.set_threshold(config->log_level);
    logger.set_format(config->log_format);
  } else {
    logger.error("invalid configuration: {}", config.error().message);
  }

  boost::asio::io_context io(1);
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);

  if (config && config->dev_mode) {
    logger.info("dev mode: no Lambda platform, running until SIGTERM/SIGINT");
    signals.async_wait([&](auto, int) { io.stop(); });
    io.run();
    return 0;
  }

  const std::string runtime_api = config ? config->runtime_api : config::process_environment()("AWS_LAMBDA_RUNTIME_API").value_or("");
  ExtensionsClient client(io.get_executor(), runtime_api);
  if (!client.valid_runtime_api()) return 1;  // nowhere to report to; already logged

  platform::LifecycleOptions options{basename_of(argv[0]), config ? config->shutdown_margin : std::chrono::milliseconds(100)};
  platform::Lifecycle lifecycle(client, logger, options, {});
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    logger.info("signal {}: shutting down", signal_number);
    lifecycle.request_stop();
  });

  int exit_code = 0;
  boost::asio::co_spawn(io, [&]() -> net::Awaitable<void> {
    co_await run_extension(lifecycle, config, exit_code);
    signals.cancel();
  }, boost::asio::detached);
  io.run();
  return exit_code;
}
