// lambda-relay outside Lambda (LAMBDA_RELAY_DEV_MODE=true): no registration and no telemetry, but the
// local relay runs when it is configured, sending continuously, so SDKs can be pointed at it on a
// workstation or in tests. Runs until SIGTERM/SIGINT, then flushes for up to 2 s.
#pragma once

#include "config/config.hpp"
#include "log/logger.hpp"

namespace lambda_relay::app {

int run_dev_mode(const config::Config& config, const log::Logger& logger);

}  // namespace lambda_relay::app
