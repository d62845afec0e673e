// Schema versions, Logs API message types, unknown fields and event types, and encode().
#include "telemetry_samples.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace lambda_relay::telemetry {
namespace {

Event decode_one(std::string_view json) {
  auto event = decode_event(json);
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().describe()) << "\n" << json;
  return event.ok() ? *event : Event{};
}

template <typename Record>
Record record_of(std::string_view json) {
  const Event event = decode_one(json);
  const auto* record = std::get_if<Record>(&event.record);
  EXPECT_NE(record, nullptr) << json;
  return record != nullptr ? *record : Record{};
}

// --- schema versions -------------------------------------------------------------------------------

TEST(TelemetrySchema, FunctionRecordAsStringIn20220701Style) {
  const auto r = record_of<LogRecord>(
      R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":"{\"level\":\"INFO\",\"message\":\"hi\"}\n"})");
  EXPECT_FALSE(r.structured);
  EXPECT_EQ(r.text, R"({"level":"INFO","message":"hi"})");  // a JSON line stays text in the old schema
  EXPECT_TRUE(r.json.empty());
  EXPECT_FALSE(r.level.has_value());
}

TEST(TelemetrySchema, FunctionRecordAsObjectIn20221213Style) {
  const auto r = record_of<LogRecord>(
      R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":{"level":"INFO","message":"hi"}})");
  EXPECT_TRUE(r.structured);
  EXPECT_EQ(r.text, "hi");
  EXPECT_EQ(r.level, "INFO");
  EXPECT_EQ(r.json, R"({"level":"INFO","message":"hi"})");
}

TEST(TelemetrySchema, ExtensionRecordsComeInBothShapes) {
  EXPECT_FALSE(record_of<LogRecord>(R"({"time":"2025-06-10T14:03:11.741Z","type":"extension","record":"x"})").structured);
  EXPECT_TRUE(record_of<LogRecord>(R"({"time":"2025-06-10T14:03:11.741Z","type":"extension","record":{}})").structured);
}

TEST(TelemetrySchema, StripsExactlyOneTrailingLineEnd) {
  auto text = [](std::string_view record_json) {
    return record_of<LogRecord>(std::string(R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":)") +
                                std::string(record_json) + "}")
        .text;
  };
  EXPECT_EQ(text(R"("line\n")"), "line");
  EXPECT_EQ(text(R"("line\r\n")"), "line");
  EXPECT_EQ(text(R"("line\n\n")"), "line\n");
  EXPECT_EQ(text(R"("line")"), "line");
  EXPECT_EQ(text(R"("line\r")"), "line\r");
  EXPECT_EQ(text(R"("\n")"), "");
}

TEST(TelemetrySchema, LineEndIsStrippedTheSameWhateverElseTheLineEscapes) {
  auto text = [](std::string_view record_json) {
    return record_of<LogRecord>(std::string(R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":)") +
                                std::string(record_json) + "}")
        .text;
  };
  EXPECT_EQ(text(R"("a\\n")"), "a\\n");  // an escaped backslash, then "n": no line end
  EXPECT_EQ(text(R"("a\\\n")"), "a\\");  // an escaped backslash, then the line end
  EXPECT_EQ(text(R"("a\tb\n")"), "a\tb");
  EXPECT_EQ(text(R"("say \"hi\"\r\n")"), "say \"hi\"");
  EXPECT_EQ(text(R"("a\u000a")"), "a");
  EXPECT_EQ(text(R"("a\r\u000a")"), "a");
  EXPECT_EQ(text(R"("a\n\r\n")"), "a\n");
  EXPECT_EQ(text(R"("a\\r\n")"), "a\\r");
}

