#include "otlp_wire.hpp"

#include "../unit/proto_reader.hpp"

#include <fmt/format.h>

#include <bit>
#include <functional>

namespace lambda_relay::testing::otlp_wire {
namespace {

using test::read_fields;
using test::WireField;

// Calls `on_field` for every field of `message`; false when it is not well-formed (or on_field says so).
bool each_field(std::string_view message, const std::function<bool(const WireField&)>& on_field) {
  const auto fields = read_fields(message);
  if (!fields) return false;
  for (const auto& f : *fields) {
    if (!on_field(f)) return false;
  }
  return true;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

double as_double(std::uint64_t bits) { return std::bit_cast<double>(bits); }

std::optional<std::string> any_value_text(std::string_view any) {
  std::optional<std::string> text;
  const bool ok = each_field(any, [&](const WireField& f) {
    switch (f.number) {
      case 1: text = std::string(f.bytes); break;
      case 2: text = f.value != 0 ? "true" : "false"; break;
      case 3: text = std::to_string(static_cast<std::int64_t>(f.value)); break;
      case 4: text = fmt::format("{:g}", as_double(f.value)); break;
      case 5: text = "<array>"; break;
      case 6: text = "<kvlist>"; break;
      case 7: text = "<bytes>"; break;
      default: break;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  return text.value_or("");
}

bool add_attribute(std::string_view key_value, Attributes& out) {
  std::string key;
  std::optional<std::string> value = std::string();
  const bool ok = each_field(key_value, [&](const WireField& f) {
    if (f.number == 1) key = std::string(f.bytes);
    if (f.number == 2) value = any_value_text(f.bytes);
    return value.has_value();
  });
  if (!ok || !value) return false;
  out[key] = *value;
  return true;
}

bool read_resource(std::string_view resource, Attributes& out) {
  return each_field(resource, [&](const WireField& f) { return f.number != 1 || add_attribute(f.bytes, out); });
}

// Walks request → resource_* (1) → scope_* (2) → item (2), calling `on_item` with each item and the
// attributes of its resource.
bool each_item(std::string_view body, const std::function<bool(std::string_view, const Attributes&)>& on_item) {
  return each_field(body, [&](const WireField& top) {
    if (top.number != 1) return true;
    Attributes resource;
    std::vector<std::string_view> scopes;
    const bool ok = each_field(top.bytes, [&](const WireField& f) {
      if (f.number == 1) return read_resource(f.bytes, resource);
      if (f.number == 2) scopes.push_back(f.bytes);
      return true;
    });
    if (!ok) return false;
    for (const auto scope : scopes) {
      const bool scope_ok = each_field(scope, [&](const WireField& f) { return f.number != 2 || on_item(f.bytes, resource); });
      if (!scope_ok) return false;
    }
    return true;
  });
}

bool read_log_record(std::string_view bytes, const Attributes& resource, std::vector<LogRecord>& out) {
  LogRecord r;
  r.resource = resource;
  const bool ok = each_field(bytes, [&](const WireField& f) {
    switch (f.number) {
      case 1: r.time_unix_nano = f.value; break;
      case 2: r.severity_number = static_cast<int>(f.value); break;
      case 3: r.severity_text = std::string(f.bytes); break;
      case 5: {
        auto body = any_value_text(f.bytes);
        if (!body) return false;
        r.body = std::move(*body);
        break;
      }
      case 6: return add_attribute(f.bytes, r.attributes);
      case 9: r.trace_id = hex(f.bytes); break;
      case 10: r.span_id = hex(f.bytes); break;
      default: break;
    }
    return true;
  });
  if (ok) out.push_back(std::move(r));
  return ok;
}

bool read_span(std::string_view bytes, const Attributes& resource, std::vector<Span>& out) {
  Span s;
  s.resource = resource;
  const bool ok = each_field(bytes, [&](const WireField& f) {
    switch (f.number) {
      case 1: s.trace_id = hex(f.bytes); break;
      case 2: s.span_id = hex(f.bytes); break;
      case 4: s.parent_span_id = hex(f.bytes); break;
      case 5: s.name = std::string(f.bytes); break;
      case 6: s.kind = static_cast<int>(f.value); break;
      case 7: s.start_unix_nano = f.value; break;
      case 8: s.end_unix_nano = f.value; break;
      case 9: return add_attribute(f.bytes, s.attributes);
      case 15:
        return each_field(f.bytes, [&](const WireField& status) {
          if (status.number == 2) s.status_message = std::string(status.bytes);
          if (status.number == 3) s.status_code = static_cast<int>(status.value);
          return true;
        });
      default: break;
    }
    return true;
  });
  if (ok) out.push_back(std::move(s));
  return ok;
}

bool read_number_point(std::string_view bytes, MetricPoint point, std::vector<MetricPoint>& out) {
  const bool ok = each_field(bytes, [&](const WireField& f) {
    if (f.number == 2) point.start_unix_nano = f.value;
    if (f.number == 3) point.time_unix_nano = f.value;
    if (f.number == 4) point.value = static_cast<std::int64_t>(as_double(f.value));
    if (f.number == 6) point.value = static_cast<std::int64_t>(f.value);
    return true;
  });
  if (ok) out.push_back(std::move(point));
  return ok;
}

bool read_histogram_point(std::string_view bytes, MetricPoint point, std::vector<MetricPoint>& out) {
  point.histogram = true;
  const bool ok = each_field(bytes, [&](const WireField& f) {
    if (f.number == 2) point.start_unix_nano = f.value;
    if (f.number == 3) point.time_unix_nano = f.value;
    if (f.number == 4) point.count = f.value;
    if (f.number == 5) point.sum = as_double(f.value);
    if (f.number == 11) point.min = as_double(f.value);
    if (f.number == 12) point.max = as_double(f.value);
    return true;
  });
  if (ok) out.push_back(std::move(point));
  return ok;
}

bool read_metric(std::string_view bytes, const Attributes& resource, std::vector<MetricPoint>& out) {
  MetricPoint proto;
  proto.resource = resource;
  std::vector<WireField> data;
  const bool ok = each_field(bytes, [&](const WireField& f) {
    if (f.number == 1) proto.name = std::string(f.bytes);
    if (f.number == 3) proto.unit = std::string(f.bytes);
    if (f.number == 5 || f.number == 7 || f.number == 9) data.push_back(f);
    return true;
  });
  if (!ok) return false;
  for (const auto& d : data) {
    const bool points_ok = each_field(d.bytes, [&](const WireField& f) {
      if (f.number != 1) return true;
      return d.number == 9 ? read_histogram_point(f.bytes, proto, out) : read_number_point(f.bytes, proto, out);
    });
    if (!points_ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<LogRecord>> decode_logs(std::string_view body) {
  std::vector<LogRecord> out;
  if (!each_item(body, [&](std::string_view item, const Attributes& resource) { return read_log_record(item, resource, out); })) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<Span>> decode_traces(std::string_view body) {
  std::vector<Span> out;
  if (!each_item(body, [&](std::string_view item, const Attributes& resource) { return read_span(item, resource, out); })) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<MetricPoint>> decode_metrics(std::string_view body) {
  std::vector<MetricPoint> out;
  if (!each_item(body, [&](std::string_view item, const Attributes& resource) { return read_metric(item, resource, out); })) {
    return std::nullopt;
  }
  return out;
}

}  // namespace lambda_relay::testing::otlp_wire
