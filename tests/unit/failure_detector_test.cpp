// Failure detection from realistic Telemetry API sequences: every failure kind, reported exactly once,
// with the invocation's ids, durations, memory and log tail; ordinary function errors never.
#include "insight/failure_detector.hpp"
#include "insight/log_lines.hpp"
#include "telemetry_events.hpp"
#include "telemetry_samples.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace lambda_relay::insight {
namespace {

namespace ev = test::events;
using telemetry::Status;

constexpr const char* kRequest = "8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10";
constexpr const char* kOther = "c41d9e7a-2f3b-4c5d-8e6f-7a8b9c0d1e2f";

class FailureDetectorTest : public ::testing::Test {
 protected:
  explicit FailureDetectorTest(FailureDetectorOptions options = {})
      : detector_(options, [this](Failure f) { failures_.push_back(std::move(f)); }) {}

  void feed(const std::vector<std::string>& events) {
    for (const auto& e : ev::decode(events)) detector_.add(e);
  }

  // A warm invocation that ends with the given runtimeDone/report status.
  std::vector<std::string> invocation(const std::string& id, const std::string& status,
                                      const std::optional<std::string>& error_type, int max_used = 61) {
    return {ev::start("2025-06-10T14:04:02.310Z", id),
            ev::function_line("2025-06-10T14:04:02.312Z", "[INFO]\t2025-06-10T14:04:02.312Z\t" + id + "\tGET /orders"),
            ev::runtime_done("2025-06-10T14:04:05.311Z", id, status, error_type, 3000.52),
            ev::report("2025-06-10T14:04:05.313Z", id, status, error_type, 3001.4, 128, max_used)};
  }

