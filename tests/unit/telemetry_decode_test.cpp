// Decoding every shared spec sample to its typed values, field by field.
#include "telemetry_samples.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <variant>

namespace lambda_relay::telemetry {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// 2025-06-10T<h>:<m>:<s>.<ms>Z, computed with the standard calendar (independently of the decoder).
Timestamp june10(int h, int m, int s, int ms, std::chrono::day d = std::chrono::day{10}) {
  const sys_days date = year{2025} / June / d;
  return time_point_cast<microseconds>(date + hours{h} + minutes{m} + seconds{s} + milliseconds{ms});
}

Milliseconds ms(double value) { return Milliseconds(value); }

// Decodes samples/<name> as one event; fails the test when it does not decode.
template <typename Record>
const Record& decoded(const Result<Event>& event) {
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().describe());
  const auto* record = event.ok() ? std::get_if<Record>(&event->record) : nullptr;
  EXPECT_NE(record, nullptr) << "unexpected record alternative";
  static const Record empty{};
  return record != nullptr ? *record : empty;
}

constexpr const char* kRequestId = "8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c";
constexpr const char* kTraceValue = "Root=1-6848399f-4b1e2c3d4e5f60718293a4b5;Parent=7f3e2d1c0b9a8e6d;Sampled=1";

void expect_sample_trace(const std::optional<TraceContext>& tracing) {
  ASSERT_TRUE(tracing.has_value());
  EXPECT_EQ(tracing->span_id, "1a2b3c4d5e6f7081");
  EXPECT_EQ(tracing->type, "X-Amzn-Trace-Id");
  EXPECT_EQ(tracing->value, kTraceValue);
  EXPECT_TRUE(tracing->unknown.empty());
}

TEST(TelemetryDecodeSample, InitStart) {
  LR_SAMPLE_OR_SKIP(text, "platform.initStart.json");
  const auto event = decode_event(text);
  const auto& r = decoded<InitStart>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 402));
  EXPECT_EQ(event->type, EventType::platform_init_start);
  EXPECT_EQ(event->type_text, "platform.initStart");
  EXPECT_TRUE(event->unknown.empty());
  EXPECT_EQ(r.initialization_type, (Named<InitType>{InitType::on_demand, "on-demand"}));
  EXPECT_EQ(r.phase, (Named<InitPhase>{InitPhase::init, "init"}));
  EXPECT_EQ(r.runtime_version, "python:3.12.v48");
  EXPECT_EQ(r.runtime_version_arn,
            "arn:aws:lambda:us-east-1::runtime:9c58f7a53a0f4b2f1d06e8d3c7b1a4e5f60718293a4b5c6d7e8f90a1b2c3d4e5");
  EXPECT_EQ(r.function_name, "orders-api");
  EXPECT_EQ(r.function_version, "$LATEST");
  EXPECT_EQ(r.instance_id, "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4");
  EXPECT_EQ(r.instance_max_memory, 134217728U);
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, InitRuntimeDone) {
  LR_SAMPLE_OR_SKIP(text, "platform.initRuntimeDone.json");
  const auto event = decode_event(text);
  const auto& r = decoded<InitRuntimeDone>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 734));
  EXPECT_EQ(event->type, EventType::platform_init_runtime_done);
  EXPECT_EQ(r.initialization_type.value, InitType::on_demand);
  ASSERT_TRUE(r.phase.has_value());
  EXPECT_EQ(r.phase->value, InitPhase::init);
  EXPECT_EQ(r.status, (Named<Status>{Status::success, "success"}));
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_TRUE(r.spans.empty());
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, InitReport) {
  LR_SAMPLE_OR_SKIP(text, "platform.initReport.json");
  const auto event = decode_event(text);
  const auto& r = decoded<InitReport>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 735));
  EXPECT_EQ(event->type, EventType::platform_init_report);
  EXPECT_EQ(r.initialization_type.value, InitType::on_demand);
  EXPECT_EQ(r.phase.value, InitPhase::init);
  ASSERT_TRUE(r.status.has_value());
  EXPECT_EQ(r.status->value, Status::success);
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_EQ(r.duration, ms(332.914));
  EXPECT_FALSE(r.billed_duration_ms.has_value());
  EXPECT_TRUE(r.spans.empty());
  EXPECT_TRUE(r.unknown.empty());
  EXPECT_TRUE(r.unknown_metrics.empty());
}

