#include <lambda_relay/extensions_api.hpp>

#include "net/http_server.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace lambda_relay {
namespace {

using namespace std::chrono_literals;
namespace http = net::http;

constexpr std::string_view kExtensionId = "a1b2c3d4-0000-4000-8000-lambdarelay1";

// A canned answer of the fake Extensions API.
struct Reply {
  http::status status = http::status::ok;
  std::string body;
  std::map<std::string, std::string> headers;
};

Reply json_reply(http::status status, std::string body, std::map<std::string, std::string> headers = {}) {
  return Reply{status, std::move(body), std::move(headers)};
}

Reply platform_error(http::status status, std::string error_type, std::string message) {
  return json_reply(status, R"({"errorMessage":")" + message + R"(","errorType":")" + error_type + R"("})");
}

// The Extensions API played by a real HttpServer on loopback: records every request and answers
// with the next canned reply (500 when there is none).
class FakeExtensionsApi {
 public:
  explicit FakeExtensionsApi(net::asio::any_io_executor executor)
      : server_(executor, [this](net::Request& request) -> net::Awaitable<net::Response> {
          co_return answer(request);
        }) {}

  Result<net::tcp::endpoint> start() {
    auto bound = server_.listen(net::tcp::endpoint(net::asio::ip::make_address_v4("127.0.0.1"), 0));
    if (bound) server_.start();
    return bound;
  }
  void stop() { server_.stop(); }

  void push(Reply reply) { replies_.push_back(std::move(reply)); }
  [[nodiscard]] const std::vector<net::Request>& received() const { return received_; }

 private:
  net::Response answer(const net::Request& request) {
    received_.push_back(request);
    if (replies_.empty()) {
      return net::make_error_response(request, http::status::internal_server_error, "Test.NoReply", "no canned reply");
    }
    Reply reply = std::move(replies_.front());
    replies_.pop_front();
    auto response = net::make_response(request, reply.status, std::move(reply.body));
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    return response;
  }

  net::HttpServer server_;
  std::deque<Reply> replies_;
  std::vector<net::Request> received_;
};

std::string header(const net::Request& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string("<absent>") : std::string(it->value());
}

std::vector<std::string> registered_events(const net::Request& request) {
  std::vector<std::string> events;
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(request.body()).at_key("events").get_array().get(array)) return {"<not a JSON events array>"};
  for (auto element : array) {
    std::string_view name;
    events.emplace_back(element.get_string().get(name) ? "<not a string>" : std::string(name));
  }
  return events;
}

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

std::vector<LifecycleEventType> invoke_and_shutdown() {
  return {LifecycleEventType::invoke, LifecycleEventType::shutdown};
}

class ExtensionsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = test::samples_dir();
    if (!dir) GTEST_SKIP() << "shared spec samples not found under " LAMBDA_RELAY_SHARED_DIR "/spec/samples";
    samples_ = *dir;
    auto bound = api_.start();
    ASSERT_TRUE(bound.ok()) << bound.error().describe();
    client_.emplace(io_.get_executor(), "127.0.0.1:" + std::to_string(bound->port()));
    ASSERT_TRUE(client_->valid_runtime_api());
  }

  void TearDown() override {
    client_.reset();
    api_.stop();
    test::drain(io_);
  }

  std::string sample(std::string_view name) const { return test::read_file(samples_ / name); }

  template <typename T>
  T run(net::Awaitable<T> awaitable) {
    auto result = test::run(io_, std::move(awaitable));
    if (!result) throw std::runtime_error("the client did not finish within the timeout");
    return std::move(*result);
  }

  // Registers successfully (used by tests about later calls).
  void register_ok() {
    api_.push(json_reply(http::status::ok, sample("register-response.json"),
                         {{"Lambda-Extension-Identifier", std::string(kExtensionId)}}));
    auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
    ASSERT_TRUE(registered.ok()) << registered.error().describe();
  }

  net::asio::io_context io_{1};
  FakeExtensionsApi api_{io_.get_executor()};
  std::optional<ExtensionsClient> client_;
  std::filesystem::path samples_;
};