  std::vector<Failure> failures_;
  FailureDetector detector_;
};

class FewInvocationsTest : public FailureDetectorTest {
 protected:
  FewInvocationsTest() : FailureDetectorTest(FailureDetectorOptions{.log_tail_lines = 20, .max_line_bytes = 1024, .max_invocations = 2}) {}
};

class ShortTailTest : public FailureDetectorTest {
 protected:
  ShortTailTest() : FailureDetectorTest(FailureDetectorOptions{.log_tail_lines = 3, .max_line_bytes = 40, .max_invocations = 64}) {}
};

TEST(FailureClassification, OrdinaryFunctionErrorsAreNotFailuresToReport) {
  for (const char* type : {"TypeError", "Runtime.Unknown", "Function.Unknown", "Runtime.MarshalError", "ValueError"}) {
    EXPECT_FALSE(classify_invoke(Status::error, std::string(type))) << type;
  }
  EXPECT_FALSE(classify_invoke(Status::error, std::nullopt));
  EXPECT_FALSE(classify_invoke(Status::success, std::nullopt));
  EXPECT_FALSE(classify_invoke(Status::unknown, std::string("Runtime.ExitError")));
}

TEST(FailureClassification, PlatformSeenFailuresHaveTheirKinds) {
  EXPECT_EQ(classify_invoke(Status::timeout, std::nullopt)->kind, FailureKind::timeout);
  EXPECT_EQ(classify_invoke(Status::timeout, std::nullopt)->error_type, "Sandbox.Timedout");
  EXPECT_EQ(classify_invoke(Status::error, std::string("Sandbox.Timedout"))->kind, FailureKind::timeout);
  EXPECT_EQ(classify_invoke(Status::error, std::string("Runtime.OutOfMemory"))->kind, FailureKind::out_of_memory);
  EXPECT_EQ(classify_invoke(Status::error, std::string("Runtime.ExitError"))->kind, FailureKind::crash);
  EXPECT_EQ(classify_invoke(Status::error, std::string("Extension.Crash"))->kind, FailureKind::crash);
  EXPECT_EQ(classify_invoke(Status::failure, std::string("Sandbox.Failure"))->kind, FailureKind::platform_failure);
  EXPECT_EQ(classify_invoke(Status::failure, std::nullopt)->error_type, "Sandbox.Failure");
  EXPECT_EQ(classify_invoke(Status::error, std::string("Function.ResponseSizeTooLarge"))->kind,
            FailureKind::invalid_response);
  EXPECT_EQ(classify_invoke(Status::error, std::string("Runtime.ImportModuleError"))->kind, FailureKind::invalid_handler);
  EXPECT_EQ(classify_init(Status::error, std::string("Runtime.HandlerNotFound"))->kind, FailureKind::invalid_handler);
  EXPECT_EQ(classify_init(Status::error, std::string("Runtime.MalformedHandlerName"))->kind,
            FailureKind::invalid_handler);
  EXPECT_EQ(classify_init(Status::error, std::string("Runtime.UserCodeSyntaxError"))->kind, FailureKind::init_error);
  EXPECT_EQ(classify_init(Status::error, std::string("Extension.InitError"))->kind, FailureKind::init_error);
  EXPECT_EQ(classify_init(Status::timeout, std::nullopt)->kind, FailureKind::init_timeout);
  EXPECT_FALSE(classify_init(Status::success, std::nullopt));
}

TEST_F(FailureDetectorTest, InvalidHandlerAtColdStartIsOneInitFailureWithTheRuntimesMessage) {
  feed({ev::init_start("2025-06-10T14:03:11.402Z"),
        ev::function_line("2025-06-10T14:03:11.600Z",
                          "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'"),
        ev::init_runtime_done("2025-06-10T14:03:11.734Z", "init", "error", "Runtime.ImportModuleError"),
        ev::init_report("2025-06-10T14:03:11.735Z", "init", "error", "Runtime.ImportModuleError", 332.914)});
  ASSERT_EQ(failures_.size(), 1U);
  const auto& f = failures_[0];
  EXPECT_EQ(f.kind, FailureKind::invalid_handler);
  EXPECT_EQ(f.phase, FailurePhase::init);
  EXPECT_EQ(f.error_type, "Runtime.ImportModuleError");
  EXPECT_EQ(f.status, "error");
  EXPECT_EQ(f.error_message, "Unable to import module 'app': No module named 'requests'");
  EXPECT_EQ(f.detected_by, "platform.initRuntimeDone+platform.initReport");
  ASSERT_TRUE(f.duration);
  EXPECT_DOUBLE_EQ(f.duration->count(), 332.914);
  EXPECT_FALSE(f.request_id);
  EXPECT_EQ(f.init_phase, "init");
  EXPECT_EQ(f.initialization_type, "on-demand");
  EXPECT_EQ(f.runtime_version, "python:3.12.v48");
  EXPECT_EQ(f.function_name, "orders-api");
  EXPECT_EQ(f.log_stream, "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4");
  ASSERT_EQ(f.log_tail.size(), 1U);
  EXPECT_EQ(f.log_tail[0].level, "ERROR");
}

TEST_F(FailureDetectorTest, FailedSuppressedInitIsReportedOnceWithTheRequestThatRanIt) {
  feed({ev::init_start("2025-06-10T14:04:40.015Z", "invoke"),
        ev::function_line("2025-06-10T14:04:40.100Z", "[ERROR] Runtime.HandlerNotFound: app.handler is undefined"),
        ev::init_runtime_done("2025-06-10T14:04:40.413Z", "invoke", "error", "Runtime.HandlerNotFound"),
        ev::init_report("2025-06-10T14:04:40.414Z", "invoke", "error", "Runtime.HandlerNotFound", 398.27)});
  EXPECT_TRUE(failures_.empty()) << "waits for the platform.start of the request it belongs to";
  feed({ev::start("2025-06-10T14:04:40.415Z", kRequest),
        ev::runtime_done("2025-06-10T14:04:40.420Z", kRequest, "error", "Runtime.HandlerNotFound", 5.0),
        ev::report("2025-06-10T14:04:40.421Z", kRequest, "error", "Runtime.HandlerNotFound", 404.0)});
  detector_.flush();
  ASSERT_EQ(failures_.size(), 1U);
  const auto& f = failures_[0];
  EXPECT_EQ(f.kind, FailureKind::invalid_handler);
  EXPECT_EQ(f.phase, FailurePhase::init);
  EXPECT_EQ(f.init_phase, "invoke");
  EXPECT_EQ(f.request_id, kRequest);
  EXPECT_EQ(f.trace_id, "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_EQ(f.parent_span_id, "53995c3f42cd8ad8");
  EXPECT_EQ(f.span_id, "1a2b3c4d5e6f7081");
  EXPECT_EQ(f.error_message, "app.handler is undefined");
}

TEST_F(FailureDetectorTest, FailedSuppressedInitWithoutAStartIsHandedOverByFlush) {
  feed({ev::init_start("2025-06-10T14:04:40.015Z", "invoke"),
        ev::init_runtime_done("2025-06-10T14:04:40.413Z", "invoke", "error", "Runtime.ExitError"),
        ev::init_report("2025-06-10T14:04:40.414Z", "invoke", "error", "Runtime.ExitError", 398.27)});
  EXPECT_TRUE(failures_.empty());
  detector_.flush();
  detector_.flush();
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::init_error);
  EXPECT_FALSE(failures_[0].request_id);
}

TEST_F(FailureDetectorTest, EachInitAttemptIsItsOwnFailure) {
  feed({ev::init_start("2025-06-10T14:03:11.402Z"),
        ev::init_runtime_done("2025-06-10T14:03:11.734Z", "init", "error", "Runtime.ImportModuleError"),
        ev::init_report("2025-06-10T14:03:11.735Z", "init", "error", "Runtime.ImportModuleError", 332.0),
        ev::init_start("2025-06-10T14:04:40.015Z", "invoke"),
        ev::init_runtime_done("2025-06-10T14:04:40.413Z", "invoke", "error", "Runtime.ImportModuleError"),
        ev::init_report("2025-06-10T14:04:40.414Z", "invoke", "error", "Runtime.ImportModuleError", 398.0),
        ev::start("2025-06-10T14:04:40.415Z", kRequest),
        ev::report("2025-06-10T14:04:40.421Z", kRequest, "error", "Runtime.ImportModuleError", 404.0)});
  detector_.flush();
  ASSERT_EQ(failures_.size(), 2U);
  EXPECT_EQ(failures_[0].init_phase, "init");
  EXPECT_FALSE(failures_[0].request_id);
  EXPECT_EQ(failures_[1].init_phase, "invoke");
  EXPECT_EQ(failures_[1].request_id, kRequest);
}

TEST_F(FailureDetectorTest, InitTimeoutIsReportedFromTheInitReportAlone) {
  feed({ev::init_start("2025-06-10T14:03:01.000Z"),
        ev::init_report("2025-06-10T14:03:11.000Z", "init", "timeout", std::nullopt, 10000.0)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::init_timeout);
  EXPECT_EQ(failures_[0].error_type, "Sandbox.Timedout");
  EXPECT_EQ(failures_[0].status, "timeout");
  EXPECT_DOUBLE_EQ(failures_[0].duration->count(), 10000.0);
}

TEST_F(FailureDetectorTest, InitTimeoutWinsOverTheRuntimeDonesUnknownError) {
  feed({ev::init_start("2025-06-10T14:03:01.000Z"),
        ev::init_runtime_done("2025-06-10T14:03:11.000Z", "init", "error", "Runtime.Unknown"),
        ev::init_report("2025-06-10T14:03:11.001Z", "init", "timeout", std::nullopt, 10000.0)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::init_timeout);
  EXPECT_EQ(failures_[0].error_type, "Runtime.Unknown");
}

TEST_F(FailureDetectorTest, InitFailureWhoseReportNeverCameIsHandedOverByFlush) {
  feed({ev::init_start("2025-06-10T14:03:11.402Z"),
        ev::init_runtime_done("2025-06-10T14:03:11.734Z", "init", "error", "Extension.Crash")});
  EXPECT_TRUE(failures_.empty());
  detector_.flush();
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::init_error);
  EXPECT_EQ(failures_[0].error_type, "Extension.Crash");
  EXPECT_EQ(failures_[0].detected_by, "platform.initRuntimeDone");
}

TEST_F(FailureDetectorTest, TimeoutIsReportedOnceFromRuntimeDoneAndReport) {
  feed(invocation(kRequest, "timeout", std::nullopt));
  ASSERT_EQ(failures_.size(), 1U);
  const auto& f = failures_[0];
  EXPECT_EQ(f.kind, FailureKind::timeout);
  EXPECT_EQ(f.phase, FailurePhase::invoke);
  EXPECT_EQ(f.error_type, "Sandbox.Timedout");
  EXPECT_EQ(f.status, "timeout");
  EXPECT_EQ(f.detected_by, "platform.runtimeDone+platform.report");
  EXPECT_EQ(f.request_id, kRequest);
  EXPECT_EQ(f.trace_id, "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_EQ(f.invoked_function_arn, "arn:aws:lambda:us-east-1:123456789012:function:orders-api");
  EXPECT_EQ(f.function_version, "$LATEST");
  ASSERT_TRUE(f.duration);
  EXPECT_DOUBLE_EQ(f.duration->count(), 3000.52) << "the runtime's duration, without extension overhead";
  EXPECT_EQ(f.billed_duration_ms, 3002);
  EXPECT_EQ(f.memory_size_mb, 128);
  EXPECT_EQ(f.max_memory_used_mb, 61);
  ASSERT_TRUE(f.started);
  EXPECT_FALSE(f.error_message) << "a timeout's message is Lambda's, not the log's";
  ASSERT_EQ(f.log_tail.size(), 1U);
  EXPECT_EQ(f.log_tail[0].level, "INFO");
  detector_.flush();
  feed({ev::report("2025-06-10T14:04:05.400Z", kRequest, "timeout", std::nullopt, 3001.4)});
  EXPECT_EQ(failures_.size(), 1U) << "a repeated report of a settled request is ignored";
}

TEST_F(FailureDetectorTest, TimeoutWhoseReportNeverArrivesIsHandedOverByFlushOnce) {
  auto events = invocation(kRequest, "timeout", std::nullopt);
  events.pop_back();  // the reset killed us before the report was delivered
  feed(events);
  EXPECT_TRUE(failures_.empty());
  detector_.flush();
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].detected_by, "platform.runtimeDone");
  EXPECT_FALSE(failures_[0].memory_size_mb);
  feed({ev::report("2025-06-10T14:04:05.313Z", kRequest, "timeout", std::nullopt, 3001.4)});
  detector_.flush();
  EXPECT_EQ(failures_.size(), 1U);
}

TEST_F(FailureDetectorTest, ANewInitHandsOverWhatTheOldEnvironmentLeftWaiting) {
  auto events = invocation(kRequest, "timeout", std::nullopt);
  events.pop_back();  // no report: the environment was reset
  events.push_back(ev::init_start("2025-06-10T14:04:40.015Z", "invoke"));
  feed(events);
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::timeout);
  EXPECT_EQ(failures_[0].request_id, kRequest);
}

