#include "platform/platform_error.hpp"

#include <simdjson.h>

#include <fmt/format.h>

namespace lambda_relay::platform {

Error platform_error(const net::Response& response, std::string_view call) {
  std::string type = fmt::format("HTTP{}", response.result_int());
  std::string message = response.body();
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(response.body());
  auto doc = parser.iterate(padded);
  std::string_view field;
  if (!doc.error() && !doc["errorType"].get_string().get(field)) type = std::string(field);
  if (!doc.error() && !doc["errorMessage"].get_string().get(field)) message = std::string(field);
  return make_error(type, fmt::format("{} answered {}: {}", call, response.result_int(), message));
}

}  // namespace lambda_relay::platform