TEST(TelemetryDecodeSample, Start) {
  LR_SAMPLE_OR_SKIP(text, "platform.start.json");
  const auto event = decode_event(text);
  const auto& r = decoded<Start>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 737));
  EXPECT_EQ(event->type, EventType::platform_start);
  EXPECT_EQ(r.request_id, kRequestId);
  EXPECT_EQ(r.version, "$LATEST");
  EXPECT_EQ(r.function_arn, "arn:aws:lambda:us-east-1:123456789012:function:orders-api");
  EXPECT_FALSE(r.tenant_id.has_value());
  expect_sample_trace(r.tracing);
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, RuntimeDone) {
  LR_SAMPLE_OR_SKIP(text, "platform.runtimeDone.json");
  const auto event = decode_event(text);
  const auto& r = decoded<RuntimeDone>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 798));
  EXPECT_EQ(event->type, EventType::platform_runtime_done);
  EXPECT_EQ(r.request_id, kRequestId);
  EXPECT_EQ(r.status.value, Status::success);
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_EQ(r.duration, ms(60.512));
  EXPECT_EQ(r.produced_bytes, 187U);
  ASSERT_EQ(r.spans.size(), 3U);
  EXPECT_EQ(r.spans[0].name, SpanName::response_latency);
  EXPECT_EQ(r.spans[0].name_text, "responseLatency");
  EXPECT_EQ(r.spans[0].start, june10(14, 3, 11, 737));
  EXPECT_EQ(r.spans[0].duration, ms(58.312));
  EXPECT_EQ(r.spans[1].name, SpanName::response_duration);
  EXPECT_EQ(r.spans[1].start, june10(14, 3, 11, 795));
  EXPECT_EQ(r.spans[1].duration, ms(0.221));
  EXPECT_EQ(r.spans[2].name, SpanName::runtime_overhead);
  EXPECT_EQ(r.spans[2].start, june10(14, 3, 11, 796));
  EXPECT_EQ(r.spans[2].duration, ms(1.604));
  expect_sample_trace(r.tracing);
  EXPECT_FALSE(r.tenant_id.has_value());
  EXPECT_TRUE(r.unknown.empty());
  EXPECT_TRUE(r.unknown_metrics.empty());
}