TEST_F(FewInvocationsTest, TrackingIsBoundedAndAnEvictedFailureIsStillReported) {
  feed({ev::start("2025-06-10T14:04:00.000Z", kRequest),
        ev::runtime_done("2025-06-10T14:04:03.000Z", kRequest, "timeout", std::nullopt, 3000.0),
        ev::start("2025-06-10T14:04:03.100Z", kOther), ev::start("2025-06-10T14:04:03.200Z", "third")});
  ASSERT_EQ(failures_.size(), 1U) << "the oldest invocation made room, its failure went out";
  EXPECT_EQ(failures_[0].request_id, kRequest);
  feed({ev::report("2025-06-10T14:04:03.300Z", kRequest, "timeout", std::nullopt, 3001.0)});
  EXPECT_EQ(failures_.size(), 1U) << "its late report is recognised";
}

TEST_F(FailureDetectorTest, ManagedInstancesTimeoutComesFromTheReportAlone) {
  feed({ev::start("2025-06-10T14:04:02.310Z", kRequest),
        ev::report("2025-06-10T14:04:05.313Z", kRequest, "error", std::string("Sandbox.Timedout"), 3001.4)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::timeout);
  EXPECT_EQ(failures_[0].error_type, "Sandbox.Timedout");
  EXPECT_DOUBLE_EQ(failures_[0].duration->count(), 3001.4);
}

TEST_F(FailureDetectorTest, OutOfMemoryErrorTypeIsOutOfMemory) {
  feed(invocation(kRequest, "error", std::string("Runtime.OutOfMemory"), 128));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::out_of_memory);
  EXPECT_EQ(failures_[0].detail, "max memory used 128 MB of 128 MB");
}

