// Lambda telemetry → OTLP with the FaaS conventions. The shared spec's scenario
// (samples-upstream/lambda-telemetry-input.json) must give what its otlp-{traces,logs,metrics}.json
// show; samples/telemetry-batch.json (cold start, invokes, a timeout, an OOM, suppressed inits) must
// give the right counts.
#include "export/otlp/ids.hpp"
#include "export/otlp/telemetry_mapper.hpp"
#include "telemetry_samples.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace lambda_relay::otlp {
namespace {

using telemetry::Timestamp;

constexpr std::uint64_t kObserved = 1749896130710000000;  // 2025-06-14T10:15:30.710Z

std::string upstream_sample(const std::string& name) {
  const auto dir = test::samples_dir();
  if (!dir) return {};
  return test::read_file(dir->parent_path() / "samples-upstream" / name);
}

config::FunctionEnvironment orders_api() {
  config::FunctionEnvironment f;
  f.function_name = "orders-api";
  f.function_version = "7";
  f.region = "us-east-1";
  f.memory_size_mb = 512;
  f.log_group = "/aws/lambda/orders-api";
  f.log_stream = "2025/06/14/[7]3f6c2b9d8e1a4f5b9c0d7e6a5b4c3d2e";
  return f;
}

MapperOptions options(config::FunctionEnvironment function = orders_api()) {
  MapperOptions o;
  o.resource.function = std::move(function);
  o.clock = [] { return Timestamp(std::chrono::microseconds(kObserved / 1000)); };
  o.id_seed = 7;
  return o;
}

const AnyValue* find(const Attributes& attributes, std::string_view key) {
  const auto it = std::find_if(attributes.begin(), attributes.end(), [&](const KeyValue& kv) { return kv.key == key; });
  return it == attributes.end() ? nullptr : &it->value;
}

std::string text(const Attributes& attributes, std::string_view key) {
  const auto* value = find(attributes, key);
  if (value == nullptr) return "<absent>";
  if (const auto* s = std::get_if<std::string>(&value->value)) return *s;
  return "<not a string>";
}

std::string body(const LogRecord& record) {
  if (!record.body) return {};
  const auto* s = std::get_if<std::string>(&record.body->value);
  return s != nullptr ? *s : std::string();
}

std::vector<std::string> keys(const Attributes& attributes) {
  std::vector<std::string> out;
  for (const auto& kv : attributes) out.push_back(kv.key);
  return out;
}

void add_all(TelemetryMapper& mapper, const std::string& batch) {
  auto decoded = telemetry::decode_batch(batch);
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->errors.empty());
  for (const auto& event : decoded->events) mapper.add(event);
}

const Span* span_named(const std::vector<Span>& spans, std::string_view name) {
  const auto it = std::find_if(spans.begin(), spans.end(), [&](const Span& s) { return s.name == name; });
  return it == spans.end() ? nullptr : &*it;
}

const Metric* metric_named(const std::vector<Metric>& metrics, std::string_view name) {
  const auto it = std::find_if(metrics.begin(), metrics.end(), [&](const Metric& m) { return m.name == name; });
  return it == metrics.end() ? nullptr : &*it;
}

std::int64_t counter_value(const std::vector<Metric>& metrics, std::string_view name) {
  const auto* m = metric_named(metrics, name);
  if (m == nullptr) return -1;
  return std::get<std::int64_t>(std::get<Sum>(m->data).data_points.at(0).value);
}

const HistogramDataPoint* histogram(const std::vector<Metric>& metrics, std::string_view name) {
  const auto* m = metric_named(metrics, name);
  return m == nullptr ? nullptr : &std::get<Histogram>(m->data).data_points.at(0);
}

InvokeEvent sample_invoke() {
  InvokeEvent invoke;
  invoke.request_id = "8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10";
  invoke.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live";
  invoke.tracing = Tracing{"X-Amzn-Trace-Id", "Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1"};
  return invoke;
}

class UpstreamScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    input_ = upstream_sample("lambda-telemetry-input.json");
    if (input_.empty()) GTEST_SKIP() << "shared samples-upstream not found";
    mapper_.set_account_id("123456789012");
    mapper_.on_invoke(sample_invoke());
    add_all(mapper_, input_);
  }
  std::string input_;
  TelemetryMapper mapper_{options()};
};

