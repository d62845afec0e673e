// One Sentry error event per platform-detected failure, as an envelope ready to POST to the project's
// /api/<id>/envelope/ endpoint: envelope header (event_id, sent_at, dsn, sdk), one `event` item with
// its length, the event JSON. The event carries what Sentry's Lambda SDKs put in theirs — the
// `aws.lambda` and `aws.cloudwatch.logs` contexts in @sentry/aws-serverless's shape, `cloud_resource`,
// the trace context from the invocation's X-Ray id — plus the function's last log lines as breadcrumbs
// and a fingerprint per function and failure kind, so each kind of failure is one issue.
#pragma once

#include "config/function_environment.hpp"
#include "insight/failure.hpp"
#include "insight/redact.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_relay::exporters::sentry {

struct EventOptions {
  std::string dsn;                        // the envelope header's "dsn" (left out when empty)
  std::string environment = "production";  // SENTRY_ENVIRONMENT
  std::optional<std::string> release;      // SENTRY_RELEASE
  // Masks log lines and messages before they go into the event (nothing masked when null).
  const insight::Redactor* redactor = nullptr;
};

inline constexpr std::string_view kSdkName = "lambda-relay";
// "lambda-relay/<version>": the sentry_client of X-Sentry-Auth for the events lambda-relay makes.
[[nodiscard]] std::string sdk_client();

// "fatal" for init failures, out-of-memory, crashes and failed restores; "error" for timeouts,
// rejected responses and platform failures.
[[nodiscard]] std::string_view level_for(insight::FailureKind kind) noexcept;

// The event's exception type and value, e.g. {"Sandbox.Timedout", "Task timed out after 3.00 seconds"}.
struct ExceptionText {
  std::string type;
  std::string value;
};
[[nodiscard]] ExceptionText exception_text(const insight::Failure& failure);

// Sentry's `platform` for the runtime: "python:3.12.v48" → "python", "nodejs:22…" → "node",
// "provided:al2023…" → "native"; unknown → "other".
[[nodiscard]] std::string_view platform_for(std::optional<std::string_view> runtime_version,
                                            std::optional<std::string_view> execution_env) noexcept;

// @sentry/aws-serverless's CloudWatch Logs console link (filtered by the request id when there is one);
// the China and GovCloud partitions get their own console host.
[[nodiscard]] std::string cloudwatch_logs_url(std::string_view region, std::string_view log_group,
                                              std::string_view log_stream, std::optional<std::string_view> request_id);

// 16 hex characters derived from the request id: the span id of an invocation whose telemetry had no
// tracing.spanId, the same every time so repeated exports agree.
[[nodiscard]] std::string span_id_for(std::string_view request_id);

// 32 random lowercase hex characters (a UUID4 without dashes, as Sentry wants event ids).
[[nodiscard]] std::string new_event_id();

// The event JSON (compact, one line).
[[nodiscard]] std::string build_event(const insight::Failure& failure, const config::FunctionEnvironment& facts,
                                      const EventOptions& options, std::string_view event_id);

// The whole envelope. `sent_at` is when it is handed to delivery.
[[nodiscard]] std::string build_envelope(const insight::Failure& failure, const config::FunctionEnvironment& facts,
                                         const EventOptions& options, std::string_view event_id,
                                         std::chrono::system_clock::time_point sent_at);

}  // namespace lambda_relay::exporters::sentry