TEST_F(ExtensionsClientTest, RegisterSendsNameFeatureAndEvents) {
  register_ok();
  ASSERT_EQ(api_.received().size(), 1U);
  const auto& request = api_.received()[0];
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/2020-01-01/extension/register");
  EXPECT_EQ(header(request, "Lambda-Extension-Name"), "lambda-relay");
  EXPECT_EQ(header(request, "Lambda-Extension-Accept-Feature"), "accountId");
  EXPECT_EQ(header(request, "Lambda-Extension-Identifier"), "<absent>");
  EXPECT_EQ(registered_events(request), (std::vector<std::string>{"INVOKE", "SHUTDOWN"}));
  EXPECT_EQ(request.body(), R"({"events":["INVOKE","SHUTDOWN"]})");
}

TEST_F(ExtensionsClientTest, RegisterStoresIdentifierAndParsesBody) {
  api_.push(json_reply(http::status::ok, sample("register-response.json"),
                       {{"Lambda-Extension-Identifier", std::string(kExtensionId)}}));
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_TRUE(registered.ok()) << registered.error().describe();
  EXPECT_EQ(registered->extension_id, kExtensionId);
  EXPECT_EQ(client_->extension_id(), kExtensionId);
  EXPECT_EQ(registered->function_name, "orders-api");
  EXPECT_EQ(registered->function_version, "$LATEST");
  EXPECT_EQ(registered->handler, "app.lambda_handler");
  ASSERT_TRUE(registered->account_id.has_value());
  EXPECT_EQ(*registered->account_id, "123456789012");
}

TEST_F(ExtensionsClientTest, RegisterWithoutAccountIdFeatureOmitsTheHeader) {
  api_.push(json_reply(http::status::ok, R"({"functionName":"f","functionVersion":"1","handler":"h"})",
                       {{"Lambda-Extension-Identifier", "id"}}));
  auto registered = run(client_->register_extension("ext", invoke_and_shutdown(), false));
  ASSERT_TRUE(registered.ok()) << registered.error().describe();
  EXPECT_FALSE(registered->account_id.has_value());
  ASSERT_EQ(api_.received().size(), 1U);
  EXPECT_EQ(header(api_.received()[0], "Lambda-Extension-Accept-Feature"), "<absent>");
}

TEST_F(ExtensionsClientTest, RegisterWithoutIdentifierHeaderIsAnError) {
  api_.push(json_reply(http::status::ok, sample("register-response.json")));
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.error().code, "InvalidResponse");
  EXPECT_NE(registered.error().message.find("Lambda-Extension-Identifier"), std::string::npos);
  EXPECT_TRUE(client_->extension_id().empty());
}

TEST_F(ExtensionsClientTest, RegisterWithEmptyIdentifierHeaderIsAnError) {
  api_.push(json_reply(http::status::ok, sample("register-response.json"), {{"Lambda-Extension-Identifier", ""}}));
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.error().code, "InvalidResponse");
}

TEST_F(ExtensionsClientTest, RegisterForbiddenBecomesErrorWithPlatformErrorType) {
  api_.push(platform_error(http::status::forbidden, "Extension.InvalidEventType", "SHUTDOWN is not allowed"));
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.error().code, "Extension.InvalidEventType");
  EXPECT_NE(registered.error().message.find("403"), std::string::npos) << registered.error().message;
  EXPECT_NE(registered.error().message.find("SHUTDOWN is not allowed"), std::string::npos)
      << registered.error().message;
}

TEST_F(ExtensionsClientTest, NonJsonErrorBodyBecomesHttpStatusError) {
  api_.push(json_reply(http::status::bad_gateway, "upstream went away"));
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.error().code, "HTTP502");
  EXPECT_NE(registered.error().message.find("upstream went away"), std::string::npos) << registered.error().message;
}

