// lambda_relay::run() against a fake Lambda platform on its own thread (real loopback sockets): what the
// run loop does when the Init ends around its subscription.
#include <lambda_relay/extension.hpp>

#include "net/hosts_file.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lambda_relay {
namespace {

namespace http = net::http;

constexpr std::string_view kInitReportBatch =
    R"([{"time":"2025-06-10T14:03:11.000Z","type":"platform.initReport","record":{"initializationType":"on-demand",)"
    R"("phase":"init","status":"error","errorType":"Runtime.ExitError","metrics":{"durationMs":12.5}}}])";

std::uint16_t port_of_destination(const std::string& subscription) {
  const auto uri = subscription.find("sandbox.localdomain:");
  if (uri == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(subscription.substr(uri + std::string_view("sandbox.localdomain:").size())));
}

// The Extensions and Telemetry APIs of a Lambda whose Init has just failed: register succeeds, the
// subscription gets `subscription_status`, event/next answers SHUTDOWN. With a subscription, the failed
// Init's platform.initReport is POSTed to the listener only after SHUTDOWN has been answered, as the
// platform delivers it when it thaws the environment for the teardown.
class FailedInitPlatform {
 public:
  explicit FailedInitPlatform(http::status subscription_status)
      : subscription_status_(subscription_status),
        server_(io_.get_executor(), [this](net::Request& r) -> net::Awaitable<net::Response> { co_return answer(r); }) {
    endpoint_ = server_.listen({boost::asio::ip::make_address_v4("127.0.0.1"), 0}).value();
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FailedInitPlatform() {
    boost::asio::post(io_, [this] {
      server_.stop();
      work_.reset();
    });
    thread_.join();
  }

  [[nodiscard]] std::string runtime_api() const { return "127.0.0.1:" + std::to_string(endpoint_.port()); }
  [[nodiscard]] std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  net::Response answer(const net::Request& request) {
    const std::string target(request.target());
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(target);
    }
    if (target.ends_with("/register")) {
      auto response = net::make_response(request, http::status::ok,
                                         R"({"functionName":"f","functionVersion":"$LATEST","handler":"index.handler"})");
      response.set("Lambda-Extension-Identifier", "6d4e1f7a-0000-4000-8000-000000000001");
      return response;
    }
    if (target.ends_with("/telemetry")) {
      if (subscription_status_ != http::status::ok) {
        return net::make_error_response(request, subscription_status_, "Telemetry.SubscriptionClosed",
                                        "Telemetry API subscription is closed");
      }
      listener_port_ = port_of_destination(request.body());
      return net::make_response(request, http::status::ok, R"("OK")");
    }
    if (target.ends_with("/event/next")) {
      if (listener_port_ != 0) boost::asio::co_spawn(io_, post_init_report(), boost::asio::detached);
      const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
          (std::chrono::system_clock::now() + std::chrono::seconds(30)).time_since_epoch());
      return net::make_response(request, http::status::ok,
                                R"({"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":)" +
                                    std::to_string(deadline.count()) + "}");
    }
    return net::make_response(request, http::status::accepted, "{}");  // init/error, exit/error
  }

  net::Awaitable<void> post_init_report() {
    // Where lambda-relay's listener binds for sandbox.localdomain.
    const auto address = net::address_in_hosts_file("sandbox.localdomain")
                             .value_or(boost::asio::ip::address(boost::asio::ip::address_v4::loopback()));
    net::HttpConnection listener(io_.get_executor(), net::HostPort{address.to_string(), listener_port_});
    net::Request batch{http::verb::post, "/", 11};
    batch.set(http::field::content_type, "application/json");
    batch.body() = std::string(kInitReportBatch);
    (void)co_await listener.send(std::move(batch), std::chrono::seconds(2));
  }

  http::status subscription_status_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  net::HttpServer server_;
  net::tcp::endpoint endpoint_;
  std::uint16_t listener_port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
};

// Records what run() hands it, in order.
class RecordingProcessor : public Processor {
 public:
  void process(const telemetry::Event& event) override {
    if (event.type == telemetry::EventType::platform_init_report) seen.emplace_back("initReport");
  }
  boost::asio::awaitable<void> shutdown(const ShutdownEvent& /*event*/,
                                        std::chrono::system_clock::time_point /*deadline*/) override {
    seen.emplace_back("shutdown");
    co_return;
  }
  std::vector<std::string> seen;
};

RunOptions options_for(const FailedInitPlatform& platform, std::vector<std::string>& warnings) {
  RunOptions options;
  options.extension_name = "run-test";
  options.runtime_api = platform.runtime_api();
  options.types = {"platform"};
  // Generous: the wait ends as soon as the report arrives, and a loaded machine must not fail the test.
  options.final_telemetry_wait = std::chrono::seconds(10);
  options.log = [&warnings](LogLevel level, std::string_view line) {
    if (level == LogLevel::warn) warnings.emplace_back(line);
  };
  return options;
}

bool called(const std::vector<std::string>& calls, std::string_view suffix) {
  return std::any_of(calls.begin(), calls.end(), [&](const std::string& c) { return c.ends_with(suffix); });
}

TEST(RunWhenInitFails, AFailedInitsReportDeliveredAfterShutdownIsProcessedBeforeTheProcessorShutsDown) {
  FailedInitPlatform platform(http::status::ok);
  RecordingProcessor processor;
  std::vector<std::string> warnings;
  EXPECT_EQ(run(processor, options_for(platform, warnings)), 0);
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"initReport", "shutdown"}));
}

TEST(RunWhenInitFails, ASubscriptionClosedByAnInitThatAlreadyFailedIsNotAnInitErrorOfItsOwn) {
  FailedInitPlatform platform(http::status::forbidden);
  RecordingProcessor processor;
  std::vector<std::string> warnings;
  EXPECT_EQ(run(processor, options_for(platform, warnings)), 0);
  const auto calls = platform.calls();
  EXPECT_FALSE(called(calls, "/init/error")) << "the Init already failed for another reason";
  EXPECT_TRUE(called(calls, "/event/next"));
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"shutdown"}));
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].find("Init ended before the Telemetry API subscription"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace lambda_relay