TEST_F(UpstreamScenario, ResourceFollowsTheFaasConventions) {
  const auto resource = mapper_.resource();
  EXPECT_EQ(keys(resource.attributes),
            (std::vector<std::string>{"service.name", "cloud.provider", "cloud.platform", "cloud.region",
                                      "cloud.account.id", "faas.name", "faas.version", "faas.instance",
                                      "faas.max_memory", "aws.log.group.names", "aws.log.stream.names"}));
  EXPECT_EQ(text(resource.attributes, "service.name"), "orders-api");
  EXPECT_EQ(text(resource.attributes, "cloud.provider"), "aws");
  EXPECT_EQ(text(resource.attributes, "cloud.platform"), "aws_lambda");
  EXPECT_EQ(text(resource.attributes, "cloud.account.id"), "123456789012");
  EXPECT_EQ(text(resource.attributes, "faas.instance"), "2025/06/14/[7]3f6c2b9d8e1a4f5b9c0d7e6a5b4c3d2e");
  EXPECT_EQ(std::get<std::int64_t>(find(resource.attributes, "faas.max_memory")->value), 536870912);
  const auto& groups = std::get<ArrayValue>(find(resource.attributes, "aws.log.group.names")->value);
  ASSERT_EQ(groups.values.size(), 1U);
  EXPECT_EQ(std::get<std::string>(groups.values[0].value), "/aws/lambda/orders-api");
}

TEST_F(UpstreamScenario, TracesHaveTheInitSpanTheServerSpanAndItsChildren) {
  auto traces = mapper_.take_traces();
  ASSERT_TRUE(traces);
  const auto& spans = traces->spans;
  ASSERT_EQ(spans.size(), 5U);

  const Span* init = span_named(spans, "init orders-api");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->kind, SpanKind::internal);
  EXPECT_EQ(init->start_time_unix_nano, 1749896130120000000U);
  EXPECT_EQ(init->end_time_unix_nano, 1749896130529870000U);  // initStart + 409.87 ms
  EXPECT_EQ(keys(init->attributes), std::vector<std::string>{"faas.coldstart"});
  EXPECT_FALSE(is_set(init->parent_span_id));

  const Span* server = span_named(spans, "orders-api");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->kind, SpanKind::server);
  EXPECT_EQ(to_hex(server->trace_id), "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_EQ(to_hex(server->parent_span_id), "53995c3f42cd8ad8");
  EXPECT_NE(to_hex(server->span_id), "7b3e5f1a9c2d4e60");  // ours, fresh (not Lambda's segment id)
  EXPECT_EQ(server->start_time_unix_nano, 1749896130540000000U);
  EXPECT_EQ(server->end_time_unix_nano, 1749896130701230000U);  // start + 161.23 ms
  EXPECT_EQ(keys(server->attributes), (std::vector<std::string>{"faas.invocation_id", "faas.coldstart", "faas.trigger",
                                                                "cloud.resource_id", "aws.lambda.invoked_arn"}));
  EXPECT_EQ(text(server->attributes, "faas.invocation_id"), "8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10");
  EXPECT_EQ(std::get<bool>(find(server->attributes, "faas.coldstart")->value), true);
  EXPECT_EQ(text(server->attributes, "faas.trigger"), "other");
  EXPECT_EQ(text(server->attributes, "cloud.resource_id"), "arn:aws:lambda:us-east-1:123456789012:function:orders-api:7");
  EXPECT_EQ(text(server->attributes, "aws.lambda.invoked_arn"),
            "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live");
  EXPECT_EQ(server->status.code, StatusCode::unset);
  EXPECT_EQ(server->flags, kFlagSampled | kFlagHasIsRemote | kFlagIsRemote);
  // The cold invocation links to its Init, which lives in a trace of its own.
  ASSERT_EQ(server->links.size(), 1U);
  EXPECT_EQ(server->links[0].trace_id, init->trace_id);
  EXPECT_EQ(server->links[0].span_id, init->span_id);
  EXPECT_NE(init->trace_id, server->trace_id);

  struct Child {
    const char* name;
    std::uint64_t start, end;
  };
  for (const Child& c : {Child{"responseLatency", 1749896130540000000U, 1749896130700020000U},
                         Child{"responseDuration", 1749896130700000000U, 1749896130700310000U},
                         Child{"runtimeOverhead", 1749896130701000000U, 1749896130701550000U}}) {
    const Span* child = span_named(spans, c.name);
    ASSERT_NE(child, nullptr) << c.name;
    EXPECT_EQ(child->kind, SpanKind::internal);
    EXPECT_EQ(child->trace_id, server->trace_id);
    EXPECT_EQ(child->parent_span_id, server->span_id);
    EXPECT_EQ(child->start_time_unix_nano, c.start) << c.name;
    EXPECT_EQ(child->end_time_unix_nano, c.end) << c.name;
  }
  EXPECT_FALSE(mapper_.take_traces());  // taken
}