TEST_F(ExtensionsClientTest, NextEventParsesInvokeSampleAndSendsIdentifier) {
  register_ok();
  api_.push(json_reply(http::status::ok, sample("next-invoke.json")));
  auto event = run(client_->next_event());
  ASSERT_TRUE(event.ok()) << event.error().describe();

  ASSERT_EQ(api_.received().size(), 2U);
  const auto& request = api_.received()[1];
  EXPECT_EQ(request.method(), http::verb::get);
  EXPECT_EQ(request.target(), "/2020-01-01/extension/event/next");
  EXPECT_EQ(header(request, "Lambda-Extension-Identifier"), kExtensionId);

  const auto* invoke = std::get_if<InvokeEvent>(&*event);
  ASSERT_NE(invoke, nullptr);
  EXPECT_EQ(invoke->request_id, "8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c");
  EXPECT_EQ(invoke->deadline, at_ms(1749564194737));
  EXPECT_EQ(invoke->invoked_function_arn, "arn:aws:lambda:us-east-1:123456789012:function:orders-api");
  ASSERT_TRUE(invoke->tracing.has_value());
  EXPECT_EQ(invoke->tracing->type, "X-Amzn-Trace-Id");
  EXPECT_EQ(invoke->tracing->value, "Root=1-6848399f-4b1e2c3d4e5f60718293a4b5;Parent=7f3e2d1c0b9a8e6d;Sampled=1");
}

TEST_F(ExtensionsClientTest, NextEventParsesShutdownSample) {
  register_ok();
  api_.push(json_reply(http::status::ok, sample("next-shutdown.json")));
  auto event = run(client_->next_event());
  ASSERT_TRUE(event.ok()) << event.error().describe();
  const auto* shutdown = std::get_if<ShutdownEvent>(&*event);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_EQ(shutdown->reason, ShutdownReason::spindown);
  EXPECT_EQ(shutdown->reason_text, "spindown");
  EXPECT_EQ(shutdown->deadline, at_ms(1749564710930));
}

TEST_F(ExtensionsClientTest, NextEventParsesUpperCaseShutdownReason) {
  register_ok();
  api_.push(json_reply(http::status::ok, R"({"eventType":"SHUTDOWN","shutdownReason":"SPINDOWN","deadlineMs":5})"));
  auto event = run(client_->next_event());
  ASSERT_TRUE(event.ok()) << event.error().describe();
  const auto* shutdown = std::get_if<ShutdownEvent>(&*event);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_EQ(shutdown->reason, ShutdownReason::spindown);
  EXPECT_EQ(shutdown->reason_text, "SPINDOWN");
}

TEST_F(ExtensionsClientTest, ServesSeveralEventsOnOneKeepAliveConnection) {
  register_ok();
  api_.push(json_reply(http::status::ok, sample("next-invoke.json")));
  api_.push(json_reply(http::status::ok, sample("next-invoke.json")));
  api_.push(json_reply(http::status::ok, sample("next-shutdown.json")));
  EXPECT_TRUE(std::holds_alternative<InvokeEvent>(*run(client_->next_event())));
  EXPECT_TRUE(std::holds_alternative<InvokeEvent>(*run(client_->next_event())));
  EXPECT_TRUE(std::holds_alternative<ShutdownEvent>(*run(client_->next_event())));
  EXPECT_EQ(api_.received().size(), 4U);
}

TEST_F(ExtensionsClientTest, NextEventForbiddenBecomesErrorWithPlatformErrorType) {
  register_ok();
  api_.push(platform_error(http::status::forbidden, "Extension.UnknownExtensionIdentifier", "unknown id"));
  auto event = run(client_->next_event());
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().code, "Extension.UnknownExtensionIdentifier");
  EXPECT_NE(event.error().message.find("unknown id"), std::string::npos) << event.error().message;
}

TEST_F(ExtensionsClientTest, NextEventWithMalformedBodyIsAnError) {
  register_ok();
  api_.push(json_reply(http::status::ok, R"({"eventType":"INVOKE",)"));
  auto event = run(client_->next_event());
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().code, "InvalidResponse");
}