TEST_F(FailureDetectorTest, ExitErrorAtTheMemorySizeIsOutOfMemory) {
  feed(invocation(kRequest, "error", std::string("Runtime.ExitError"), 128));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::out_of_memory);
  EXPECT_EQ(failures_[0].error_type, "Runtime.ExitError") << "Lambda's own type stays";
  EXPECT_EQ(failures_[0].detail, "max memory used 128 MB of 128 MB");
}

TEST_F(FailureDetectorTest, ExitErrorAfterAnOutOfMemoryLineIsOutOfMemory) {
  feed({ev::start("2025-06-10T14:04:02.310Z", kRequest),
        ev::function_line("2025-06-10T14:04:03.000Z",
                          "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
        ev::runtime_done("2025-06-10T14:04:03.100Z", kRequest, "error", "Runtime.ExitError", 790.0),
        ev::report("2025-06-10T14:04:03.101Z", kRequest, "error", "Runtime.ExitError", 791.0, 1024, 700)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::out_of_memory);
  EXPECT_EQ(failures_[0].detail,
            "out-of-memory line in the function log: FATAL ERROR: Reached heap limit Allocation failed - "
            "JavaScript heap out of memory");
}

TEST_F(FailureDetectorTest, ExitErrorOtherwiseIsACrashWithLambdasExitMessage) {
  feed({ev::start("2025-06-10T14:04:02.310Z", kRequest),
        ev::function_line("2025-06-10T14:04:03.000Z", std::string("RequestId: ") + kRequest +
                                                          " Error: Runtime exited with error: signal: segmentation fault"),
        ev::function_line("2025-06-10T14:04:03.000Z", "Runtime.ExitError"),
        ev::runtime_done("2025-06-10T14:04:03.100Z", kRequest, "error", "Runtime.ExitError", 790.0),
        ev::report("2025-06-10T14:04:03.101Z", kRequest, "error", "Runtime.ExitError", 791.0)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::crash);
  EXPECT_EQ(failures_[0].error_message, "Runtime exited with error: signal: segmentation fault");
  EXPECT_FALSE(failures_[0].detail);
}

TEST_F(FailureDetectorTest, ReportCanTurnACrashIntoOutOfMemory) {
  feed({ev::start("2025-06-10T14:04:02.310Z", kRequest),
        ev::runtime_done("2025-06-10T14:04:03.100Z", kRequest, "error", "Runtime.ExitError", 790.0),
        ev::report("2025-06-10T14:04:03.101Z", kRequest, "error", "Runtime.OutOfMemory", 791.0)});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::out_of_memory);
  EXPECT_EQ(failures_[0].error_type, "Runtime.OutOfMemory");
}

TEST_F(FailureDetectorTest, SandboxFailureIsAPlatformFailure) {
  feed(invocation(kRequest, "failure", std::string("Sandbox.Failure")));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::platform_failure);
  EXPECT_EQ(failures_[0].error_type, "Sandbox.Failure");
  EXPECT_EQ(failures_[0].status, "failure");
}

TEST_F(FailureDetectorTest, ExtensionCrashDuringAnInvocationIsACrash) {
  feed(invocation(kRequest, "error", std::string("Extension.Crash")));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::crash);
}