TEST_F(UpstreamScenario, LogsHaveCloudWatchBodiesSeveritiesAndInvocationContext) {
  const auto server_span_id = [&] {
    auto traces = mapper_.take_traces();
    return span_named(traces->spans, "orders-api")->span_id;
  }();
  auto logs = mapper_.take_logs();
  ASSERT_TRUE(logs);
  struct Expected {
    std::uint64_t time;
    int severity;
    const char* severity_text;
    const char* body;
    const char* type;
    bool invocation;
  };
  const std::string rid = "8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10";
  const std::vector<Expected> expected{
      {1749896130120000000U, 9, "INFO",
       "INIT_START Runtime Version: python:3.12.v36 Runtime Version ARN: "
       "arn:aws:lambda:us-east-1::runtime:9b1a8f0e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615e4d3c2",
       "platform.initStart", false},
      {1749896130126000000U, 5, "DEBUG", "TELEMETRY: observability-extension Subscribed Types: [platform function]",
       "platform.telemetrySubscription", false},
      {1749896130530000000U, 9, "INFO", "INIT_RUNTIME_DONE Status: success", "platform.initRuntimeDone", false},
      {1749896130531000000U, 9, "INFO", "INIT_REPORT Initialization Type: on-demand Phase: init Status: success Duration: 409.87 ms",
       "platform.initReport", false},
      {1749896130540000000U, 9, "INFO", "START RequestId: 8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10 Version: 7",
       "platform.start", true},
      {1749896130542000000U, 9, "INFO",
       "[INFO]\t2025-06-14T10:15:30.542Z\t8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10\tprocessing order ord_1042 (3 items)",
       "function", true},
      {1749896130688000000U, 13, "WARN",
       "[WARNING]\t2025-06-14T10:15:30.688Z\t8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10\tinventory service slow: 131 ms",
       "function", true},
      {1749896130702000000U, 9, "INFO", "END RequestId: 8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10 Version: 7",
       "platform.runtimeDone", true},
      {1749896130703000000U, 9, "INFO",
       "REPORT RequestId: 8f5a2c71-3b6e-4d0a-9c1f-2e7b6d4a9f10 Duration: 161.23 ms Billed Duration: 162 ms Memory "
       "Size: 512 MB Max Memory Used: 83 MB Init Duration: 409.87 ms",
       "platform.report", true},
  };
  ASSERT_EQ(logs->records.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& r = logs->records[i];
    const auto& e = expected[i];
    SCOPED_TRACE(e.body);
    EXPECT_EQ(r.time_unix_nano, e.time);
    EXPECT_EQ(r.observed_time_unix_nano, kObserved);
    EXPECT_EQ(r.severity_number, e.severity);
    EXPECT_EQ(r.severity_text, e.severity_text);
    EXPECT_EQ(body(r), e.body);
    EXPECT_EQ(text(r.attributes, "type"), e.type);
    if (e.invocation) {
      EXPECT_EQ(text(r.attributes, "faas.invocation_id"), rid);
      EXPECT_EQ(to_hex(r.trace_id), "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
      EXPECT_EQ(r.span_id, server_span_id);
      EXPECT_EQ(r.flags, kFlagSampled);
    } else {
      EXPECT_EQ(find(r.attributes, "faas.invocation_id"), nullptr);
      // Init records carry the Init span's context.
      EXPECT_TRUE(is_set(r.trace_id));
      EXPECT_NE(to_hex(r.trace_id), "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
    }
  }
  EXPECT_FALSE(mapper_.take_logs());
}

TEST_F(UpstreamScenario, MetricsCountTheColdStartTheInvocationAndMemoryInBytes) {
  auto metrics = mapper_.take_metrics();
  ASSERT_TRUE(metrics);
  const auto& m = metrics->metrics;
  EXPECT_EQ(counter_value(m, "faas.coldstarts"), 1);
  EXPECT_EQ(counter_value(m, "faas.invocations"), 1);
  EXPECT_EQ(counter_value(m, "faas.errors"), 0);
  EXPECT_EQ(counter_value(m, "faas.timeouts"), 0);
  const auto& sum = std::get<Sum>(metric_named(m, "faas.invocations")->data);
  EXPECT_TRUE(sum.monotonic);
  EXPECT_EQ(sum.temporality, Temporality::cumulative);
  EXPECT_EQ(sum.data_points[0].start_time_unix_nano, 1749896130120000000U);
  EXPECT_EQ(sum.data_points[0].time_unix_nano, kObserved);

  const auto* init = histogram(m, "faas.init_duration");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->count, 1U);
  EXPECT_DOUBLE_EQ(*init->sum, 0.40987);
  EXPECT_EQ(init->bucket_counts, (std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(metric_named(m, "faas.init_duration")->unit, "s");

  const auto* invoke = histogram(m, "faas.invoke_duration");
  ASSERT_NE(invoke, nullptr);
  EXPECT_DOUBLE_EQ(*invoke->sum, 0.16123);
  EXPECT_EQ(invoke->bucket_counts, (std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));

  const auto* memory = histogram(m, "faas.mem_usage");
  ASSERT_NE(memory, nullptr);
  EXPECT_DOUBLE_EQ(*memory->sum, 87031808.0);  // 83 MB × 1,048,576, not × 1,000,000
  EXPECT_EQ(memory->bucket_counts, (std::vector<std::uint64_t>{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(memory->explicit_bounds.front(), 16777216.0);
  EXPECT_EQ(metric_named(m, "faas.mem_usage")->unit, "By");

  const auto* billed = histogram(m, "aws.lambda.billed_duration");
  ASSERT_NE(billed, nullptr);
  EXPECT_DOUBLE_EQ(*billed->sum, 0.162);

  EXPECT_FALSE(mapper_.take_metrics());  // nothing changed since
}

TEST(TelemetryBatchScenario, CountsInvocationsErrorsTimeoutsAndSuppressedInits) {
  LR_SAMPLE_OR_SKIP(batch, "telemetry-batch.json");
  config::FunctionEnvironment f;  // nothing from the environment: telemetry says it
  TelemetryMapper mapper(options(f));
  add_all(mapper, batch);
  mapper.finish();

  auto metrics = mapper.take_metrics();
  ASSERT_TRUE(metrics);
  const auto& m = metrics->metrics;
  EXPECT_EQ(counter_value(m, "faas.coldstarts"), 1);  // the suppressed inits (phase invoke) are not
  EXPECT_EQ(counter_value(m, "faas.invocations"), 3);
  EXPECT_EQ(counter_value(m, "faas.errors"), 1);
  EXPECT_EQ(counter_value(m, "faas.timeouts"), 1);
  EXPECT_EQ(histogram(m, "faas.init_duration")->count, 3U);  // not the first report's initDurationMs again
  EXPECT_EQ(histogram(m, "faas.invoke_duration")->count, 5U);
  const auto* memory = histogram(m, "faas.mem_usage");
  EXPECT_EQ(memory->count, 5U);
  EXPECT_DOUBLE_EQ(*memory->max, 134217728.0);
  EXPECT_EQ(memory->bucket_counts[3], 5U);  // 69..128 MB are all in (64 MiB, 128 MiB]

  const auto resource = mapper.resource();
  EXPECT_EQ(text(resource.attributes, "faas.name"), "orders-api");
  EXPECT_EQ(text(resource.attributes, "service.name"), "orders-api");
  EXPECT_EQ(text(resource.attributes, "faas.instance"), "2025/06/10/[$LATEST]3f1c9a7be24d4c0fa6b5d8e9c1a2b3c4");
  EXPECT_EQ(std::get<std::int64_t>(find(resource.attributes, "faas.max_memory")->value), 134217728);
  EXPECT_EQ(text(resource.attributes, "cloud.account.id"), "123456789012");  // from the functionArn

  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  const auto& spans = traces->spans;
  EXPECT_EQ(spans.size(), 20U);  // 3 inits, 5 invocations, 12 children
  std::vector<const Span*> servers;
  for (const auto& s : spans) {
    if (s.kind == SpanKind::server) servers.push_back(&s);
  }
  ASSERT_EQ(servers.size(), 5U);
  std::vector<bool> cold;
  for (const auto* s : servers) cold.push_back(std::get<bool>(find(s->attributes, "faas.coldstart")->value));
  EXPECT_EQ(cold, (std::vector<bool>{true, false, false, true, true}));

  const Span* timeout = servers[2];
  EXPECT_EQ(timeout->status.code, StatusCode::error);
  EXPECT_EQ(timeout->status.message, "Task timed out after 3.00 seconds");
  EXPECT_EQ(text(timeout->attributes, "error.type"), "timeout");
  EXPECT_EQ(text(timeout->attributes, "cloud.resource_id"), "arn:aws:lambda:us-east-1:123456789012:function:orders-api:$LATEST");
  const Span* oom = servers[3];
  EXPECT_EQ(oom->status.code, StatusCode::error);
  EXPECT_EQ(text(oom->attributes, "error.type"), "Runtime.OutOfMemory");
  EXPECT_EQ(servers[0]->status.code, StatusCode::unset);
  EXPECT_NE(span_named(spans, "extensionOverhead"), nullptr);

  auto logs = mapper.take_logs();
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->records.size(), 49U);
  const auto oom_report = std::find_if(logs->records.begin(), logs->records.end(), [](const LogRecord& r) {
    return body(r).starts_with("REPORT RequestId: 3b7e1f9a");
  });
  ASSERT_NE(oom_report, logs->records.end());
  EXPECT_EQ(oom_report->severity_number, 21);  // FATAL: out of memory
  EXPECT_EQ(body(*oom_report),
            "REPORT RequestId: 3b7e1f9a-6c2d-4a8e-b5f1-0c9d8e7f6a5b Duration: 2233.12 ms Billed Duration: 2234 ms "
            "Memory Size: 128 MB Max Memory Used: 128 MB Status: error Error Type: Runtime.OutOfMemory");
  const auto timeout_end = std::find_if(logs->records.begin(), logs->records.end(), [](const LogRecord& r) {
    return body(r).starts_with("END RequestId: f0e1d2c3");
  });
  ASSERT_NE(timeout_end, logs->records.end());
  EXPECT_EQ(timeout_end->severity_number, 17);
  EXPECT_EQ(body(*timeout_end), "END RequestId: f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e Version: $LATEST Status: timeout");
  // An extension line after the last REPORT belongs to no invocation.
  const auto& last = logs->records.back();
  EXPECT_EQ(body(last), "[obs-extension] final flush ok, exiting");
  EXPECT_EQ(find(last.attributes, "faas.invocation_id"), nullptr);
  EXPECT_FALSE(is_set(last.trace_id));
}

telemetry::Event event_of(const std::string& json) {
  auto event = telemetry::decode_event(json);
  EXPECT_TRUE(event.ok()) << json;
  return event.ok() ? std::move(event).value() : telemetry::Event{};
}

TEST(TelemetryMapper, StructuredLogsUseMessageLevelTimestampAndKeepOtherKeysAsAttributes) {
  TelemetryMapper mapper(options());
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"requestId":"r1"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.750Z","type":"function","record":{"timestamp":"2025-06-10T14:03:11.741Z",)"
      R"("level":"ERROR","message":"payment failed","requestId":"r1","logger":"root","attempt":3,"ratio":0.5,)"
      R"("retry":false,"ctx":{"a":[1,2]},"none":null}})"));
  auto logs = mapper.take_logs();
  ASSERT_TRUE(logs);
  ASSERT_EQ(logs->records.size(), 2U);
  const auto& r = logs->records[1];
  EXPECT_EQ(body(r), "payment failed");
  EXPECT_EQ(r.severity_number, 17);
  EXPECT_EQ(r.time_unix_nano, 1749564191741000000U);  // the record's own timestamp
  EXPECT_EQ(keys(r.attributes),
            (std::vector<std::string>{"type", "faas.invocation_id", "logger", "attempt", "ratio", "retry", "ctx"}));
  EXPECT_EQ(text(r.attributes, "faas.invocation_id"), "r1");
  EXPECT_EQ(std::get<std::int64_t>(find(r.attributes, "attempt")->value), 3);
  EXPECT_EQ(std::get<double>(find(r.attributes, "ratio")->value), 0.5);
  EXPECT_EQ(std::get<bool>(find(r.attributes, "retry")->value), false);
  EXPECT_EQ(text(r.attributes, "ctx"), R"({"a":[1,2]})");
  EXPECT_EQ(r.trace_id, logs->records[0].trace_id);
}

TEST(TelemetryMapper, AHugeStructuredRecordKeepsItsBodyWithoutAttributes) {
  TelemetryMapper mapper(options());
  const std::string big(70'000, 'y');
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.750Z","type":"function","record":{"level":"INFO","message":"m","blob":")" +
                      big + R"("}})"));
  auto logs = mapper.take_logs();
  ASSERT_TRUE(logs);
  EXPECT_EQ(body(logs->records[0]), "m");
  EXPECT_EQ(find(logs->records[0].attributes, "blob"), nullptr);
  EXPECT_EQ(logs->records[0].severity_number, 9);
}

