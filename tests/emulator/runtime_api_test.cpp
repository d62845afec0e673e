// Runtime API (2018-06-01): response/error for the current invocation only, the error type taken
// from Lambda-Runtime-Function-Error-Type (validated) or else from the body, init/error (spec §5).
#include "platform_api_fixture.hpp"

#include <string>

namespace lambda_emulator::test {
namespace {

constexpr std::string_view kErrorType = "Lambda-Runtime-Function-Error-Type";
constexpr std::string_view kRequestId = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

class RuntimeApiTest : public PlatformApiTest {
 protected:
  // An invocation the runtime has taken from invocation/next and not answered yet.
  std::shared_ptr<Invocation> deliver_invocation() {
    auto invocation = std::make_shared<Invocation>();
    invocation->request_id = std::string(kRequestId);
    invocation->payload = "{}";
    invocation->started_at = Clock::now();
    invocation->delivered_at = Clock::now();
    state_.runtime.current = invocation;
    return invocation;
  }

  static std::string invocation_path(std::string_view id, std::string_view what) {
    return "/2018-06-01/runtime/invocation/" + std::string(id) + "/" + std::string(what);
  }

  net::Response post_error(std::string body, const Headers& headers = {}) {
    return send(make_request(http::verb::post, invocation_path(kRequestId, "error"), std::move(body), headers));
  }
};

TEST_F(RuntimeApiTest, ResponseForUnknownRequestIdIs400InvalidRequestID) {
  const auto response = send(make_request(http::verb::post, invocation_path("no-such-request", "response"), "{}"));
  EXPECT_TRUE(IsLambdaError(response, http::status::bad_request, "InvalidRequestID"));
}

TEST_F(RuntimeApiTest, ResponseForAnotherRequestIdIs400InvalidRequestID) {
  const auto invocation = deliver_invocation();
  const auto response = send(make_request(http::verb::post, invocation_path("other-request", "response"), "{}"));
  EXPECT_TRUE(IsLambdaError(response, http::status::bad_request, "InvalidRequestID"));
  EXPECT_FALSE(invocation->response);
}

TEST_F(RuntimeApiTest, ErrorForUnknownRequestIdIs400InvalidRequestID) {
  const auto response = post_error(R"({"errorType":"TypeError","errorMessage":"x"})");
  EXPECT_TRUE(IsLambdaError(response, http::status::bad_request, "InvalidRequestID"));
}

TEST_F(RuntimeApiTest, ResponseIs202AndASecondAnswerIs400InvalidRequestID) {
  const auto invocation = deliver_invocation();
  const auto response = send(make_request(http::verb::post, invocation_path(kRequestId, "response"), R"({"ok":1})"));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  EXPECT_EQ(json_string_field(response.body(), "status"), "OK") << response.body();
  EXPECT_EQ(invocation->response, R"({"ok":1})");
  EXPECT_EQ(invocation->produced_bytes, 8U);

  EXPECT_TRUE(IsLambdaError(send(make_request(http::verb::post, invocation_path(kRequestId, "response"), "{}")),
                            http::status::bad_request, "InvalidRequestID"));
  EXPECT_TRUE(IsLambdaError(post_error("{}"), http::status::bad_request, "InvalidRequestID"));
  EXPECT_EQ(invocation->response, R"({"ok":1})");
  EXPECT_FALSE(invocation->error);
}

TEST_F(RuntimeApiTest, ErrorTakesTypeFromHeader) {
  const auto invocation = deliver_invocation();
  const auto response = post_error(R"({"errorType":"TypeError","errorMessage":"boom"})",
                                   {{std::string(kErrorType), "Runtime.Custom"}});
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Runtime.Custom");
  EXPECT_EQ(invocation->error->message, "boom");
}

TEST_F(RuntimeApiTest, ErrorWithoutHeaderTakesTypeFromBody) {
  // aws-lambda-ric sends no error-type header on invocation errors, only the body.
  const auto invocation = deliver_invocation();
  const auto response = post_error(R"({"errorType":"TypeError","errorMessage":"x is not a function","trace":[]})");
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "TypeError");
  EXPECT_EQ(invocation->error->message, "x is not a function");
}

TEST_F(RuntimeApiTest, ErrorWithInvalidHeaderTypeIsRuntimeUnknown) {
  const auto invocation = deliver_invocation();
  const auto response = post_error(R"({"errorType":"TypeError","errorMessage":"x"})", {{std::string(kErrorType), "bad type"}});
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Runtime.Unknown");
}

TEST_F(RuntimeApiTest, ErrorWithSingleLetterHeaderTypeIsRuntimeUnknown) {
  // RIE's rule is (Runtime|Function)\.[A-Z][a-zA-Z]+ : at least two letters after the dot.
  const auto invocation = deliver_invocation();
  const auto response = post_error("{}", {{std::string(kErrorType), "Runtime.X"}});
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Runtime.Unknown");
}

TEST_F(RuntimeApiTest, InitErrorWithSingleLetterFunctionTypeIsFunctionUnknown) {
  const auto response = send(make_request(http::verb::post, "/2018-06-01/runtime/init/error", "{}",
                                          {{std::string(kErrorType), "Function.Y"}}));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(state_.runtime.init_error);
  EXPECT_EQ(state_.runtime.init_error->type, "Function.Unknown");
}

TEST_F(RuntimeApiTest, ErrorWithTwoLetterHeaderTypeIsKept) {
  const auto invocation = deliver_invocation();
  const auto response = post_error("{}", {{std::string(kErrorType), "Function.Ab"}});
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Function.Ab");
}

TEST_F(RuntimeApiTest, ErrorWithInvalidFunctionHeaderTypeIsFunctionUnknown) {
  const auto invocation = deliver_invocation();
  const auto response = post_error("{}", {{std::string(kErrorType), "Function.lowercase"}});
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Function.Unknown");
}

TEST_F(RuntimeApiTest, ErrorWithNeitherHeaderNorBodyTypeIsRuntimeUnknown) {
  const auto invocation = deliver_invocation();
  const auto response = post_error("not json");
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(invocation->error);
  EXPECT_EQ(invocation->error->type, "Runtime.Unknown");
  EXPECT_EQ(invocation->response, "not json");
}

TEST_F(RuntimeApiTest, InitErrorRecordsTypeFromHeader) {
  const auto response = send(make_request(http::verb::post, "/2018-06-01/runtime/init/error",
                                          R"({"errorType":"Runtime.ImportModuleError","errorMessage":"no module"})",
                                          {{std::string(kErrorType), "Runtime.BadConfig"}}));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  EXPECT_EQ(json_string_field(response.body(), "status"), "OK") << response.body();
  ASSERT_TRUE(state_.runtime.init_error);
  EXPECT_EQ(state_.runtime.init_error->type, "Runtime.BadConfig");
  EXPECT_EQ(state_.runtime.init_error->message, "no module");
}

TEST_F(RuntimeApiTest, InitErrorWithoutHeaderTakesTypeFromBody) {
  const auto response = send(make_request(http::verb::post, "/2018-06-01/runtime/init/error",
                                          R"({"errorType":"Runtime.ImportModuleError","errorMessage":"no module"})"));
  EXPECT_EQ(response.result(), http::status::accepted) << response.body();
  ASSERT_TRUE(state_.runtime.init_error);
  EXPECT_EQ(state_.runtime.init_error->type, "Runtime.ImportModuleError");
}

TEST_F(RuntimeApiTest, InitErrorAfterInitIs403InvalidStateTransition) {
  state_.init_open = false;
  const auto response = send(make_request(http::verb::post, "/2018-06-01/runtime/init/error", "{}",
                                          {{std::string(kErrorType), "Runtime.BadConfig"}}));
  EXPECT_TRUE(IsLambdaError(response, http::status::forbidden, "InvalidStateTransition"));
  EXPECT_FALSE(state_.runtime.init_error);
}

}  // namespace
}  // namespace lambda_emulator::test
