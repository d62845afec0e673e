// Typed events → Telemetry API JSON, the inverse of decode: decode_event(encode(e)) == e.
#include <lambda_relay/decode.hpp>

#include "json/writer.hpp"
#include "telemetry/timestamp.hpp"

#include <variant>

namespace lambda_relay::telemetry {
namespace {

// The text an enum was sent as; the enum's own name for a value built without text.
template <typename Enum>
std::string_view text_of(Enum value, const std::string& text) {
  return text.empty() && value != Enum::unknown ? to_string(value) : std::string_view(text);
}

class Encoder {
 public:
  explicit Encoder(std::string& out) : writer_(out) {}

  void event(const Event& event) {
    writer_.begin_object();
    writer_.key("time");
    time(event.time);
    writer_.field("type", text_of(event.type, event.type_text));
    writer_.key("record");
    std::visit([this](const auto& record) { this->record(record); }, event.record);
    unknown(event.unknown);
    writer_.end_object();
  }

 private:
  void time(Timestamp value) {
    scratch_.clear();
    append_timestamp(scratch_, value);
    writer_.value(std::string_view(scratch_));
  }
  void time(std::string_view name, Timestamp value) {
    writer_.key(name);
    time(value);
  }
  void string(std::string_view name, const std::string& value) { writer_.field(name, std::string_view(value)); }
  void string(std::string_view name, const std::optional<std::string>& value) {
    if (value) writer_.field(name, std::string_view(*value));
  }
  void milliseconds(std::string_view name, Milliseconds value) { writer_.field(name, value.count()); }
  void milliseconds(std::string_view name, const std::optional<Milliseconds>& value) {
    if (value) milliseconds(name, *value);
  }
  template <typename Int>
  void integer(std::string_view name, const std::optional<Int>& value) {
    if (value) writer_.field(name, *value);
  }
  // A required enum is left out only when the event had none (decoded as unknown with no text).
  template <typename Enum>
  void named(std::string_view name, const Named<Enum>& value) {
    if (!value.text.empty()) {
      writer_.field(name, std::string_view(value.text));
    } else if (value.value != Enum::unknown) {
      writer_.field(name, to_string(value.value));
    }
  }
  template <typename Enum>
  void named(std::string_view name, const std::optional<Named<Enum>>& value) {
    if (!value) return;
    writer_.field(name, text_of(value->value, value->text));
  }
  void strings(std::string_view name, const std::vector<std::string>& values) {
    writer_.key(name).begin_array();
    for (const auto& value : values) writer_.value(std::string_view(value));
    writer_.end_array();
  }
  void unknown(const UnknownFields& fields) {
    for (const auto& field : fields) writer_.key(field.key).raw(field.json);
  }
  void spans(const std::vector<Span>& values) {
    if (values.empty()) return;
    writer_.key("spans").begin_array();
    for (const auto& span : values) {
      writer_.begin_object();
      writer_.field("name", text_of(span.name, span.name_text));
      time("start", span.start);
      milliseconds("durationMs", span.duration);
      unknown(span.unknown);
      writer_.end_object();
    }
    writer_.end_array();
  }
  void tracing(const std::optional<TraceContext>& value) {
    if (!value) return;
    writer_.key("tracing").begin_object();
    string("spanId", value->span_id);
    string("type", value->type);
    string("value", value->value);
    unknown(value->unknown);
    writer_.end_object();
  }