TEST(TelemetryMapper, TakesTheTraceFromTheInvokeEventWhenPlatformStartHasNone) {
  TelemetryMapper mapper(options());
  InvokeEvent invoke;
  invoke.request_id = "r1";
  invoke.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-api";
  invoke.tracing = Tracing{"X-Amzn-Trace-Id", "Root=1-6848399f-4b1e2c3d4e5f60718293a4b5;Sampled=0"};
  mapper.on_invoke(invoke);
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.737Z","type":"platform.start","record":{"requestId":"r1","version":"7"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.800Z","type":"platform.runtimeDone","record":{"requestId":"r1","status":"success","metrics":{"durationMs":50}}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.801Z","type":"platform.report","record":{"requestId":"r1","status":"success","metrics":{"durationMs":51,"billedDurationMs":51,"memorySizeMB":512,"maxMemoryUsedMB":60}}})"));
  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->spans.size(), 1U);
  const auto& span = traces->spans[0];
  EXPECT_EQ(to_hex(span.trace_id), "6848399f4b1e2c3d4e5f60718293a4b5");
  EXPECT_FALSE(is_set(span.parent_span_id));
  EXPECT_EQ(span.flags, kFlagHasIsRemote);  // not sampled, no remote parent
  EXPECT_EQ(text(span.attributes, "cloud.resource_id"), "arn:aws:lambda:us-east-1:123456789012:function:orders-api:7");
  EXPECT_EQ(span.end_time_unix_nano - span.start_time_unix_nano, 50'000'000U);
  EXPECT_EQ(std::get<bool>(find(span.attributes, "faas.coldstart")->value), false);  // no Init seen
}