TEST(TelemetryDecodeSample, Report) {
  LR_SAMPLE_OR_SKIP(text, "platform.report.json");
  const auto event = decode_event(text);
  const auto& r = decoded<Report>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 843));
  EXPECT_EQ(event->type, EventType::platform_report);
  EXPECT_EQ(r.request_id, kRequestId);
  EXPECT_EQ(r.status, (Named<Status>{Status::success, "success"}));
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_EQ(r.metrics.duration, ms(105.468));
  EXPECT_EQ(r.metrics.billed_duration_ms, 439);
  EXPECT_EQ(r.metrics.memory_size_mb, 128);
  EXPECT_EQ(r.metrics.max_memory_used_mb, 71);
  EXPECT_EQ(r.metrics.init_duration, ms(333.197));
  EXPECT_FALSE(r.metrics.restore_duration.has_value());
  EXPECT_FALSE(r.metrics.billed_restore_duration_ms.has_value());
  EXPECT_TRUE(r.metrics.unknown.empty());
  ASSERT_EQ(r.spans.size(), 1U);
  EXPECT_EQ(r.spans[0].name, SpanName::extension_overhead);
  EXPECT_EQ(r.spans[0].name_text, "extensionOverhead");
  EXPECT_EQ(r.spans[0].start, june10(14, 3, 11, 798));
  EXPECT_EQ(r.spans[0].duration, ms(44.571));
  expect_sample_trace(r.tracing);
  EXPECT_FALSE(r.tenant_id.has_value());
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, RestoreStart) {
  LR_SAMPLE_OR_SKIP(text, "platform.restoreStart.json");
  const auto event = decode_event(text);
  const auto& r = decoded<RestoreStart>(event);
  EXPECT_EQ(event->time, june10(15, 20, 7, 114));
  EXPECT_EQ(event->type, EventType::platform_restore_start);
  EXPECT_EQ(r.runtime_version, "java:21.v35");
  EXPECT_EQ(r.runtime_version_arn,
            "arn:aws:lambda:us-east-1::runtime:2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e");
  EXPECT_EQ(r.function_name, "invoices-java");
  EXPECT_EQ(r.function_version, "7");
  EXPECT_EQ(r.instance_id, "2025/06/10/[7]0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  EXPECT_EQ(r.instance_max_memory, 1073741824U);
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, RestoreRuntimeDone) {
  LR_SAMPLE_OR_SKIP(text, "platform.restoreRuntimeDone.json");
  const auto event = decode_event(text);
  const auto& r = decoded<RestoreRuntimeDone>(event);
  EXPECT_EQ(event->time, june10(15, 20, 7, 402));
  EXPECT_EQ(event->type, EventType::platform_restore_runtime_done);
  EXPECT_EQ(r.status, (Named<Status>{Status::success, "success"}));
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_TRUE(r.spans.empty());
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, RestoreReport) {
  LR_SAMPLE_OR_SKIP(text, "platform.restoreReport.json");
  const auto event = decode_event(text);
  const auto& r = decoded<RestoreReport>(event);
  EXPECT_EQ(event->time, june10(15, 20, 7, 403));
  EXPECT_EQ(event->type, EventType::platform_restore_report);
  EXPECT_EQ(r.status.value, Status::success);
  EXPECT_EQ(r.duration, ms(288.731));
  EXPECT_FALSE(r.billed_duration_ms.has_value());
  EXPECT_TRUE(r.spans.empty());
  EXPECT_TRUE(r.unknown.empty());
  EXPECT_TRUE(r.unknown_metrics.empty());
}

TEST(TelemetryDecodeSample, Extension) {
  LR_SAMPLE_OR_SKIP(text, "platform.extension.json");
  const auto event = decode_event(text);
  const auto& r = decoded<PlatformExtension>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 734));
  EXPECT_EQ(event->type, EventType::platform_extension);
  EXPECT_EQ(r.name, "obs-extension");
  EXPECT_EQ(r.state, "Ready");
  EXPECT_EQ(r.events, (std::vector<std::string>{"INVOKE", "SHUTDOWN"}));
  EXPECT_FALSE(r.error_type.has_value());
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, TelemetrySubscription) {
  LR_SAMPLE_OR_SKIP(text, "platform.telemetrySubscription.json");
  const auto event = decode_event(text);
  const auto& r = decoded<Subscription>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 455));
  EXPECT_EQ(event->type, EventType::platform_telemetry_subscription);
  EXPECT_EQ(r.name, "obs-extension");
  EXPECT_EQ(r.state, "Subscribed");
  EXPECT_EQ(r.types, (std::vector<std::string>{"platform", "function", "extension"}));
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, LogsDropped) {
  LR_SAMPLE_OR_SKIP(text, "platform.logsDropped.json");
  const auto event = decode_event(text);
  const auto& r = decoded<LogsDropped>(event);
  EXPECT_EQ(event->time, june10(14, 3, 27, 4));
  EXPECT_EQ(event->type, EventType::platform_logs_dropped);
  EXPECT_EQ(r.dropped_bytes, 524288U);
  EXPECT_EQ(r.dropped_records, 2048U);
  EXPECT_EQ(r.reason,
            "Some logs were dropped because the downstream consumer is slower than the logs production rate");
  EXPECT_TRUE(r.unknown.empty());
}