TEST_F(ExtensionsClientTest, InitErrorSendsErrorTypeHeaderAndIdentifier) {
  register_ok();
  api_.push(json_reply(http::status::accepted, R"({"status":"OK"})"));
  auto reported = run(client_->init_error("Extension.ConfigInvalid", "LAMBDA_RELAY_LOG_LEVEL: \"loud\" is bad"));
  ASSERT_TRUE(reported.ok()) << reported.error().describe();

  ASSERT_EQ(api_.received().size(), 2U);
  const auto& request = api_.received()[1];
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/2020-01-01/extension/init/error");
  EXPECT_EQ(header(request, "Lambda-Extension-Function-Error-Type"), "Extension.ConfigInvalid");
  EXPECT_EQ(header(request, "Lambda-Extension-Identifier"), kExtensionId);

  simdjson::dom::parser parser;
  simdjson::dom::object body;
  ASSERT_EQ(parser.parse(request.body()).get_object().get(body), simdjson::SUCCESS) << request.body();
  std::string_view type, message;
  ASSERT_EQ(body["errorType"].get_string().get(type), simdjson::SUCCESS);
  ASSERT_EQ(body["errorMessage"].get_string().get(message), simdjson::SUCCESS);
  EXPECT_EQ(type, "Extension.ConfigInvalid");
  EXPECT_EQ(message, "LAMBDA_RELAY_LOG_LEVEL: \"loud\" is bad");
}

TEST_F(ExtensionsClientTest, ExitErrorPostsToExitErrorPath) {
  register_ok();
  api_.push(json_reply(http::status::accepted, R"({"status":"OK"})"));
  auto reported = run(client_->exit_error("Extension.Crash", "boom"));
  ASSERT_TRUE(reported.ok()) << reported.error().describe();
  ASSERT_EQ(api_.received().size(), 2U);
  EXPECT_EQ(api_.received()[1].target(), "/2020-01-01/extension/exit/error");
  EXPECT_EQ(header(api_.received()[1], "Lambda-Extension-Function-Error-Type"), "Extension.Crash");
}

TEST_F(ExtensionsClientTest, InitErrorRejectedBecomesErrorWithPlatformErrorType) {
  register_ok();
  api_.push(platform_error(http::status::forbidden, "Extension.InvalidExtensionIdentifier", "bad id"));
  auto reported = run(client_->init_error("Extension.ConfigInvalid", "x"));
  ASSERT_FALSE(reported.ok());
  EXPECT_EQ(reported.error().code, "Extension.InvalidExtensionIdentifier");
}

TEST_F(ExtensionsClientTest, UnreachableApiIsAConnectError) {
  api_.stop();
  auto registered = run(client_->register_extension("lambda-relay", invoke_and_shutdown()));
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.error().code, "connect");
}

TEST(ExtensionsClientConstruction, RejectsMalformedRuntimeApi) {
  net::asio::io_context io;
  EXPECT_FALSE(ExtensionsClient(io.get_executor(), "no-port").valid_runtime_api());
  EXPECT_FALSE(ExtensionsClient(io.get_executor(), "").valid_runtime_api());
  EXPECT_TRUE(ExtensionsClient(io.get_executor(), "[::1]:9001").valid_runtime_api());
}

// --- the pure parsers ---

TEST(ParseLifecycleEvent, ParsesUpperCaseShutdownReasons) {
  const std::vector<std::pair<std::string, ShutdownReason>> cases{{"SPINDOWN", ShutdownReason::spindown},
                                                                  {"TIMEOUT", ShutdownReason::timeout},
                                                                  {"FAILURE", ShutdownReason::failure},
                                                                  {"timeout", ShutdownReason::timeout},
                                                                  {"Failure", ShutdownReason::failure},
                                                                  {"something-new", ShutdownReason::unknown}};
  for (const auto& [text, reason] : cases) {
    auto event = parse_lifecycle_event(R"({"eventType":"SHUTDOWN","shutdownReason":")" + text + R"(","deadlineMs":1})");
    ASSERT_TRUE(event.ok()) << text << ": " << event.error().describe();
    const auto* shutdown = std::get_if<ShutdownEvent>(&*event);
    ASSERT_NE(shutdown, nullptr) << text;
    EXPECT_EQ(shutdown->reason, reason) << text;
    EXPECT_EQ(shutdown->reason_text, text);
  }
}