TEST(TelemetryMapper, ReportWithoutRuntimeDoneClosesTheSpanAndCountsOnce) {
  // Managed Instances send start and report only.
  TelemetryMapper mapper(options());
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.000Z","type":"platform.start","record":{"requestId":"r1"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:12.000Z","type":"platform.report","record":{"requestId":"r1","status":"error","errorType":"Function.Boom","metrics":{"durationMs":1000}}})"));
  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->spans.size(), 1U);
  EXPECT_EQ(traces->spans[0].end_time_unix_nano - traces->spans[0].start_time_unix_nano, 1'000'000'000U);
  EXPECT_EQ(traces->spans[0].status.message, "Function.Boom");
  EXPECT_EQ(text(traces->spans[0].attributes, "error.type"), "Function.Boom");
  auto metrics = mapper.take_metrics();
  ASSERT_TRUE(metrics);
  EXPECT_EQ(counter_value(metrics->metrics, "faas.errors"), 1);
  EXPECT_EQ(histogram(metrics->metrics, "faas.invoke_duration")->count, 1U);
}

TEST(TelemetryMapper, CountsAFailedInitOnceAndMarksItsSpan) {
  TelemetryMapper mapper(options());
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.300Z","type":"platform.initRuntimeDone","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.HandlerNotFound"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.310Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"error","errorType":"Runtime.HandlerNotFound","metrics":{"durationMs":310}}})"));
  auto metrics = mapper.take_metrics();
  ASSERT_TRUE(metrics);
  EXPECT_EQ(counter_value(metrics->metrics, "faas.errors"), 1);
  EXPECT_EQ(counter_value(metrics->metrics, "faas.coldstarts"), 1);
  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->spans.size(), 1U);
  EXPECT_EQ(traces->spans[0].status.code, StatusCode::error);
  EXPECT_EQ(text(traces->spans[0].attributes, "error.type"), "Runtime.HandlerNotFound");
  auto logs = mapper.take_logs();
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->records[1].severity_number, 17);
  EXPECT_EQ(body(logs->records[1]), "INIT_RUNTIME_DONE Status: error Error Type: Runtime.HandlerNotFound");
}