TEST(TelemetryDecodeSample, FunctionText) {
  LR_SAMPLE_OR_SKIP(text, "function.text.json");
  const auto event = decode_event(text);
  const auto& r = decoded<LogRecord>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 741));
  EXPECT_EQ(event->type, EventType::function);
  EXPECT_FALSE(r.structured);
  EXPECT_EQ(r.text, "[INFO]\t2025-06-10T14:03:11.741Z\t8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c\tGET /orders/1234");
  EXPECT_TRUE(r.json.empty());
  EXPECT_FALSE(r.timestamp.has_value());
  EXPECT_FALSE(r.level.has_value());
  EXPECT_FALSE(r.request_id.has_value());
}

TEST(TelemetryDecodeSample, FunctionStructured) {
  LR_SAMPLE_OR_SKIP(text, "function.structured.json");
  const auto event = decode_event(text);
  const auto& r = decoded<LogRecord>(event);
  EXPECT_EQ(event->type, EventType::function);
  EXPECT_TRUE(r.structured);
  EXPECT_EQ(r.text, "GET /orders/1234");
  EXPECT_EQ(r.timestamp, "2025-06-10T14:03:11.741Z");
  EXPECT_EQ(r.level, "INFO");
  EXPECT_EQ(r.request_id, kRequestId);
  // The whole object, verbatim (as in the file, including its white space).
  EXPECT_EQ(r.json.front(), '{');
  EXPECT_EQ(r.json.back(), '}');
  EXPECT_NE(r.json.find(R"("logger": "root")"), std::string::npos);
  EXPECT_NE(text.find(r.json), std::string::npos);
}

TEST(TelemetryDecodeSample, ExtensionText) {
  LR_SAMPLE_OR_SKIP(text, "extension.text.json");
  const auto event = decode_event(text);
  const auto& r = decoded<LogRecord>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 431));
  EXPECT_EQ(event->type, EventType::extension);
  EXPECT_FALSE(r.structured);
  EXPECT_EQ(r.text, "[obs-extension] starting v1.4.2 (pid 12)");
}

TEST(TelemetryDecodeSample, ExtensionStructured) {
  LR_SAMPLE_OR_SKIP(text, "extension.structured.json");
  const auto event = decode_event(text);
  const auto& r = decoded<LogRecord>(event);
  EXPECT_EQ(event->time, june10(14, 3, 11, 800));
  EXPECT_EQ(event->type, EventType::extension);
  EXPECT_TRUE(r.structured);
  EXPECT_EQ(r.text, "flushed 11 records to backend in 40 ms");
  EXPECT_EQ(r.level, "INFO");
  EXPECT_EQ(r.timestamp, "2025-06-10T14:03:11.800Z");
  EXPECT_EQ(r.request_id, kRequestId);
  EXPECT_NE(text.find(r.json), std::string::npos);
}

TEST(TelemetryDecodeBatch, SampleBatchDecodesToFortyNineEventsInOrder) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  const auto batch = decode_batch(text);
  ASSERT_TRUE(batch.ok()) << batch.error().describe();
  EXPECT_TRUE(batch->errors.empty()) << batch->errors.front().message;
  ASSERT_EQ(batch->events.size(), 49U);

  std::map<EventType, int> counts;
  for (const auto& event : batch->events) ++counts[event.type];
  EXPECT_EQ(counts[EventType::extension], 11);
  EXPECT_EQ(counts[EventType::function], 8);
  EXPECT_EQ(counts[EventType::platform_start], 5);
  EXPECT_EQ(counts[EventType::platform_runtime_done], 5);
  EXPECT_EQ(counts[EventType::platform_report], 5);
  EXPECT_EQ(counts[EventType::platform_init_start], 3);
  EXPECT_EQ(counts[EventType::platform_telemetry_subscription], 3);
  EXPECT_EQ(counts[EventType::platform_init_runtime_done], 3);
  EXPECT_EQ(counts[EventType::platform_extension], 3);
  EXPECT_EQ(counts[EventType::platform_init_report], 3);
  EXPECT_EQ(counts.size(), 10U);

  // Emission order of the cold start (§3.7).
  const std::vector<EventType> cold_start{
      EventType::platform_init_start,    EventType::extension,
      EventType::platform_telemetry_subscription, EventType::extension,
      EventType::function,               EventType::platform_init_runtime_done,
      EventType::platform_extension,     EventType::platform_init_report,
      EventType::platform_start,         EventType::function,
      EventType::platform_runtime_done,  EventType::extension,
      EventType::platform_report};
  for (std::size_t i = 0; i < cold_start.size(); ++i) EXPECT_EQ(batch->events[i].type, cold_start[i]) << i;
  // Every record alternative matches its type.
  for (const auto& event : batch->events) {
    if (event.type == EventType::function || event.type == EventType::extension) {
      EXPECT_TRUE(std::holds_alternative<LogRecord>(event.record));
    } else {
      EXPECT_FALSE(std::holds_alternative<LogRecord>(event.record));
      EXPECT_FALSE(std::holds_alternative<UnknownRecord>(event.record));
    }
  }
  // Times never go backwards within the stream.
  for (std::size_t i = 1; i < batch->events.size(); ++i) {
    EXPECT_LE(batch->events[i - 1].time, batch->events[i].time) << i;
  }
}

