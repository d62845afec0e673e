// lambda_relay::run(): registration, telemetry listener and subscription, Processor, lifecycle.
#include <lambda_relay/extension.hpp>

#include "log/logger.hpp"
#include "net/dns_resolver.hpp"
#include "net/http_client.hpp"
#include "platform/lifecycle.hpp"
#include "platform/listener_address.hpp"
#include "platform/telemetry_listener.hpp"
#include "platform/telemetry_subscription.hpp"
#include "support/state_changed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>

namespace lambda_relay {

boost::asio::awaitable<void> Processor::invoke(const InvokeEvent& /*event*/) { co_return; }

boost::asio::awaitable<void> Processor::shutdown(const ShutdownEvent& /*event*/,
                                                 std::chrono::system_clock::time_point /*deadline*/) {
  co_return;
}

RunOptions RunOptions::from(char** argv) {
  RunOptions options;
  std::string name = (argv != nullptr && argv[0] != nullptr) ? argv[0] : "extension";
  options.extension_name = name.substr(name.rfind('/') + 1);
  if (const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API")) options.runtime_api = api;
  return options;
}

namespace {

// "Category.Reason" error codes go to Lambda as they are; anything else as Extension.InitError.
std::string init_error_type(const Error& error) {
  return error.code.find('.') != std::string::npos ? error.code : "Extension.InitError";
}

LogLevel to_public_level(log::Level level) {
  return level == log::Level::off ? LogLevel::error : static_cast<LogLevel>(static_cast<int>(level));
}

void log_not_supported(const log::Logger& logger, const Error& error) {
  logger.warn("the platform has no Telemetry API ({}): running without telemetry", error.message);
}

// Lambda closes subscriptions when Init ends. A runtime that fails within moments of starting can end
// a (failed) Init between this extension's registration and its subscription: the platform then
// shuts the environment down and retries Init with new processes. Reporting an init error now would
// add a second, misleading cause to that failed Init, so the run goes on without telemetry.
bool init_already_over(const Error& error) { return error.code == "Telemetry.SubscriptionClosed"; }

void log_init_over(const log::Logger& logger, const Error& error) {
  logger.warn("Init ended before the Telemetry API subscription ({}): running without telemetry", error.message);
}

bool includes_platform(const std::vector<std::string>& types) {
  return std::find(types.begin(), types.end(), "platform") != types.end();
}

std::string destination_uri(std::uint16_t port) { return "http://sandbox.localdomain:" + std::to_string(port) + "/"; }

// Everything one run owns, wired once.
class Runner {
 public:
  Runner(Processor& processor, RunOptions options)
      : processor_(processor),
        options_(std::move(options)),
        logger_(options_.extension_name),
        changed_(io_.get_executor()),
        signals_(io_, SIGTERM, SIGINT),
        client_(io_.get_executor(), options_.runtime_api),
        resolver_(io_.get_executor()),
        listener_(io_.get_executor(), logger_, [this](const telemetry::Event& e) { on_event(e); },
                  [this] { processor_.end_of_batch(); }),
        lifecycle_(client_, logger_, {options_.extension_name, options_.shutdown_margin},
                   {[this](const InvokeEvent& e) { return on_invoke(e); },
                    [this](const ShutdownEvent& e, std::chrono::system_clock::time_point d) { return on_shutdown(e, d); }}) {
    if (options_.log) {
      logger_.set_threshold(log::Level::trace);
      logger_.set_sink([sink = options_.log](log::Level level, std::string_view message) {
        sink(to_public_level(level), message);
      });
    }
    (void)net::parse_host_port(options_.runtime_api, runtime_api_);
  }

  int run() {
    if (!client_.valid_runtime_api()) {
      logger_.error("AWS_LAMBDA_RUNTIME_API \"{}\" is not host:port", options_.runtime_api);
      return 1;
    }
    signals_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
      if (ec) return;
      logger_.info("signal {}: shutting down", signal_number);
      lifecycle_.request_stop();
    });
    boost::asio::co_spawn(io_, main(), boost::asio::detached);
    io_.run();
    processor_.close();  // its sockets and timers must go before io_ does
    return exit_code_;
  }

  log::Logger& logger() { return logger_; }

 private:
  net::Awaitable<void> main() {
    exit_code_ = co_await start_and_follow();
    listener_.stop();
    signals_.cancel();
    // However the run ended (SHUTDOWN, or a failure before or after Init), what a Processor still
    // has running (servers SDKs send to, timers) ends here; close() then destroys it.
    io_.stop();
  }

  net::Awaitable<int> start_and_follow() {
    auto registered = co_await lifecycle_.register_extension();
    if (!registered) co_return 1;
    if (options_.subscribe) {
      if (auto subscribed = co_await start_telemetry(registered->extension_id); !subscribed) {
        co_await lifecycle_.report_init_error(subscribed.error().code, subscribed.error().message);
        co_return 1;
      }
    }
    if (auto ready = processor_.init(*registered, io_.get_executor()); !ready) {
      co_await lifecycle_.report_init_error(init_error_type(ready.error()), ready.error().message);
      co_return 1;
    }
    co_return co_await lifecycle_.run();
  }

  net::Awaitable<Result<void>> start_telemetry(std::string extension_id) {
    const auto address = co_await platform::listener_address(runtime_api_, resolver_, logger_);
    auto bound = listener_.listen({address, options_.listener_port});
    if (!bound) co_return make_error("Extension.ListenerFailed", bound.error().message);
    net::HttpConnection api(io_.get_executor(), runtime_api_);
    platform::SubscriptionSettings settings{options_.types, options_.buffering, destination_uri(bound->port()),
                                            options_.schema_versions};
    auto subscribed = co_await platform::subscribe_telemetry(api, std::move(extension_id), std::move(settings), logger_);
    if (!subscribed && subscribed.error().code == "Telemetry.NotSupported") {
      log_not_supported(logger_, subscribed.error());
      co_return Result<void>{};
    }
    if (!subscribed && init_already_over(subscribed.error())) {
      log_init_over(logger_, subscribed.error());
      co_return Result<void>{};
    }
    awaits_platform_events_ = subscribed && includes_platform(options_.types);
    if (!subscribed) co_return subscribed.error();
    co_return Result<void>{};
  }

  void on_event(const telemetry::Event& event) {
    if (event.type == telemetry::EventType::platform_report) {
      last_report_id_ = std::get<telemetry::Report>(event.record).request_id;
      changed_.notify();
    } else if (event.type == telemetry::EventType::platform_init_report ||
               event.type == telemetry::EventType::platform_restore_report) {
      init_reported_ = true;
      changed_.notify();
    }
    processor_.process(event);
  }

  // What SHUTDOWN waits for: the last invoke's platform.report or, before any invoke, the outcome of
  // this process's Init (a failed Init's report is often delivered only once SHUTDOWN has been sent).
  bool final_telemetry_arrived() const {
    return last_invoke_id_.empty() ? init_reported_ : last_report_id_ == last_invoke_id_;
  }

  net::Awaitable<void> on_invoke(const InvokeEvent& event) {
    last_invoke_id_ = event.request_id;
    co_await processor_.invoke(event);
  }

  net::Awaitable<void> on_shutdown(const ShutdownEvent& event, std::chrono::system_clock::time_point deadline) {
    // The last platform events are often delivered only now: wait for them, briefly.
    if (awaits_platform_events_) {
      const auto budget = std::min(options_.final_telemetry_wait,
                                   std::chrono::duration_cast<std::chrono::milliseconds>(
                                       (deadline - std::chrono::system_clock::now()) / 2));
      co_await changed_.wait_until([this] { return final_telemetry_arrived(); },
                                   support::StateChanged::Clock::now() + budget);
    }
    co_await processor_.shutdown(event, deadline);
  }

  Processor& processor_;
  RunOptions options_;
  boost::asio::io_context io_{1};
  log::Logger logger_;
  support::StateChanged changed_;
  boost::asio::signal_set signals_;
  ExtensionsClient client_;
  net::HostPort runtime_api_;
  net::DnsResolver resolver_;
  platform::TelemetryListener listener_;
  platform::Lifecycle lifecycle_;
  std::string last_invoke_id_;
  std::string last_report_id_;
  bool awaits_platform_events_ = false;  // subscribed, with the platform type
  bool init_reported_ = false;
  int exit_code_ = 0;
};

}  // namespace

int run(Processor& processor, RunOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  Runner runner(processor, std::move(options));
  return runner.run();
}

}  // namespace lambda_relay