TEST(TelemetrySchema, KeysAreMatchedWithWhiteSpaceAroundTheColon) {
  const Event event = decode_one(
      "{\"time\" :\"2025-06-10T14:03:11.737Z\",\"type\"\t:\t\"platform.start\",\n\"record\"\r\n:\r\n"
      "{\"requestId\"  :  \"r\", \"\": 1, \"x\" :{\"\":\"\"}}}");
  const auto* start = std::get_if<Start>(&event.record);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->request_id, "r");
  ASSERT_EQ(start->unknown.size(), 2U);
  EXPECT_EQ(start->unknown[0].key, "");
  EXPECT_EQ(start->unknown[0].json, "1");
  EXPECT_EQ(start->unknown[1].key, "x");
  EXPECT_EQ(start->unknown[1].json, R"({"":""})");
}

TEST(TelemetrySchema, StructuredRecordsTakeAWSRequestIdAndIgnoreNonStringCommonKeys) {
  const auto r = record_of<LogRecord>(
      R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":)"
      R"({"AWSRequestId":"abc","level":30,"message":{"nested":true},"timestamp":"t"}})");
  EXPECT_TRUE(r.structured);
  EXPECT_EQ(r.request_id, "abc");
  EXPECT_FALSE(r.level.has_value());  // pino writes numeric levels
  EXPECT_EQ(r.text, "");              // message is not a string
  EXPECT_EQ(r.timestamp, "t");
}

TEST(TelemetrySchema, RequestIdWinsOverAWSRequestId) {
  const auto r = record_of<LogRecord>(
      R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":{"requestId":"a","AWSRequestId":"b"}})");
  EXPECT_EQ(r.request_id, "a");
}

TEST(TelemetrySchema, InitRuntimeDoneWithoutPhaseAndInitReportWithoutStatusAs2022) {
  const auto done = record_of<InitRuntimeDone>(
      R"({"time":"2022-11-30T10:00:00.000Z","type":"platform.initRuntimeDone",)"
      R"("record":{"initializationType":"on-demand","status":"success"}})");
  EXPECT_FALSE(done.phase.has_value());
  EXPECT_EQ(done.status.value, Status::success);
  const auto report = record_of<InitReport>(
      R"({"time":"2022-11-30T10:00:00.000Z","type":"platform.initReport",)"
      R"("record":{"initializationType":"on-demand","phase":"init","metrics":{"durationMs":120}}})");
  EXPECT_FALSE(report.status.has_value());
  EXPECT_EQ(report.duration, Milliseconds(120));
}

TEST(TelemetrySchema, ManagedInstancesReportHasOnlyDurationAndResponseSpans) {
  const auto r = record_of<Report>(
      R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"requestId":"r","status":"timeout",)"
      R"("errorType":"Sandbox.Timedout","metrics":{"durationMs":3000.5},"spans":[)"
      R"({"name":"responseLatency","start":"2025-06-10T14:03:11.000Z","durationMs":1},)"
      R"({"name":"responseDuration","start":"2025-06-10T14:03:11.001Z","durationMs":2}],"tenantId":"t-1"}})");
  EXPECT_EQ(r.status.value, Status::timeout);
  EXPECT_EQ(r.error_type, "Sandbox.Timedout");
  EXPECT_EQ(r.metrics.duration, Milliseconds(3000.5));
  EXPECT_FALSE(r.metrics.billed_duration_ms.has_value());
  EXPECT_FALSE(r.metrics.memory_size_mb.has_value());
  ASSERT_EQ(r.spans.size(), 2U);
  EXPECT_EQ(r.spans[1].name, SpanName::response_duration);
  EXPECT_EQ(r.tenant_id, "t-1");
}

TEST(TelemetrySchema, SnapStartReportMetricsAndInitTypes) {
  const auto r = record_of<Report>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.report","record":{"requestId":"r","status":"success",)"
      R"("metrics":{"durationMs":10,"billedDurationMs":11,"memorySizeMB":1024,"maxMemoryUsedMB":200,)"
      R"("restoreDurationMs":288.731,"billedRestoreDurationMs":289}}})");
  EXPECT_EQ(r.metrics.restore_duration, Milliseconds(288.731));
  EXPECT_EQ(r.metrics.billed_restore_duration_ms, 289);
  const auto init = record_of<InitStart>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.initStart",)"
      R"("record":{"initializationType":"snap-start","phase":"init"}})");
  EXPECT_EQ(init.initialization_type.value, InitType::snap_start);
  EXPECT_FALSE(init.runtime_version.has_value());
  const auto lmi = record_of<InitStart>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.initStart",)"
      R"("record":{"initializationType":"lambda-managed-instances","phase":"init"}})");
  EXPECT_EQ(lmi.initialization_type.value, InitType::lambda_managed_instances);
}

