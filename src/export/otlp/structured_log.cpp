#include "export/otlp/structured_log.hpp"

#include <simdjson.h>

#include <array>

namespace lambda_relay::otlp {
namespace {

constexpr std::size_t kMaxStructuredRecord = 64 * 1024;

constexpr std::array<std::string_view, 6> kFieldsElsewhere{"level", "message", "timestamp", "requestId",
                                                           "AWSRequestId", "type"};

bool elsewhere(std::string_view key) {
  for (const auto field : kFieldsElsewhere) {
    if (key == field) return true;
  }
  return false;
}

std::optional<AnyValue> value_of(simdjson::dom::element element) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::STRING: {
      std::string_view text;
      if (element.get(text) != simdjson::SUCCESS) return std::nullopt;
      return AnyValue{std::string(text)};
    }
    case element_type::INT64: {
      std::int64_t number = 0;
      if (element.get(number) != simdjson::SUCCESS) return std::nullopt;
      return AnyValue{number};
    }
    case element_type::UINT64:  // above INT64_MAX: only a double can hold it
    case element_type::DOUBLE: {
      double number = 0;
      if (element.get(number) != simdjson::SUCCESS) return std::nullopt;
      return AnyValue{number};
    }
    case element_type::BOOL: {
      bool flag = false;
      if (element.get(flag) != simdjson::SUCCESS) return std::nullopt;
      return AnyValue{flag};
    }
    case element_type::NULL_VALUE: return std::nullopt;
    case element_type::ARRAY:
    case element_type::OBJECT: return AnyValue{simdjson::minify(element)};
  }
  return std::nullopt;
}

}  // namespace

Attributes structured_log_attributes(std::string_view json) {
  // The parser keeps its buffers for the next record: bounded, so one huge line cannot pin megabytes.
  // Longer records keep their body but get no attributes.
  thread_local simdjson::dom::parser parser(kMaxStructuredRecord);
  Attributes attributes;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) return attributes;
  for (const auto field : object) {
    if (elsewhere(field.key)) continue;
    if (auto value = value_of(field.value)) attributes.push_back(KeyValue{std::string(field.key), std::move(*value)});
  }
  return attributes;
}

}  // namespace lambda_relay::otlp