  void record(const InitStart& r) {
    writer_.begin_object();
    named("initializationType", r.initialization_type);
    named("phase", r.phase);
    string("runtimeVersion", r.runtime_version);
    string("runtimeVersionArn", r.runtime_version_arn);
    string("functionName", r.function_name);
    string("functionVersion", r.function_version);
    string("instanceId", r.instance_id);
    integer("instanceMaxMemory", r.instance_max_memory);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const InitRuntimeDone& r) {
    writer_.begin_object();
    named("initializationType", r.initialization_type);
    named("phase", r.phase);
    named("status", r.status);
    string("errorType", r.error_type);
    spans(r.spans);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const InitReport& r) {
    writer_.begin_object();
    named("initializationType", r.initialization_type);
    named("phase", r.phase);
    named("status", r.status);
    string("errorType", r.error_type);
    writer_.key("metrics").begin_object();
    milliseconds("durationMs", r.duration);
    integer("billedDurationMs", r.billed_duration_ms);
    unknown(r.unknown_metrics);
    writer_.end_object();
    spans(r.spans);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const Start& r) {
    writer_.begin_object();
    string("requestId", r.request_id);
    string("version", r.version);
    string("functionArn", r.function_arn);
    string("tenantId", r.tenant_id);
    tracing(r.tracing);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const RuntimeDone& r) {
    writer_.begin_object();
    string("requestId", r.request_id);
    named("status", r.status);
    string("errorType", r.error_type);
    if (r.duration || r.produced_bytes || !r.unknown_metrics.empty()) {
      writer_.key("metrics").begin_object();
      milliseconds("durationMs", r.duration);
      integer("producedBytes", r.produced_bytes);
      unknown(r.unknown_metrics);
      writer_.end_object();
    }
    spans(r.spans);
    tracing(r.tracing);
    string("tenantId", r.tenant_id);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const Report& r) {
    writer_.begin_object();
    string("requestId", r.request_id);
    named("status", r.status);
    string("errorType", r.error_type);
    const ReportMetrics& m = r.metrics;
    writer_.key("metrics").begin_object();
    milliseconds("durationMs", m.duration);
    integer("billedDurationMs", m.billed_duration_ms);
    integer("memorySizeMB", m.memory_size_mb);
    integer("maxMemoryUsedMB", m.max_memory_used_mb);
    milliseconds("initDurationMs", m.init_duration);
    milliseconds("restoreDurationMs", m.restore_duration);
    integer("billedRestoreDurationMs", m.billed_restore_duration_ms);
    unknown(m.unknown);
    writer_.end_object();
    spans(r.spans);
    tracing(r.tracing);
    string("tenantId", r.tenant_id);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const RestoreStart& r) {
    writer_.begin_object();
    string("runtimeVersion", r.runtime_version);
    string("runtimeVersionArn", r.runtime_version_arn);
    string("functionName", r.function_name);
    string("functionVersion", r.function_version);
    string("instanceId", r.instance_id);
    integer("instanceMaxMemory", r.instance_max_memory);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const RestoreRuntimeDone& r) {
    writer_.begin_object();
    named("status", r.status);
    string("errorType", r.error_type);
    spans(r.spans);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const RestoreReport& r) {
    writer_.begin_object();
    named("status", r.status);
    string("errorType", r.error_type);
    if (r.duration || r.billed_duration_ms || !r.unknown_metrics.empty()) {
      writer_.key("metrics").begin_object();
      milliseconds("durationMs", r.duration);
      integer("billedDurationMs", r.billed_duration_ms);
      unknown(r.unknown_metrics);
      writer_.end_object();
    }
    spans(r.spans);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const PlatformExtension& r) {
    writer_.begin_object();
    string("name", r.name);
    string("state", r.state);
    strings("events", r.events);
    string("errorType", r.error_type);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const Subscription& r) {
    writer_.begin_object();
    string("name", r.name);
    string("state", r.state);
    strings("types", r.types);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const LogsDropped& r) {
    writer_.begin_object();
    writer_.field("droppedBytes", r.dropped_bytes);
    writer_.field("droppedRecords", r.dropped_records);
    string("reason", r.reason);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const End& r) {
    writer_.begin_object();
    string("requestId", r.request_id);
    unknown(r.unknown);
    writer_.end_object();
  }
  void record(const LogRecord& r) {
    if (r.structured && !r.json.empty()) {
      writer_.raw(r.json);
      return;
    }
    if (r.structured) {  // built by hand, without the original object
      writer_.begin_object();
      string("timestamp", r.timestamp);
      string("level", r.level);
      string("requestId", r.request_id);
      string("message", r.text);
      writer_.end_object();
      return;
    }
    // Lambda sends text records with their line end, which decoding strips: put it back. A text that
    // ends in "\r" gets "\r\n", so that decoding strips exactly what was added.
    scratch_.assign(r.text);
    if (!r.text.empty() && r.text.back() == '\r') scratch_.push_back('\r');
    scratch_.push_back('\n');
    writer_.value(std::string_view(scratch_));
  }
  void record(const UnknownRecord& r) {
    if (r.json.empty()) {
      writer_.null();
    } else {
      writer_.raw(r.json);
    }
  }

  json::Writer writer_;
  std::string scratch_;
};

}  // namespace

std::string encode(const Event& event) {
  std::string out;
  out.reserve(256);
  Encoder encoder(out);
  encoder.event(event);
  return out;
}

}  // namespace lambda_relay::telemetry
