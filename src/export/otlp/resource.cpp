#include "export/otlp/resource.hpp"

#include <algorithm>

namespace lambda_relay::otlp {
namespace {

constexpr std::uint64_t kBytesPerMb = 1024 * 1024;  // Lambda's "MB" are MiB

void put(Attributes& attributes, std::string key, AnyValue value) {
  const auto existing = std::find_if(attributes.begin(), attributes.end(), [&](const KeyValue& kv) { return kv.key == key; });
  if (existing != attributes.end()) {
    existing->value = std::move(value);
  } else {
    attributes.push_back(KeyValue{std::move(key), std::move(value)});
  }
}

void put_if(Attributes& attributes, std::string key, const std::string& value) {
  if (!value.empty()) attributes.push_back(attribute(std::move(key), value));
}

AnyValue string_array(const std::string& value) { return AnyValue{ArrayValue{{AnyValue{value}}}}; }

}  // namespace

std::optional<std::string> account_id_of_arn(std::string_view arn) {
  // arn:partition:service:region:account:resource...
  for (int field = 0; field < 4; ++field) {
    const auto colon = arn.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    arn.remove_prefix(colon + 1);
  }
  const auto account = arn.substr(0, arn.find(':'));
  if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::string(account);
}

Resource build_resource(const ResourceInfo& info) {
  const auto& function = info.function;
  Resource resource;
  auto& attributes = resource.attributes;

  std::string service_name = function.function_name.empty() ? "unknown_service" : function.function_name;
  for (const auto& [key, value] : info.user_attributes) {
    if (key == "service.name") service_name = value;
  }
  if (info.service_name) service_name = *info.service_name;
  attributes.push_back(attribute("service.name", service_name));

  attributes.push_back(attribute("cloud.provider", "aws"));
  attributes.push_back(attribute("cloud.platform", "aws_lambda"));
  put_if(attributes, "cloud.region", function.region);
  if (info.account_id) put_if(attributes, "cloud.account.id", *info.account_id);
  put_if(attributes, "faas.name", function.function_name);
  put_if(attributes, "faas.version", function.function_version);
  put_if(attributes, "faas.instance", function.log_stream);
  std::optional<std::uint64_t> max_memory = info.max_memory_bytes;
  if (function.memory_size_mb) max_memory = static_cast<std::uint64_t>(*function.memory_size_mb) * kBytesPerMb;
  if (max_memory) attributes.push_back(attribute("faas.max_memory", static_cast<std::int64_t>(*max_memory)));
  if (!function.log_group.empty()) attributes.push_back(KeyValue{"aws.log.group.names", string_array(function.log_group)});
  if (!function.log_stream.empty()) {
    attributes.push_back(KeyValue{"aws.log.stream.names", string_array(function.log_stream)});
  }

  for (const auto& [key, value] : info.user_attributes) {
    if (key != "service.name") put(attributes, key, AnyValue{value});
  }
  return resource;
}

}  // namespace lambda_relay::otlp