TEST_F(FailureDetectorTest, OversizedResponseIsAnInvalidResponse) {
  feed(invocation(kRequest, "error", std::string("Function.ResponseSizeTooLarge")));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::invalid_response);
}

TEST_F(FailureDetectorTest, FunctionExceptionsAreLeftToTheFunctionsSdk) {
  feed(invocation(kRequest, "error", std::string("TypeError")));        // Managed Instances style
  feed(invocation(kOther, "success", std::nullopt));                    // standard Lambda style
  feed(invocation("0e1f2a3b-0000-4000-8000-000000000003", "error", std::string("Runtime.Unknown")));
  detector_.flush();
  EXPECT_TRUE(failures_.empty());
  EXPECT_EQ(detector_.detected(), 0U);
}

TEST_F(FailureDetectorTest, SharedSampleBatchHasExactlyItsTimeoutAndItsOutOfMemory) {
  LR_SAMPLE_OR_SKIP(batch, "telemetry-batch.json");
  auto decoded = telemetry::decode_batch(batch);
  ASSERT_TRUE(decoded.ok());
  for (const auto& e : decoded->events) detector_.add(e);
  detector_.flush();
  ASSERT_EQ(failures_.size(), 2U);
  EXPECT_EQ(failures_[0].kind, FailureKind::timeout);
  EXPECT_EQ(failures_[0].request_id, "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e");
  EXPECT_EQ(failures_[0].trace_id, "684839d20f1e2d3c4b5a69788796a5b4");
  ASSERT_EQ(failures_[0].log_tail.size(), 1U);
  EXPECT_NE(failures_[0].log_tail[0].text.find("GET /orders/report?range=365d"), std::string::npos);
  EXPECT_EQ(failures_[1].kind, FailureKind::out_of_memory);
  EXPECT_EQ(failures_[1].request_id, "3b7e1f9a-6c2d-4a8e-b5f1-0c9d8e7f6a5b");
  EXPECT_EQ(failures_[1].init_phase, "invoke") << "the invocation ran after a suppressed init";
  ASSERT_EQ(failures_[1].log_tail.size(), 1U) << "init lines stay with the init";
  EXPECT_NE(failures_[1].log_tail[0].text.find("building CSV export"), std::string::npos);
}