TEST(TelemetrySchema, RestoreStartInstanceMaxMemoryMayBeAString) {
  const auto r = record_of<RestoreStart>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.restoreStart","record":{"instanceMaxMemory":"1073741824"}})");
  EXPECT_EQ(r.instance_max_memory, 1073741824U);
}

TEST(TelemetrySchema, IntegralNumbersWrittenAsFloatsAreIntegers) {
  const auto r = record_of<Report>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.report","record":{"requestId":"r","status":"success",)"
      R"("metrics":{"durationMs":1,"billedDurationMs":439.0,"memorySizeMB":1.28e2}}})");
  EXPECT_EQ(r.metrics.billed_duration_ms, 439);
  EXPECT_EQ(r.metrics.memory_size_mb, 128);
}

TEST(TelemetrySchema, NullOptionalFieldsCountAsAbsent) {
  const auto r = record_of<Start>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.start","record":{"requestId":"r","version":null,"tracing":null}})");
  EXPECT_FALSE(r.version.has_value());
  EXPECT_FALSE(r.tracing.has_value());
}

TEST(TelemetrySchema, UnknownEnumValuesKeepTheirText) {
  const auto r = record_of<InitReport>(
      R"({"time":"2025-06-10T15:20:08.000Z","type":"platform.initReport","record":{"initializationType":"warm-pool",)"
      R"("phase":"prewarm","status":"throttled","metrics":{"durationMs":1},)"
      R"("spans":[{"name":"coldStartOverhead","start":"2025-06-10T15:20:08Z","durationMs":2}]}})");
  EXPECT_EQ(r.initialization_type, (Named<InitType>{InitType::unknown, "warm-pool"}));
  EXPECT_EQ(r.phase, (Named<InitPhase>{InitPhase::unknown, "prewarm"}));
  EXPECT_EQ(r.status, (Named<Status>{Status::unknown, "throttled"}));
  ASSERT_EQ(r.spans.size(), 1U);
  EXPECT_EQ(r.spans[0].name, SpanName::unknown);
  EXPECT_EQ(r.spans[0].name_text, "coldStartOverhead");
}

TEST(TelemetrySchema, RecordBeforeTypeStillDecodes) {
  const auto event = decode_one(
      R"({"record":{"requestId":"r","version":"$LATEST"},"time":"2025-06-10T14:03:11.737Z","type":"platform.start"})");
  const auto* start = std::get_if<Start>(&event.record);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->request_id, "r");
  EXPECT_EQ(start->version, "$LATEST");
}

TEST(TelemetrySchema, EscapedKeysAreMatchedAfterUnescaping) {
  const auto r = record_of<Start>(
      R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"request\u0049d":"r"}})");
  EXPECT_EQ(r.request_id, "r");
  EXPECT_TRUE(r.unknown.empty());
}

// --- Logs API (2020-08-15) -------------------------------------------------------------------------