TEST(TelemetryDecodeBatch, SampleBatchCarriesTheScenario) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  const auto batch = decode_batch(text);
  ASSERT_TRUE(batch.ok());
  std::vector<const Report*> reports;
  std::vector<const RuntimeDone*> runtime_done;
  for (const auto& event : batch->events) {
    if (const auto* r = std::get_if<Report>(&event.record)) reports.push_back(r);
    if (const auto* r = std::get_if<RuntimeDone>(&event.record)) runtime_done.push_back(r);
  }
  ASSERT_EQ(reports.size(), 5U);
  ASSERT_EQ(runtime_done.size(), 5U);
  // Cold start: initDuration only on the first report.
  EXPECT_EQ(reports[0]->metrics.init_duration, Milliseconds(333.197));
  for (std::size_t i = 1; i < reports.size(); ++i) EXPECT_FALSE(reports[i]->metrics.init_duration.has_value());
  // The timeout and the OOM.
  EXPECT_EQ(reports[2]->status.value, Status::timeout);
  EXPECT_EQ(runtime_done[2]->status.value, Status::timeout);
  EXPECT_EQ(runtime_done[2]->produced_bytes, 0U);
  EXPECT_EQ(reports[3]->status.value, Status::error);
  EXPECT_EQ(reports[3]->error_type, "Runtime.OutOfMemory");
  EXPECT_EQ(runtime_done[3]->error_type, "Runtime.OutOfMemory");
  for (const auto* report : reports) EXPECT_EQ(report->metrics.memory_size_mb, 128);
}

TEST(TelemetryDecodeBatch, LowLevelDecodeReusesOneEventAndCountsWhatItDelivered) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  const Event* first = nullptr;
  std::size_t calls = 0;
  bool same_object = true;
  const auto summary = decode(text, [&](const Event& event) {
    if (first == nullptr) first = &event;
    same_object = same_object && first == &event;
    ++calls;
  });
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->decoded, 49U);
  EXPECT_EQ(calls, 49U);
  EXPECT_TRUE(summary->errors.empty());
  EXPECT_TRUE(same_object);
}

TEST(TelemetryDecodeBatch, SameEventsWhenDecodedTwice) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  const auto once = decode_batch(text);
  const auto twice = decode_batch(text);
  ASSERT_TRUE(once.ok());
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(once->events, twice->events);
}

TEST(TelemetryDecodeBatch, EveryBatchEventRoundTripsThroughEncode) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  const auto batch = decode_batch(text);
  ASSERT_TRUE(batch.ok());
  for (const auto& event : batch->events) {
    const auto alone = decode_event(encode(event));
    ASSERT_TRUE(alone.ok()) << alone.error().describe();
    EXPECT_EQ(*alone, event) << encode(event);
  }
}

}  // namespace
}  // namespace lambda_relay::telemetry