TEST_F(ShortTailTest, LogTailKeepsTheLastLinesOfThatInvocationOnlyAndCutsLongOnes) {
  feed({ev::start("2025-06-10T14:04:00.000Z", kOther),
        ev::function_line("2025-06-10T14:04:00.001Z", "other invocation"),
        ev::runtime_done("2025-06-10T14:04:00.100Z", kOther, "success", std::nullopt, 99.0),
        ev::report("2025-06-10T14:04:00.101Z", kOther, "success", std::nullopt, 100.0),
        ev::start("2025-06-10T14:04:02.310Z", kRequest), ev::function_line("2025-06-10T14:04:02.311Z", "line 1"),
        ev::function_line("2025-06-10T14:04:02.312Z", "line 2"),
        ev::function_line("2025-06-10T14:04:02.313Z", "line 3"),
        ev::function_line("2025-06-10T14:04:02.314Z", std::string(100, 'x')),
        ev::runtime_done("2025-06-10T14:04:05.311Z", kRequest, "timeout", std::nullopt, 3000.0),
        ev::report("2025-06-10T14:04:05.313Z", kRequest, "timeout", std::nullopt, 3001.0)});
  ASSERT_EQ(failures_.size(), 1U);
  const auto& tail = failures_[0].log_tail;
  ASSERT_EQ(tail.size(), 3U);
  EXPECT_EQ(tail[0].text, "line 2");
  EXPECT_EQ(tail[1].text, "line 3");
  EXPECT_EQ(tail[2].text, std::string(40, 'x') + " [...]");
  EXPECT_LT(tail[0].time, tail[1].time);
}