TEST(TelemetryLogsApi, MessageTypesDecode) {
  const auto start = record_of<Start>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.start","record":{"requestId":"6f7f0961f83442118a7af6fe80b88d56","version":"$LATEST"}})");
  EXPECT_EQ(start.version, "$LATEST");
  EXPECT_FALSE(start.tracing.has_value());

  const auto end = record_of<End>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.end","record":{"requestId":"6f7f0961f83442118a7af6fe80b88d56"}})");
  EXPECT_EQ(end.request_id, "6f7f0961f83442118a7af6fe80b88d56");

  const auto report = record_of<Report>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.report","record":{"requestId":"6f7f","metrics":)"
      R"({"durationMs":1.23,"billedDurationMs":2,"memorySizeMB":256,"maxMemoryUsedMB":73,"initDurationMs":104.71}}})");
  EXPECT_EQ(report.status, (Named<Status>{Status::unknown, ""}));  // no status in the Logs API
  EXPECT_EQ(report.metrics.billed_duration_ms, 2);
  EXPECT_EQ(report.metrics.init_duration, Milliseconds(104.71));

  const auto done = record_of<RuntimeDone>(
      R"({"time":"2021-02-04T20:00:05.123Z","type":"platform.runtimeDone","record":{"requestId":"6f7f","status":"failure"}})");
  EXPECT_EQ(done.status.value, Status::failure);
  EXPECT_FALSE(done.duration.has_value());

  const auto subscription = record_of<Subscription>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.logsSubscription","record":{"name":"Foo.bar","state":"Subscribed","types":["function","platform"]}})");
  EXPECT_EQ(subscription.name, "Foo.bar");
  EXPECT_EQ(subscription.types, (std::vector<std::string>{"function", "platform"}));

  const auto dropped = record_of<LogsDropped>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.logsDropped","record":{"reason":"Consumer seems to have fallen behind as it has not acknowledged receipt of logs.","droppedRecords":123,"droppedBytes":12345}})");
  EXPECT_EQ(dropped.dropped_records, 123U);
  EXPECT_EQ(dropped.dropped_bytes, 12345U);

  const auto restore = record_of<RestoreStart>(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.restoreStart","record":{}})");
  EXPECT_EQ(restore, RestoreStart{});
}

TEST(TelemetryLogsApi, FaultIsAStringRecord) {
  const Event event = decode_one(
      R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.fault","record":"RequestId: d783b35e-a91d-4251-af17-035953428a2c Process exited before completing request"})");
  EXPECT_EQ(event.type, EventType::platform_fault);
  const auto* fault = std::get_if<LogRecord>(&event.record);
  ASSERT_NE(fault, nullptr);
  EXPECT_FALSE(fault->structured);
  EXPECT_EQ(fault->text, "RequestId: d783b35e-a91d-4251-af17-035953428a2c Process exited before completing request");
}

// --- unknown content and round trips -------------------------------------------------------------

TEST(TelemetryUnknown, UnknownFieldsAreKeptVerbatimAtEveryLevel) {
  const Event event = decode_one(
      R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","sequence": 17,)"
      R"("record":{"requestId":"r","status":"success","region":{"name":"eu-west-1","az":["a","b"]},)"
      R"("metrics":{"durationMs":1.5,"cpuMs":0.25,"gpu":null},)"
      R"("spans":[{"name":"extensionOverhead","start":"2025-06-10T14:03:11.798Z","durationMs":1,"kind":"internal"}],)"
      R"("tracing":{"type":"X-Amzn-Trace-Id","value":"Root=1","sampled":true}}})");
  ASSERT_EQ(event.unknown.size(), 1U);
  EXPECT_EQ(event.unknown[0], (UnknownField{"sequence", "17"}));
  const auto& r = std::get<Report>(event.record);
  ASSERT_EQ(r.unknown.size(), 1U);
  EXPECT_EQ(r.unknown[0], (UnknownField{"region", R"({"name":"eu-west-1","az":["a","b"]})"}));
  ASSERT_EQ(r.metrics.unknown.size(), 2U);
  EXPECT_EQ(r.metrics.unknown[0], (UnknownField{"cpuMs", "0.25"}));
  EXPECT_EQ(r.metrics.unknown[1], (UnknownField{"gpu", "null"}));
  ASSERT_EQ(r.spans.size(), 1U);
  EXPECT_EQ(r.spans[0].unknown, (UnknownFields{{"kind", R"("internal")"}}));
  ASSERT_TRUE(r.tracing.has_value());
  EXPECT_FALSE(r.tracing->span_id.has_value());
  EXPECT_EQ(r.tracing->unknown, (UnknownFields{{"sampled", "true"}}));

  const std::string encoded = encode(event);
  EXPECT_NE(encoded.find(R"("sequence":17)"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find(R"("region":{"name":"eu-west-1","az":["a","b"]})"), std::string::npos) << encoded;
  EXPECT_EQ(decode_one(encoded), event);
}

TEST(TelemetryUnknown, UnknownEventTypeKeepsItsRecord) {
  const Event event = decode_one(
      R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.snapshotTaken","record":{"size": 42, "layers":[1,2]}})");
  EXPECT_EQ(event.type, EventType::unknown);
  EXPECT_EQ(event.type_text, "platform.snapshotTaken");
  const auto* unknown = std::get_if<UnknownRecord>(&event.record);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->json, R"({"size": 42, "layers":[1,2]})");
  EXPECT_EQ(decode_one(encode(event)), event);

  const Event scalar = decode_one(R"({"time":"2025-06-10T14:03:11.843Z","type":"future","record":"text"})");
  EXPECT_EQ(std::get<UnknownRecord>(scalar.record).json, R"("text")");
  EXPECT_EQ(decode_one(encode(scalar)), scalar);
}

