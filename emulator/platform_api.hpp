// The Lambda APIs a sandbox serves on AWS_LAMBDA_RUNTIME_API: Extensions (2020-01-01), Runtime
// (2018-06-01), Telemetry (2022-07-01) and Logs (2020-08-15). Each handler validates its request as
// Lambda does and answers with Lambda's error shapes; long-polls wait on StateChanged.
#pragma once

#include "sandbox_state.hpp"
#include "support/state_changed.hpp"
#include "telemetry_hub.hpp"

#include "net/http.hpp"

namespace lambda_emulator {

namespace net = lambda_relay::net;

class PlatformApi {
 public:
  PlatformApi(SandboxState& state, StateChanged& changed, TelemetryHub& telemetry);

  net::Awaitable<net::Response> handle(net::Request& request);

 private:
  // extensions_api.cpp
  net::Awaitable<net::Response> extension_register(net::Request& request);
  net::Awaitable<net::Response> extension_next(net::Request& request);
  net::Response extension_error(net::Request& request, bool at_init);
  // runtime_api.cpp
  net::Awaitable<net::Response> runtime_next(net::Request& request);
  net::Response runtime_response(net::Request& request, std::string_view request_id);
  net::Response runtime_error(net::Request& request, std::string_view request_id);
  net::Response runtime_init_error(net::Request& request);
  // telemetry_api.cpp
  net::Response subscribe(net::Request& request, SubscriptionApi api);

  // Resolves Lambda-Extension-Identifier or fills `error` with the 403 Lambda answers.
  std::shared_ptr<Extension> identify(const net::Request& request, net::Response& error) const;

  SandboxState& state_;
  StateChanged& changed_;
  TelemetryHub& telemetry_;
};

}  // namespace lambda_emulator