TEST(ParseLifecycleEvent, AcceptsLowerCaseEventTypeAndMissingTracing) {
  auto event = parse_lifecycle_event(R"({"eventType":"invoke","requestId":"r","deadlineMs":10,"extra":[1,{}]})");
  ASSERT_TRUE(event.ok()) << event.error().describe();
  const auto* invoke = std::get_if<InvokeEvent>(&*event);
  ASSERT_NE(invoke, nullptr);
  EXPECT_EQ(invoke->request_id, "r");
  EXPECT_FALSE(invoke->tracing.has_value());
  EXPECT_EQ(invoke->deadline, at_ms(10));
}

TEST(ParseLifecycleEvent, RejectsMalformedInputWithoutCrashing) {
  const std::vector<std::string> bodies{
      "",
      "   ",
      "{",
      "[]",
      "null",
      "\"INVOKE\"",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":1)",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":1,})",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":"soon"})",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":1.5})",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":99999999999999999999999})",
      R"({"eventType":7,"deadlineMs":1})",
      R"({"eventType":"INVOKE","requestId":5,"deadlineMs":1})",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":1,"tracing":"x"})",
      R"({"eventType":"INVOKE","requestId":"r","deadlineMs":1,"tracing":{"type":1}})",
      R"({"eventType":"SHUTDOWN","shutdownReason":null,"deadlineMs":1})",
      std::string("{\"eventType\":\"INVOKE\0\",\"deadlineMs\":1}", 36),
      "\xff\xfe{}",
  };
  for (const auto& body : bodies) {
    auto event = parse_lifecycle_event(body);
    EXPECT_FALSE(event.ok()) << "accepted: " << body;
    if (!event.ok()) {
      EXPECT_EQ(event.error().code, "InvalidResponse") << body;
    }
  }
}

TEST(ParseLifecycleEvent, RejectsEventWithoutDeadline) {
  for (const std::string body : {R"({"eventType":"INVOKE","requestId":"r"})",
                                 R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})"}) {
    auto event = parse_lifecycle_event(body);
    ASSERT_FALSE(event.ok()) << body;
    EXPECT_NE(event.error().message.find("deadlineMs"), std::string::npos) << event.error().message;
  }
}

TEST(ParseLifecycleEvent, RejectsInvokeWithoutRequestIdAndUnknownEventType) {
  EXPECT_FALSE(parse_lifecycle_event(R"({"eventType":"INVOKE","deadlineMs":1})").ok());
  EXPECT_FALSE(parse_lifecycle_event(R"({"eventType":"RESTORE","deadlineMs":1})").ok());
  EXPECT_FALSE(parse_lifecycle_event(R"({"deadlineMs":1})").ok());
}

TEST(ParseRegisterResponse, RejectsMalformedBodies) {
  for (const std::string body : {"", "{", "[]", R"({"functionName":1})", R"({"accountId":null})"}) {
    auto parsed = parse_register_response(body, "id");
    EXPECT_FALSE(parsed.ok()) << body;
  }
}

TEST(ParseRegisterResponse, ParsesSampleAndKeepsIdentifier) {
  auto dir = test::samples_dir();
  if (!dir) GTEST_SKIP() << "shared spec samples not found under " LAMBDA_RELAY_SHARED_DIR "/spec/samples";
  auto parsed = parse_register_response(test::read_file(*dir / "register-response.json"), "the-id");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(parsed->extension_id, "the-id");
  EXPECT_EQ(parsed->function_name, "orders-api");
  EXPECT_EQ(parsed->account_id, std::optional<std::string>("123456789012"));
}

TEST(LifecycleNames, MatchTheWireNames) {
  EXPECT_EQ(to_string(LifecycleEventType::invoke), "INVOKE");
  EXPECT_EQ(to_string(LifecycleEventType::shutdown), "SHUTDOWN");
  EXPECT_EQ(to_string(ShutdownReason::spindown), "spindown");
  EXPECT_EQ(to_string(ShutdownReason::timeout), "timeout");
  EXPECT_EQ(to_string(ShutdownReason::failure), "failure");
  EXPECT_EQ(to_string(ShutdownReason::unknown), "unknown");
}

}  // namespace
}  // namespace lambda_relay