TEST(TelemetryMapper, ProvisionedConcurrencyInitIsNoColdStart) {
  TelemetryMapper mapper(options());
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.000Z","type":"platform.initStart","record":{"initializationType":"provisioned-concurrency","phase":"init"}})"));
  mapper.add(event_of(
      R"({"time":"2025-06-10T14:03:11.310Z","type":"platform.initReport","record":{"initializationType":"provisioned-concurrency","phase":"init","status":"success","metrics":{"durationMs":310}}})"));
  mapper.add(event_of(R"({"time":"2025-06-10T14:05:00.000Z","type":"platform.start","record":{"requestId":"r1"}})"));
  mapper.finish();
  auto metrics = mapper.take_metrics();
  EXPECT_EQ(counter_value(metrics->metrics, "faas.coldstarts"), 0);
  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->spans.size(), 2U);
  const Span* server = span_named(traces->spans, "orders-api");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(std::get<bool>(find(server->attributes, "faas.coldstart")->value), false);
  EXPECT_TRUE(server->links.empty());
}

TEST(TelemetryMapper, FinishClosesAnInvocationWhoseEventsNeverCame) {
  TelemetryMapper mapper(options());
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.000Z","type":"platform.start","record":{"requestId":"r1"}})"));
  mapper.add(event_of(R"({"time":"2025-06-10T14:03:11.500Z","type":"function","record":"still working\n"})"));
  EXPECT_FALSE(mapper.take_traces());
  mapper.finish();
  auto traces = mapper.take_traces();
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->spans.size(), 1U);
  EXPECT_GE(traces->spans[0].end_time_unix_nano, traces->spans[0].start_time_unix_nano);
}

