// The OTLP resource of everything lambda-relay exports: the function, per the OpenTelemetry FaaS and
// cloud semantic conventions (cloud.*, faas.*, aws.log.*), service.name, and the user's
// OTEL_RESOURCE_ATTRIBUTES.
#pragma once

#include "config/function_environment.hpp"
#include "config/otlp_config.hpp"
#include "export/otlp/model.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lambda_relay::otlp {

struct ResourceInfo {
  config::FunctionEnvironment function;          // the reserved variables (or what telemetry told)
  std::optional<std::string> service_name;       // OTEL_SERVICE_NAME
  config::HeaderList user_attributes;            // OTEL_RESOURCE_ATTRIBUTES
  std::optional<std::string> account_id;         // from registration, or from a function ARN
  std::optional<std::uint64_t> max_memory_bytes;  // platform.initStart instanceMaxMemory
};

// Attributes in a fixed order: service.name, cloud.provider, cloud.platform, cloud.region,
// cloud.account.id, faas.name, faas.version, faas.instance, faas.max_memory (bytes),
// aws.log.group.names, aws.log.stream.names; unknown ones are left out. OTEL_RESOURCE_ATTRIBUTES
// replaces detected values of the same key (the user knows better) and adds its other keys at the
// end; service.name is OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES', else the function name.
[[nodiscard]] Resource build_resource(const ResourceInfo& info);

// The account id in a Lambda ARN: "arn:aws:lambda:us-east-1:123456789012:function:f" → "123456789012".
[[nodiscard]] std::optional<std::string> account_id_of_arn(std::string_view arn);

}  // namespace lambda_relay::otlp
