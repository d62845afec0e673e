#include "app/dev_mode.hpp"

#include "delivery/delivery_engine.hpp"
#include "insight/redact.hpp"
#include "relay/local_relay.hpp"
#include "relay/otlp/otlp_upstream.hpp"
#include "support/state_changed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <optional>

namespace lambda_relay::app {
namespace {

constexpr std::chrono::seconds kFinalFlush{2};

std::optional<relay::sentry::SentryUpstream> sentry_upstream(delivery::DeliveryEngine& engine,
                                                             const config::RelayConfig& config) {
  if (!config.sentry_dsn) return std::nullopt;
  return relay::sentry::add_sentry_upstream(engine, *config.sentry_dsn);
}

struct DevRelay {
  DevRelay(boost::asio::io_context& io, const config::Config& config, const log::Logger& logger,
           insight::Redactor redactor_)
      : changed(io.get_executor()),
        engine(changed, logger, config.max_buffer_bytes),
        redactor(std::move(redactor_)),
        relay(io.get_executor(), logger, config.relay, engine, sentry_upstream(engine, config.relay),
              relay::otlp::add_otlp_upstreams(engine, config.otlp), redactor) {}

  support::StateChanged changed;
  delivery::DeliveryEngine engine;
  insight::Redactor redactor;
  relay::LocalRelay relay;
};

boost::asio::awaitable<void> finish(DevRelay& dev, boost::asio::io_context& io) {
  dev.relay.stop();
  const auto deadline = delivery::DeliveryEngine::Clock::now() + kFinalFlush;
  co_await dev.engine.flush(deadline);
  co_await dev.engine.pause(deadline);
  dev.engine.report_and_abandon();
  io.stop();
}

}  // namespace

int run_dev_mode(const config::Config& config, const log::Logger& logger) {
  boost::asio::io_context io(1);
  std::optional<DevRelay> dev;
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);  // before the first log line: it says we are up
  signals.async_wait([&](auto, int) {
    if (dev) {
      boost::asio::co_spawn(io, finish(*dev, io), boost::asio::detached);
    } else {
      io.stop();
    }
  });
  logger.info("dev mode: no Lambda platform, running until SIGTERM/SIGINT");
  if (config.relay.enabled()) {
    auto redactor = insight::Redactor::create({config.insight.send_default_pii, config.insight.redact_patterns});
    if (!redactor) {
      logger.error("{}", redactor.error().message);
      return 1;
    }
    dev.emplace(io, config, logger, std::move(redactor).value());
    dev->relay.start();
  }
  io.run();
  dev.reset();
  return 0;
}

}  // namespace lambda_relay::app
