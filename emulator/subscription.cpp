#include "subscription.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace lambda_emulator {
namespace {

using lambda_relay::Error;
using lambda_relay::make_error;
using lambda_relay::Result;

Error invalid(std::string message) { return make_error("ValidationError", std::move(message)); }

Result<int> bounded(simdjson::ondemand::value value, std::string_view name, int min, int max) {
  std::int64_t n = 0;
  if (value.get_int64().get(n)) return invalid(fmt::format("buffering.{} must be an integer", name));
  if (n < min || n > max) {
    return invalid(fmt::format("buffering.{} must be between {} and {}, got {}", name, min, max, n));
  }
  return static_cast<int>(n);
}

// http://sandbox.localdomain:PORT[/path]
Result<void> parse_uri(std::string_view uri, Subscription& out) {
  constexpr std::string_view scheme = "http://";
  if (!uri.starts_with(scheme)) return invalid(fmt::format("destination URI \"{}\" must use http://", uri));
  auto rest = uri.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) return invalid("URI port is not provided");
  out.host = std::string(authority.substr(0, colon));
  if (out.host != "sandbox.localdomain" && out.host != "sandbox") {
    return invalid(fmt::format("URI host must be sandbox.localdomain, got \"{}\"", out.host));
  }
  const auto port_text = authority.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return invalid(fmt::format("URI port \"{}\" is not a port number", port_text));
  }
  if (port == 9001) return invalid("URI port 9001 is reserved for the Lambda APIs");
  out.port = static_cast<std::uint16_t>(port);
  return {};
}

Result<void> parse_destination(simdjson::ondemand::object destination, Subscription& out) {
  std::string_view protocol;
  std::string_view uri;
  bool has_uri = false;
  std::int64_t port = -1;
  for (auto field : destination) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return invalid("destination is not valid JSON");
    if (key == "protocol") {
      if (field.value().get_string().get(protocol)) return invalid("destination.protocol must be a string");
    } else if (key == "URI") {
      if (field.value().get_string().get(uri)) return invalid("destination.URI must be a string");
      has_uri = true;
    } else if (key == "port") {
      if (field.value().get_int64().get(port)) return invalid("destination.port must be an integer");
    }  // method, encoding: accepted and ignored
  }
  if (protocol == "HTTP") {
    out.protocol = DeliveryProtocol::http;
    if (!has_uri) return invalid("destination.URI is required for HTTP");
    return parse_uri(uri, out);
  }
  if (protocol == "TCP") {
    out.protocol = DeliveryProtocol::tcp;
    if (port < 0 && has_uri) return parse_uri(uri, out);
    if (port < 1 || port > 65535) return invalid("destination.port must be between 1 and 65535 for TCP");
    if (port == 9001) return invalid("destination.port 9001 is reserved for the Lambda APIs");
    out.host = "sandbox.localdomain";
    out.port = static_cast<std::uint16_t>(port);
    return {};
  }
  return invalid(fmt::format("destination.protocol must be HTTP or TCP, got \"{}\"", protocol));
}

Result<Subscription> parse(std::string_view body, SubscriptionApi api) {
  Subscription out;
  out.api = api;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) {
    return invalid("request body is not a JSON object");
  }
  bool has_types = false;
  bool has_destination = false;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return invalid("request body is not valid JSON");
    if (key == "schemaVersion") {
      std::string_view version;
      if (field.value().get_string().get(version)) return invalid("schemaVersion must be a string");
      out.schema_version = std::string(version);
    } else if (key == "types") {
      simdjson::ondemand::array types;
      if (field.value().get_array().get(types)) return invalid("types must be an array");
      has_types = true;
      for (auto item : types) {
        std::string_view type;
        if (item.get_string().get(type)) return invalid("types must hold strings");
        if (type == "platform") out.platform = true;
        else if (type == "function") out.function = true;
        else if (type == "extension") out.extension = true;
        else return invalid(fmt::format("unknown type \"{}\" (platform, function, extension)", type));
        out.types.emplace_back(type);
      }
    } else if (key == "buffering") {
      simdjson::ondemand::object buffering;
      if (field.value().get_object().get(buffering)) return invalid("buffering must be an object");
      for (auto b : buffering) {
        std::string_view bkey;
        if (b.unescaped_key().get(bkey)) return invalid("buffering is not valid JSON");
        simdjson::ondemand::value value;
        if (b.value().get(value)) return invalid("buffering is not valid JSON");
        Result<int> parsed = 0;
        if (bkey == "maxItems") {
          parsed = bounded(value, bkey, kMinBuffering.max_items, kMaxBuffering.max_items);
          if (parsed) out.buffering.max_items = *parsed;
        } else if (bkey == "maxBytes") {
          parsed = bounded(value, bkey, kMinBuffering.max_bytes, kMaxBuffering.max_bytes);
          if (parsed) out.buffering.max_bytes = *parsed;
        } else if (bkey == "timeoutMs") {
          parsed = bounded(value, bkey, kMinBuffering.timeout_ms, kMaxBuffering.timeout_ms);
          if (parsed) out.buffering.timeout_ms = *parsed;
        }
        if (!parsed) return parsed.error();
      }
    } else if (key == "destination") {
      simdjson::ondemand::object destination;
      if (field.value().get_object().get(destination)) return invalid("destination must be an object");
      if (auto d = parse_destination(destination, out); !d) return d.error();
      has_destination = true;
    }
  }
  if (!has_types || out.types.empty()) return invalid("types should not be empty");
  if (!has_destination) return invalid("destination is required");
  return out;
}

}  // namespace

Result<Subscription> parse_telemetry_subscription(std::string_view body, const std::vector<std::string>& accepted) {
  auto parsed = parse(body, SubscriptionApi::telemetry);
  if (!parsed) return parsed;
  const auto& v = parsed->schema_version;
  if (std::find(accepted.begin(), accepted.end(), v) == accepted.end()) {
    return invalid(fmt::format("unsupported schemaVersion \"{}\" ({})", v, fmt::join(accepted, ", ")));
  }
  return parsed;
}

Result<Subscription> parse_logs_subscription(std::string_view body) {
  auto parsed = parse(body, SubscriptionApi::logs);
  if (!parsed) return parsed;
  auto& v = parsed->schema_version;
  if (v.empty()) v = "2020-08-15";
  if (v != "2020-08-15" && v != "2021-03-18") {
    return invalid(fmt::format("unsupported schemaVersion \"{}\" (2020-08-15, 2021-03-18)", v));
  }
  return parsed;
}

}  // namespace lambda_emulator
