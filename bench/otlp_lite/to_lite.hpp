// lambda-relay's OTLP model → protobuf-lite generated messages (otlp_lite.proto), for the comparison
// with the hand-written encoder: what an implementation on protobuf-lite would fill before
// serialising.
#pragma once

#include "export/otlp/model.hpp"
#include "otlp_lite.pb.h"

#include <type_traits>
#include <variant>

namespace lambda_relay::bench::lite {

namespace pb = ::lr_bench::otlp;

inline void fill(pb::AnyValue& out, const otlp::AnyValue& in);

inline void fill(pb::KeyValue& out, const otlp::KeyValue& in) {
  out.set_key(in.key);
  fill(*out.mutable_value(), in.value);
}

inline void fill(pb::AnyValue& out, const otlp::AnyValue& in) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          out.set_string_value(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out.set_bool_value(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.set_int_value(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out.set_double_value(v);
        } else if constexpr (std::is_same_v<T, otlp::ArrayValue>) {
          auto* array = out.mutable_array_value();
          for (const auto& e : v.values) fill(*array->add_values(), e);
        } else {
          auto* list = out.mutable_kvlist_value();
          for (const auto& kv : v.values) fill(*list->add_values(), kv);
        }
      },
      in.value);
}

template <typename Repeated>
void fill_attributes(Repeated& out, const otlp::Attributes& in) {
  for (const auto& kv : in) fill(*out.Add(), kv);
}

template <std::size_t N>
std::string bytes(const std::array<std::uint8_t, N>& id) {
  return otlp::is_set(id) ? std::string(reinterpret_cast<const char*>(id.data()), N) : std::string();  // NOLINT
}

inline void fill_common(pb::Resource& resource, pb::InstrumentationScope& scope, const otlp::Resource& r,
                        const otlp::InstrumentationScope& s) {
  fill_attributes(*resource.mutable_attributes(), r.attributes);
  scope.set_name(s.name);
  scope.set_version(s.version);
}

inline pb::ExportLogsServiceRequest to_lite(const otlp::LogsRequest& in) {
  pb::ExportLogsServiceRequest out;
  auto* rl = out.add_resource_logs();
  auto* sl = rl->add_scope_logs();
  fill_common(*rl->mutable_resource(), *sl->mutable_scope(), in.resource, in.scope);
  for (const auto& r : in.records) {
    auto* lr = sl->add_log_records();
    lr->set_time_unix_nano(r.time_unix_nano);
    lr->set_observed_time_unix_nano(r.observed_time_unix_nano);
    lr->set_severity_number(r.severity_number);
    lr->set_severity_text(r.severity_text);
    if (r.body) fill(*lr->mutable_body(), *r.body);
    fill_attributes(*lr->mutable_attributes(), r.attributes);
    lr->set_flags(r.flags);
    lr->set_trace_id(bytes(r.trace_id));
    lr->set_span_id(bytes(r.span_id));
  }
  return out;
}

inline pb::ExportTraceServiceRequest to_lite(const otlp::TracesRequest& in) {
  pb::ExportTraceServiceRequest out;
  auto* rs = out.add_resource_spans();
  auto* ss = rs->add_scope_spans();
  fill_common(*rs->mutable_resource(), *ss->mutable_scope(), in.resource, in.scope);
  for (const auto& s : in.spans) {
    auto* span = ss->add_spans();
    span->set_trace_id(bytes(s.trace_id));
    span->set_span_id(bytes(s.span_id));
    span->set_parent_span_id(bytes(s.parent_span_id));
    span->set_name(s.name);
    span->set_kind(static_cast<std::int32_t>(s.kind));
    span->set_start_time_unix_nano(s.start_time_unix_nano);
    span->set_end_time_unix_nano(s.end_time_unix_nano);
    fill_attributes(*span->mutable_attributes(), s.attributes);
    for (const auto& e : s.events) {
      auto* event = span->add_events();
      event->set_time_unix_nano(e.time_unix_nano);
      event->set_name(e.name);
      fill_attributes(*event->mutable_attributes(), e.attributes);
    }
    for (const auto& l : s.links) {
      auto* link = span->add_links();
      link->set_trace_id(bytes(l.trace_id));
      link->set_span_id(bytes(l.span_id));
      fill_attributes(*link->mutable_attributes(), l.attributes);
      link->set_flags(l.flags);
    }
    if (s.status.code != otlp::StatusCode::unset || !s.status.message.empty()) {
      span->mutable_status()->set_code(static_cast<std::int32_t>(s.status.code));
      span->mutable_status()->set_message(s.status.message);
    }
    span->set_flags(s.flags);
  }
  return out;
}

inline void fill(pb::NumberDataPoint& out, const otlp::NumberDataPoint& in) {
  fill_attributes(*out.mutable_attributes(), in.attributes);
  out.set_start_time_unix_nano(in.start_time_unix_nano);
  out.set_time_unix_nano(in.time_unix_nano);
  if (const auto* d = std::get_if<double>(&in.value)) {
    out.set_as_double(*d);
  } else {
    out.set_as_int(std::get<std::int64_t>(in.value));
  }
}

inline pb::ExportMetricsServiceRequest to_lite(const otlp::MetricsRequest& in) {
  pb::ExportMetricsServiceRequest out;
  auto* rm = out.add_resource_metrics();
  auto* sm = rm->add_scope_metrics();
  fill_common(*rm->mutable_resource(), *sm->mutable_scope(), in.resource, in.scope);
  for (const auto& m : in.metrics) {
    auto* metric = sm->add_metrics();
    metric->set_name(m.name);
    metric->set_description(m.description);
    metric->set_unit(m.unit);
    std::visit(
        [&](const auto& data) {
          using T = std::decay_t<decltype(data)>;
          if constexpr (std::is_same_v<T, otlp::Gauge>) {
            for (const auto& p : data.data_points) fill(*metric->mutable_gauge()->add_data_points(), p);
          } else if constexpr (std::is_same_v<T, otlp::Sum>) {
            auto* sum = metric->mutable_sum();
            for (const auto& p : data.data_points) fill(*sum->add_data_points(), p);
            sum->set_aggregation_temporality(static_cast<std::int32_t>(data.temporality));
            sum->set_is_monotonic(data.monotonic);
          } else {
            auto* histogram = metric->mutable_histogram();
            for (const auto& p : data.data_points) {
              auto* point = histogram->add_data_points();
              fill_attributes(*point->mutable_attributes(), p.attributes);
              point->set_start_time_unix_nano(p.start_time_unix_nano);
              point->set_time_unix_nano(p.time_unix_nano);
              point->set_count(p.count);
              if (p.sum) point->set_sum(*p.sum);
              for (const auto c : p.bucket_counts) point->add_bucket_counts(c);
              for (const auto b : p.explicit_bounds) point->add_explicit_bounds(b);
              if (p.min) point->set_min(*p.min);
              if (p.max) point->set_max(*p.max);
            }
            histogram->set_aggregation_temporality(static_cast<std::int32_t>(data.temporality));
          }
        },
        m.data);
  }
  return out;
}

}  // namespace lambda_relay::bench::lite
