// lambda-relay: wiring only. Configuration → RelayProcessor → the extension run loop.
#include "app/dev_mode.hpp"
#include "app/relay_processor.hpp"
#include "config/config.hpp"
#include "log/logger.hpp"

#include <lambda_relay/extension.hpp>

#include <csignal>

namespace {

using namespace lambda_relay;

RunOptions run_options(char** argv, const Result<config::Config>& config, const log::Logger& logger) {
  auto options = RunOptions::from(argv);
  options.log = [&logger](LogLevel level, std::string_view message) {
    const auto l = static_cast<log::Level>(static_cast<int>(level));
    if (logger.enabled(l)) logger.write(l, message);
  };
  if (!config) {
    options.subscribe = false;  // Init fails anyway: register, report, leave
    return options;
  }
  options.runtime_api = config->runtime_api;
  options.types = config->telemetry_types;
  options.buffering = config->buffering;
  options.listener_port = config->telemetry_port;
  options.shutdown_margin = config->shutdown_margin;
  return options;
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
  if (config && config->dev_mode) return app::run_dev_mode(*config, logger);

  auto options = run_options(argv, config, logger);
  if (!config) {
    app::InvalidConfiguration processor(make_error(std::string(config::kConfigErrorType), config.error().message));
    return run(processor, std::move(options));
  }
  app::RelayProcessor processor(*config, logger);
  return run(processor, std::move(options));
}
