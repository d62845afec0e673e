// Extensions API (2020-01-01): register, event/next, init/error, exit/error — status codes and the
// errorType values RIE answers with (spec §2).
#include "platform_api_fixture.hpp"

#include <string>
#include <vector>

namespace lambda_emulator::test {
namespace {

using ExtensionsApiTest = PlatformApiTest;

constexpr std::string_view kNext = "/2020-01-01/extension/event/next";
constexpr std::string_view kInitError = "/2020-01-01/extension/init/error";
constexpr std::string_view kExitError = "/2020-01-01/extension/exit/error";
constexpr std::string_view kErrorType = "Lambda-Extension-Function-Error-Type";

// ---- register ------------------------------------------------------------------------------

TEST_F(ExtensionsApiTest, RegisterWithoutNameIs403InvalidExtensionName) {
  const auto response = send(register_request(""));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.InvalidExtensionName"));
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterWithEmptyNameIs403InvalidExtensionName) {
  auto request = register_request("");
  request.set("Lambda-Extension-Name", "");
  EXPECT_TRUE(IsLambdaError(send(std::move(request)), http::status::forbidden, "Extension.InvalidExtensionName"));
}

TEST_F(ExtensionsApiTest, RegisterWithMalformedJsonIs403InvalidRequestFormat) {
  const std::vector<std::string> bodies = {
      "not json",
      R"({"events": [INVOKE]})",
      R"(["INVOKE"])",
      R"({"events": "INVOKE"})",
      R"({"events": [1]})",
      R"({"events": ["INVOKE"])",   // truncated object
      R"({"events": ["INVOKE")",    // truncated array
      R"({"events": ["INVOKE"]} x)",  // trailing garbage
      "",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE("body: " + body);
    EXPECT_TRUE(IsLambdaError(send(register_request("ext", body)), http::status::forbidden, "InvalidRequestFormat"));
  }
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterWithConfigurationKeysIs403InvalidRequestFormat) {
  const auto response = send(register_request("ext", R"({"events":["INVOKE"],"configurationKeys":["K"]})"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "InvalidRequestFormat"));
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterForUnknownEventIs403InvalidEventType) {
  const auto response = send(register_request("ext", R"({"events":["INVOKE","FOO"]})"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.InvalidEventType"));
  EXPECT_NE(json_string_field(response.body(), "errorMessage").value_or("").find("FOO"), std::string::npos)
      << response.body();
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterAfterInitIs403RegistrationClosed) {
  state_.init_open = false;
  const auto response = send(register_request("ext"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.RegistrationClosed"));
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterUnknownNameForShutdownIs403InvalidEventType) {
  // No file of that name was launched: an internal extension, which cannot receive SHUTDOWN.
  const auto response = send(register_request("internal-ext", R"({"events":["INVOKE","SHUTDOWN"]})"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.InvalidEventType"));
  EXPECT_TRUE(state_.extensions.empty());
}

TEST_F(ExtensionsApiTest, RegisterUnknownNameForInvokeOnlyIs200) {
  const auto response = send(register_request("internal-ext", R"({"events":["INVOKE"]})"));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  ASSERT_EQ(state_.extensions.size(), 1U);
  const auto& extension = *state_.extensions.front();
  EXPECT_EQ(extension.name, "internal-ext");
  EXPECT_TRUE(extension.registered);
  EXPECT_TRUE(extension.wants_invoke);
  EXPECT_FALSE(extension.wants_shutdown);
  EXPECT_EQ(extension.process, nullptr);
}

TEST_F(ExtensionsApiTest, RegisterLaunchedExtensionForShutdownIs200) {
  const auto launched = add_launched_extension("relay");
  const auto response = send(register_request("relay", R"({"events":["INVOKE","SHUTDOWN"]})"));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  ASSERT_EQ(state_.extensions.size(), 1U);  // the launched extension registered, no new one
  EXPECT_TRUE(launched->registered);
  EXPECT_TRUE(launched->wants_invoke);
  EXPECT_TRUE(launched->wants_shutdown);
  EXPECT_EQ(launched->events, (std::vector<std::string>{"INVOKE", "SHUTDOWN"}));
}

TEST_F(ExtensionsApiTest, RegisterReturnsUuidIdentifierAndFunctionConfigWithoutAccountId) {
  const auto response = send(register_request("ext"));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  const auto id = response.find("Lambda-Extension-Identifier");
  ASSERT_NE(id, response.end());
  EXPECT_TRUE(is_uuid(id->value())) << id->value();
  ASSERT_EQ(state_.extensions.size(), 1U);
  EXPECT_EQ(state_.extensions.front()->id, std::string(id->value()));

  EXPECT_EQ(json_string_field(response.body(), "functionName"), "unit-fn") << response.body();
  EXPECT_EQ(json_string_field(response.body(), "functionVersion"), "$LATEST") << response.body();
  EXPECT_EQ(json_string_field(response.body(), "handler"), "app.handler") << response.body();
  EXPECT_FALSE(json_has_field(response.body(), "accountId")) << response.body();
}

TEST_F(ExtensionsApiTest, RegisterWithAccountIdFeatureAddsAccountId) {
  const auto response =
      send(register_request("ext", R"({"events":["INVOKE"]})", {{"Lambda-Extension-Accept-Feature", "accountId"}}));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  EXPECT_EQ(json_string_field(response.body(), "accountId"), "210987654321") << response.body();
  EXPECT_EQ(json_string_field(response.body(), "functionName"), "unit-fn") << response.body();
  ASSERT_EQ(state_.extensions.size(), 1U);
  EXPECT_EQ(state_.extensions.front()->features, std::vector<std::string>{"accountId"});
}

TEST_F(ExtensionsApiTest, RegisterWithOtherFeatureOmitsAccountId) {
  const auto response =
      send(register_request("ext", R"({"events":["INVOKE"]})", {{"Lambda-Extension-Accept-Feature", "somethingElse"}}));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  EXPECT_FALSE(json_has_field(response.body(), "accountId")) << response.body();
}

TEST_F(ExtensionsApiTest, RegisterWithEmptyEventsIs200) {
  const auto response = send(register_request("ext", R"({"events":[]})"));
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  ASSERT_EQ(state_.extensions.size(), 1U);
  EXPECT_FALSE(state_.extensions.front()->wants_invoke);
  EXPECT_FALSE(state_.extensions.front()->wants_shutdown);
}

TEST_F(ExtensionsApiTest, RegisterTwiceIs403InvalidExtensionState) {
  ASSERT_FALSE(register_extension("ext").empty());
  EXPECT_TRUE(IsLambdaError(send(register_request("ext")), http::status::forbidden, "Extension.InvalidExtensionState"));
  EXPECT_EQ(state_.extensions.size(), 1U);
}

TEST_F(ExtensionsApiTest, EleventhRegistrationIs403TooManyExtensions) {
  for (int i = 1; i <= 10; ++i) {
    SCOPED_TRACE("extension " + std::to_string(i));
    ASSERT_FALSE(register_extension("ext-" + std::to_string(i)).empty());
  }
  const auto response = send(register_request("ext-11"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.TooManyExtensions"));
  EXPECT_EQ(state_.extensions.size(), 10U);
}

// ---- event/next ----------------------------------------------------------------------------

TEST_F(ExtensionsApiTest, NextWithoutIdentifierIs403MissingExtensionIdentifier) {
  const auto response = send(make_request(http::verb::get, std::string(kNext)));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.MissingExtensionIdentifier"));
}

TEST_F(ExtensionsApiTest, NextWithNonUuidIdentifierIs403InvalidExtensionIdentifier) {
  const auto response = send(with_identifier(http::verb::get, std::string(kNext), "not-a-uuid"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.InvalidExtensionIdentifier"));
}

TEST_F(ExtensionsApiTest, NextWithUnknownIdentifierIs403UnknownExtensionIdentifier) {
  ASSERT_FALSE(register_extension("ext").empty());
  const auto response =
      send(with_identifier(http::verb::get, std::string(kNext), "0b6ba2b4-4c33-4a3e-9e5f-3a4b5c6d7e8f"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.UnknownExtensionIdentifier"));
}

TEST_F(ExtensionsApiTest, NextDeliversAnEventQueuedWhileItWaits) {
  const auto id = register_extension("ext");
  ASSERT_FALSE(id.empty());
  const auto extension = state_.find_by_id(id);
  ASSERT_NE(extension, nullptr);

  auto pending = start(with_identifier(http::verb::get, std::string(kNext), id));
  ASSERT_TRUE(run_until([&] { return extension->in_next || pending->done; }));
  ASSERT_FALSE(pending->done) << "event/next answered before any event was queued";
  EXPECT_EQ(extension->state, "Ready");

  const std::string event = R"({"eventType":"INVOKE","deadlineMs":1,"requestId":"r-1","invokedFunctionArn":"arn"})";
  extension->queued_events.push_back(event);
  changed_.notify();
  ASSERT_TRUE(run_until([&] { return pending->done; }));
  ASSERT_TRUE(*pending->result) << pending->result->error().describe();
  const auto& response = pending->result->value();
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), event);
  const auto event_id = response.find("Lambda-Extension-Event-Identifier");
  ASSERT_NE(event_id, response.end());
  EXPECT_TRUE(is_uuid(event_id->value())) << event_id->value();
  EXPECT_TRUE(extension->queued_events.empty());
  EXPECT_FALSE(extension->in_next);
}

// ---- init/error, exit/error ----------------------------------------------------------------

struct ErrorCall {
  std::string_view path;
  bool at_init;
};

class ExtensionErrorTest : public PlatformApiTest, public ::testing::WithParamInterface<ErrorCall> {
 protected:
  [[nodiscard]] const std::optional<ErrorReport>& report_of(const Extension& e) const {
    return GetParam().at_init ? e.init_error : e.exit_error;
  }
};

TEST_P(ExtensionErrorTest, WithoutErrorTypeHeaderIs403MissingHeader) {
  const auto id = register_extension("ext");
  ASSERT_FALSE(id.empty());
  const auto response = send(with_identifier(http::verb::post, std::string(GetParam().path), id, "{}"));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.MissingHeader"));
  EXPECT_FALSE(report_of(*state_.find_by_id(id)));
}

TEST_P(ExtensionErrorTest, WithoutIdentifierIs403MissingExtensionIdentifier) {
  const auto response = send(make_request(http::verb::post, std::string(GetParam().path), "{}",
                                          {{std::string(kErrorType), "Extension.Failed"}}));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.MissingExtensionIdentifier"));
}

TEST_P(ExtensionErrorTest, ValidReportIs202AndRecordsTypeAndMessage) {
  const auto id = register_extension("ext");
  ASSERT_FALSE(id.empty());
  const auto response = send(with_identifier(
      http::verb::post, std::string(GetParam().path), id,
      R"({"errorMessage":"config file missing","errorType":"Extension.ConfigInvalid","stackTrace":[]})",
      {{std::string(kErrorType), "Extension.ConfigInvalid"}}));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  EXPECT_EQ(json_string_field(response.body(), "status"), "OK") << response.body();

  const auto extension = state_.find_by_id(id);
  const auto& report = report_of(*extension);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->type, "Extension.ConfigInvalid");
  EXPECT_EQ(report->message, "config file missing");
  EXPECT_EQ(extension->state, GetParam().at_init ? "InitError" : "ExitError");
}

TEST_P(ExtensionErrorTest, SecondReportIs403InvalidExtensionState) {
  const auto id = register_extension("ext");
  ASSERT_FALSE(id.empty());
  const Headers type = {{std::string(kErrorType), "Extension.First"}};
  ASSERT_EQ(send(with_identifier(http::verb::post, std::string(GetParam().path), id, "{}", type)).result(),
            http::status::accepted);

  const Headers second_type = {{std::string(kErrorType), "Extension.Second"}};
  for (const auto path : {kInitError, kExitError}) {
    SCOPED_TRACE(std::string(path));
    const auto response = send(with_identifier(http::verb::post, std::string(path), id, "{}", second_type));
    EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "Extension.InvalidExtensionState"));
  }
  const auto extension = state_.find_by_id(id);
  ASSERT_TRUE(report_of(*extension));
  EXPECT_EQ(report_of(*extension)->type, "Extension.First");
  // The other report stays empty.
  EXPECT_FALSE(GetParam().at_init ? extension->exit_error : extension->init_error);
  // And event/next is refused from now on.
  EXPECT_TRUE(IsLambdaError(send(with_identifier(http::verb::get, std::string(kNext), id)), http::status::forbidden,
                            "Extension.InvalidExtensionState"));
}

INSTANTIATE_TEST_SUITE_P(Extension, ExtensionErrorTest,
                         ::testing::Values(ErrorCall{kInitError, true}, ErrorCall{kExitError, false}),
                         [](const ::testing::TestParamInfo<ErrorCall>& param_info) {
                           return std::string(param_info.param.at_init ? "InitError" : "ExitError");
                         });

}  // namespace
}  // namespace lambda_emulator::test