TEST(TelemetryUnknown, UnknownContentMustBeValidJson) {
  for (const char* junk : {R"("x": tru)", R"("x": [1,,2])", R"("x": {"a" 1})", R"("x": "bad \q escape")",
                           R"("x": 01)", R"("x": [1}])"}) {
    const std::string json = std::string(R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.end","record":{)") +
                             junk + R"(,"requestId":"r"}})";
    const auto event = decode_event(json);
    EXPECT_FALSE(event.ok()) << json;
  }
}

TEST(TelemetryEncode, EverySampleRoundTrips) {
  for (const char* name :
       {"platform.initStart.json", "platform.initRuntimeDone.json", "platform.initReport.json", "platform.start.json",
        "platform.runtimeDone.json", "platform.report.json", "platform.restoreStart.json",
        "platform.restoreRuntimeDone.json", "platform.restoreReport.json", "platform.extension.json",
        "platform.telemetrySubscription.json", "platform.logsDropped.json", "function.text.json",
        "function.structured.json", "extension.text.json", "extension.structured.json"}) {
    LR_SAMPLE_OR_SKIP(text, name);
    const Event event = decode_one(text);
    const std::string encoded = encode(event);
    const auto again = decode_event(encoded);
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().describe() << "\n" << encoded;
    EXPECT_EQ(*again, event) << name << "\n" << encoded;
  }
}

TEST(TelemetryEncode, WritesTheSchemaNamesAndShortestNumbers) {
  LR_SAMPLE_OR_SKIP(text, "platform.report.json");
  const std::string encoded = encode(decode_one(text));
  EXPECT_EQ(encoded,
            R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{)"
            R"("requestId":"8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c","status":"success",)"
            R"("metrics":{"durationMs":105.468,"billedDurationMs":439,"memorySizeMB":128,"maxMemoryUsedMB":71,)"
            R"("initDurationMs":333.197},)"
            R"("spans":[{"name":"extensionOverhead","start":"2025-06-10T14:03:11.798Z","durationMs":44.571}],)"
            R"("tracing":{"spanId":"1a2b3c4d5e6f7081","type":"X-Amzn-Trace-Id",)"
            R"("value":"Root=1-6848399f-4b1e2c3d4e5f60718293a4b5;Parent=7f3e2d1c0b9a8e6d;Sampled=1"}}})");
}

TEST(TelemetryEncode, TextRecordsGetTheirLineEndBack) {
  LR_SAMPLE_OR_SKIP(text, "extension.text.json");
  EXPECT_EQ(encode(decode_one(text)),
            R"({"time":"2025-06-10T14:03:11.431Z","type":"extension","record":"[obs-extension] starting v1.4.2 (pid 12)\n"})");
}