TEST_F(FailureDetectorTest, StructuredLinesOfConcurrentInvocationsGoToTheirOwnRequest) {
  feed({ev::start("2025-06-10T14:04:00.000Z", kRequest), ev::start("2025-06-10T14:04:00.001Z", kOther),
        ev::function_json("2025-06-10T14:04:00.002Z", kOther, "INFO", "other one"),
        ev::function_json("2025-06-10T14:04:00.003Z", kRequest, "WARN", "mine"),
        ev::function_json("2025-06-10T14:04:00.004Z", kOther, "INFO", "other two"),
        ev::report("2025-06-10T14:04:03.000Z", kRequest, "timeout", std::nullopt, 3000.0),
        ev::report("2025-06-10T14:04:03.001Z", kOther, "success", std::nullopt, 30.0)});
  ASSERT_EQ(failures_.size(), 1U);
  ASSERT_EQ(failures_[0].log_tail.size(), 1U);
  EXPECT_EQ(failures_[0].log_tail[0].text, "mine");
  EXPECT_EQ(failures_[0].log_tail[0].level, "WARN");
}

TEST_F(FailureDetectorTest, InvokeEventAddsDeadlineAndInvokedArn) {
  const auto deadline = telemetry::Timestamp(std::chrono::seconds(1749564245));
  detector_.note_invoke(kRequest, deadline, "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live");
  feed(invocation(kRequest, "error", std::string("Runtime.ExitError")));
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].deadline, deadline);
  EXPECT_EQ(failures_[0].invoked_function_arn, "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live");
}

TEST_F(FailureDetectorTest, FailedSnapStartRestoreIsReported) {
  feed({R"({"time":"2025-06-10T14:04:00.000Z","type":"platform.restoreStart","record":{"functionName":"orders-api"}})",
        R"({"time":"2025-06-10T14:04:01.000Z","type":"platform.restoreRuntimeDone","record":{"status":"error","errorType":"Runtime.ExitError"}})",
        R"({"time":"2025-06-10T14:04:01.001Z","type":"platform.restoreReport","record":{"status":"error","errorType":"Runtime.ExitError","metrics":{"durationMs":812.5}}})"});
  ASSERT_EQ(failures_.size(), 1U);
  EXPECT_EQ(failures_[0].kind, FailureKind::restore_error);
  EXPECT_EQ(failures_[0].phase, FailurePhase::restore);
  EXPECT_DOUBLE_EQ(failures_[0].duration->count(), 812.5);
}

TEST(LogLines, RecognisesTheCommonRuntimesOutOfMemoryLines) {
  for (const char* line : {
           "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory",
           "[ERROR] MemoryError",
           "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
           "Unhandled exception. System.OutOfMemoryException: Insufficient memory to continue the execution.",
           "fatal error: runtime: out of memory",
           "memory allocation of 1073741824 bytes failed",
           "terminate called after throwing an instance of 'std::bad_alloc'",
           "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)",
           "failed to allocate memory (NoMemoryError)",
           "OSError: [Errno 12] Cannot allocate memory",
       }) {
    EXPECT_TRUE(is_out_of_memory_line(line)) << line;
  }
  for (const char* line : {"memory usage 61 MB", "GET /orders/1234", "cache miss for key memory:42", ""}) {
    EXPECT_FALSE(is_out_of_memory_line(line)) << line;
  }
}

TEST(LogLines, FindsTheErrorMessageNodeWritesAsJson) {
  std::vector<LogLine> tail{
      {{}, "2025-06-10T14:03:11.600Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.ImportModuleError\","
           "\"errorMessage\":\"Error: Cannot find module 'left-pad'\\nRequire stack:\\n- /var/task/index.js\",\"stack\":[]}",
       std::string("ERROR")}};
  EXPECT_EQ(find_error_message(tail, "Runtime.ImportModuleError"), "Error: Cannot find module 'left-pad'");
  EXPECT_FALSE(find_error_message({{{}, "nothing here", std::nullopt}}, "Runtime.ImportModuleError"));
}

}  // namespace
}  // namespace lambda_relay::insight