TEST(TelemetryMapper, DropsAndCountsLogRecordsBeyondItsMemoryBound) {
  auto o = options();
  o.max_log_bytes = 3000;
  TelemetryMapper mapper(std::move(o));
  const std::string line(1000, 'x');
  const auto event = event_of(R"({"time":"2025-06-10T14:03:11.000Z","type":"function","record":")" + line + R"("})");
  for (int i = 0; i < 5; ++i) mapper.add(event);
  EXPECT_EQ(mapper.pending_log_records(), 3U);  // each record counts a little over 1000 bytes
  EXPECT_GT(mapper.pending_log_bytes(), 3000U);
  EXPECT_EQ(mapper.dropped_log_records(), 2U);
  EXPECT_EQ(mapper.take_logs()->records.size(), 3U);
  EXPECT_EQ(mapper.pending_log_bytes(), 0U);
  mapper.add(event);
  EXPECT_EQ(mapper.pending_log_records(), 1U);
}

TEST(TelemetryMapper, ServiceNameAndUserAttributesOverrideDetectedValues) {
  auto o = options();
  o.resource.user_attributes = {{"service.name", "from-attributes"}, {"cloud.region", "eu-west-1"}, {"team", "payments"}};
  {
    TelemetryMapper mapper(o);
    const auto resource = mapper.resource();
    EXPECT_EQ(text(resource.attributes, "service.name"), "from-attributes");
    EXPECT_EQ(text(resource.attributes, "cloud.region"), "eu-west-1");
    EXPECT_EQ(resource.attributes.back().key, "team");
    EXPECT_EQ(std::count_if(resource.attributes.begin(), resource.attributes.end(),
                            [](const KeyValue& kv) { return kv.key == "cloud.region"; }),
              1);
  }
  o.resource.service_name = "from-otel-service-name";
  TelemetryMapper mapper(o);
  EXPECT_EQ(text(mapper.resource().attributes, "service.name"), "from-otel-service-name");
}

}  // namespace
}  // namespace lambda_relay::otlp
