#include "relay/local_relay.hpp"

#include <fmt/format.h>

namespace lambda_relay::relay {
namespace {

std::string endpoints_text(const std::vector<net::tcp::endpoint>& endpoints) {
  std::string out;
  for (const auto& e : endpoints) {
    if (!out.empty()) out += ", ";
    out += e.address().is_v6() ? fmt::format("[{}]:{}", e.address().to_string(), e.port())
                               : fmt::format("{}:{}", e.address().to_string(), e.port());
  }
  return out.empty() ? "nothing" : out;
}

}  // namespace

LocalRelay::LocalRelay(net::asio::any_io_executor executor, const log::Logger& logger,
                       const config::RelayConfig& config, delivery::DeliveryEngine& engine,
                       std::optional<sentry::SentryUpstream> sentry, otlp::OtlpUpstreams otlp,
                       const insight::Redactor& redactor)
    : logger_(logger),
      config_(config),
      sentry_(engine, logger, std::move(sentry), redactor, config.max_decoded_bytes()),
      pyroscope_(engine, logger, config.pyroscope, config.max_decoded_bytes()),
      otlp_(engine, logger, std::move(otlp), config.max_decoded_bytes()),
      forward_(engine, config.forward),
      server_(std::move(executor), logger, routes(), config.max_request_bytes) {}

RouteTable LocalRelay::routes() {
  RouteTable table;
  sentry_.add_to(table);
  pyroscope_.add_to(table);
  otlp_.add_to(table);
  forward_.add_to(table);
  return table;
}

std::vector<net::tcp::endpoint> LocalRelay::start() {
  auto bound = server_.start(config_.ingest_ports);
  const auto otlp = otlp_.describe();
  logger_.info("relay: listening on {}{}{}{}", endpoints_text(bound),
               config_.sentry_dsn ? fmt::format(", Sentry to {}", config_.sentry_dsn->describe()) : std::string{},
               config_.pyroscope ? fmt::format(", Pyroscope to {}", config_.pyroscope->remote.redacted()) : std::string{},
               otlp.empty() ? std::string{} : fmt::format(", OTLP {}", otlp));
  return bound;
}

void LocalRelay::stop() { server_.stop(); }

}  // namespace lambda_relay::relay
