// Runtime API (2018-06-01): invocation/next with every header Lambda sends, response, error (type from
// Lambda-Runtime-Function-Error-Type, else from the body: aws-lambda-ric sends only the body), init/error.
#include "platform_api.hpp"

#include <simdjson.h>

#include <fmt/format.h>

namespace lambda_emulator {
namespace {

namespace http = net::http;

// RIE's rule for runtime-supplied error types: (Runtime|Function)\.[A-Z][a-zA-Z]+, else *.Unknown.
std::string validated_header_type(std::string_view type) {
  const bool function = type.starts_with("Function.");
  if (!type.starts_with("Runtime.") && !function) return "Runtime.Unknown";
  const auto rest = type.substr(type.find('.') + 1);
  bool valid = rest.size() >= 2 && rest[0] >= 'A' && rest[0] <= 'Z';  // [A-Z][a-zA-Z]+: two letters at least
  for (char c : rest) valid = valid && std::isalpha(static_cast<unsigned char>(c));
  if (valid) return std::string(type);
  return function ? "Function.Unknown" : "Runtime.Unknown";
}

ErrorReport error_report(const net::Request& request) {
  ErrorReport report;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(request.body());
  simdjson::ondemand::document doc;
  std::string_view text;
  if (!parser.iterate(padded).get(doc)) {
    if (!doc["errorType"].get_string().get(text)) report.type = std::string(text);
    if (!doc["errorMessage"].get_string().get(text)) report.message = std::string(text);
  }
  if (const auto header = request.find("Lambda-Runtime-Function-Error-Type"); header != request.end()) {
    report.type = validated_header_type(header->value());
  }
  if (report.type.empty()) report.type = "Runtime.Unknown";
  return report;
}

net::Response accepted(const net::Request& request) {
  return net::make_response(request, http::status::accepted, R"({"status":"OK"})");
}

net::Response invocation_response(const net::Request& request, const Invocation& invocation,
                                  const FunctionConfig& function) {
  auto response = net::make_response(request, http::status::ok, invocation.payload);
  response.set("Lambda-Runtime-Aws-Request-Id", invocation.request_id);
  response.set("Lambda-Runtime-Deadline-Ms",
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  invocation.deadline.time_since_epoch()).count()));
  response.set("Lambda-Runtime-Invoked-Function-Arn", function.arn());
  response.set("Lambda-Runtime-Trace-Id", invocation.trace_header);
  return response;
}

}  // namespace

net::Awaitable<net::Response> PlatformApi::runtime_next(net::Request& request) {
  auto& runtime = state_.runtime;
  // Calling next means the previous invocation is finished (or, the first time, that Init is done).
  if (runtime.current && !runtime.current->runtime_done_at) runtime.current->runtime_done_at = Clock::now();
  runtime.current.reset();
  runtime.in_next = true;
  runtime.ever_called_next = true;
  changed_.notify();

  const auto process = runtime.process;
  co_await changed_.wait_until([&] { return runtime.pending != nullptr || (process && process->exited); });
  runtime.in_next = false;
  if (!runtime.pending) {
    co_return net::make_error_response(request, http::status::internal_server_error, "Runtime.Gone", "sandbox reset");
  }
  runtime.current = std::move(runtime.pending);
  runtime.current->delivered_at = Clock::now();
  changed_.notify();
  co_return invocation_response(request, *runtime.current, state_.function);
}

net::Response PlatformApi::runtime_response(net::Request& request, std::string_view request_id) {
  auto& current = state_.runtime.current;
  if (!current || current->request_id != request_id || current->response || current->error) {
    return net::make_error_response(request, http::status::bad_request, "InvalidRequestID",
                                    fmt::format("Invalid request ID: \"{}\"", request_id));
  }
  current->response = request.body();
  current->produced_bytes = request.body().size();
  current->response_at = Clock::now();
  changed_.notify();
  return accepted(request);
}

net::Response PlatformApi::runtime_error(net::Request& request, std::string_view request_id) {
  auto& current = state_.runtime.current;
  if (!current || current->request_id != request_id || current->response || current->error) {
    return net::make_error_response(request, http::status::bad_request, "InvalidRequestID",
                                    fmt::format("Invalid request ID: \"{}\"", request_id));
  }
  current->error = error_report(request);
  current->response = request.body();
  current->response_at = Clock::now();
  changed_.notify();
  return accepted(request);
}

net::Response PlatformApi::runtime_init_error(net::Request& request) {
  if (!state_.init_open) {
    return net::make_error_response(request, http::status::forbidden, "InvalidStateTransition",
                                    "init/error outside Init");
  }
  state_.runtime.init_error = error_report(request);
  changed_.notify();
  return accepted(request);
}

}  // namespace lambda_emulator