TEST(TelemetryEncode, TextRecordsWithAnyLineEndsRoundTrip) {
  // Found by the fuzzer: "line\r\r\n" decodes to "line\r", which must not come back as "line".
  for (const char* record : {R"("line\r\r\n")", R"("line\r")", R"("line\n\n")", R"("\r\n")", R"("\r")", R"("")",
                             R"("a\r\nb\r\n")"}) {
    const Event event = decode_one(std::string(R"({"time":"2025-06-10T14:03:11.741Z","type":"function","record":)") +
                                   record + "}");
    EXPECT_EQ(decode_one(encode(event)), event) << record;
  }
}

TEST(TelemetryEncode, MicrosecondTimesKeepTheirPrecision) {
  const Event event =
      decode_one(R"({"time":"2025-06-10T14:03:11.402517Z","type":"platform.end","record":{"requestId":"r"}})");
  EXPECT_NE(encode(event).find("2025-06-10T14:03:11.402517Z"), std::string::npos);
  EXPECT_EQ(decode_one(encode(event)), event);
}

// --- the reused Event ------------------------------------------------------------------------------

TEST(TelemetryReuse, FieldsOfOneEventNeverLeakIntoTheNext) {
  // Same record types one after the other, the later ones with fewer fields.
  const std::string full_start =
      R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","x":1,"record":{"requestId":"a","version":"1",)"
      R"("functionArn":"arn:aws:lambda:us-east-1:123456789012:function:a-long-function-name","tenantId":"t",)"
      R"("tracing":{"spanId":"1a2b3c4d5e6f7081","type":"X-Amzn-Trace-Id","value":"Root=1-6848399f","q":2},"u":[1]}})";
  const std::string bare_start = R"({"time":"2025-06-10T14:03:11.738Z","type":"platform.start","record":{"requestId":"b"}})";
  const std::string full_report =
      R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"requestId":"r","status":"error",)"
      R"("errorType":"Runtime.OutOfMemory","metrics":{"durationMs":1,"billedDurationMs":2,"memorySizeMB":3,)"
      R"("maxMemoryUsedMB":4,"initDurationMs":5,"restoreDurationMs":6,"billedRestoreDurationMs":7,"z":8},)"
      R"("spans":[{"name":"a","start":"2025-06-10T14:03:11Z","durationMs":1},{"name":"b","start":"2025-06-10T14:03:11Z","durationMs":1}]}})";
  const std::string bare_report =
      R"({"time":"2025-06-10T14:03:11.843Z","type":"platform.report","record":{"metrics":{"durationMs":9}}})";
  const std::string structured =
      R"({"time":"2025-06-10T14:03:11.843Z","type":"function","record":{"message":"m","level":"INFO","requestId":"q","timestamp":"t"}})";
  const std::string text = R"({"time":"2025-06-10T14:03:11.843Z","type":"function","record":"line"})";
  const std::vector<std::string> order{full_start, bare_start, full_report, bare_report, structured, text,
                                       full_start, full_report, structured, bare_start,  bare_report, text};
  std::string batch = "[";
  for (const auto& event : order) batch += (batch.size() > 1 ? "," : "") + event;
  batch += "]";
  const auto decoded = decode_batch(batch);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->errors.empty());
  ASSERT_EQ(decoded->events.size(), order.size());
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(decoded->events[i], decode_one(order[i])) << i;
}

TEST(TelemetryReuse, DecodeIsReentrantFromTheCallback) {
  LR_SAMPLE_OR_SKIP(text, "telemetry-batch.json");
  std::size_t outer = 0, inner = 0;
  const auto summary = decode(text, [&](const Event& event) {
    ++outer;
    const Event copy = event;
    const auto nested = decode(text, [&](const Event&) { ++inner; });
    EXPECT_TRUE(nested.ok());
    const auto single = decode_event(encode(copy));
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(*single, copy);
    EXPECT_EQ(event, copy);  // the outer event is untouched by the nested decodes
  });
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(outer, 49U);
  EXPECT_EQ(inner, 49U * 49U);
}

}  // namespace
}  // namespace lambda_relay::telemetry
