#include "platform/telemetry_listener.hpp"

#include <lambda_relay/decode.hpp>

namespace lambda_relay::platform {

namespace {
// Lambda's batches are bounded by about 2 × maxBytes (1 MiB at most) plus envelopes.
constexpr std::size_t kMaxBatchBytes = 4 * 1024 * 1024;
}  // namespace

TelemetryListener::TelemetryListener(net::asio::any_io_executor executor, const log::Logger& logger,
                                     EventHandler on_event, BatchHandler on_batch_end)
    : logger_(logger),
      on_event_(std::move(on_event)),
      on_batch_end_(std::move(on_batch_end)),
      server_(std::move(executor),
              [this](net::Request& request) -> net::Awaitable<net::Response> { co_return receive(request); },
              net::ServerLimits{16 * 1024, kMaxBatchBytes}) {}

Result<net::tcp::endpoint> TelemetryListener::listen(const net::tcp::endpoint& endpoint) {
  auto bound = server_.listen(endpoint);
  if (bound) server_.start();
  return bound;
}

net::Response TelemetryListener::receive(const net::Request& request) {
  if (request.method() != net::http::verb::post) {
    return net::make_error_response(request, net::http::status::method_not_allowed, "MethodNotAllowed",
                                    "telemetry is delivered with POST");
  }
  auto summary = telemetry::decode(request.body(), [this](const telemetry::Event& event) { on_event_(event); });
  if (on_batch_end_) on_batch_end_();
  if (!summary) {
    logger_.warn("rejected a telemetry batch of {} bytes: {}", request.body().size(), summary.error().message);
    return net::make_error_response(request, net::http::status::bad_request, "InvalidBatch", summary.error().message);
  }
  if (!summary->errors.empty()) {
    const auto& first = summary->errors.front();
    logger_.warn("telemetry batch: {} event(s) could not be decoded and were skipped (first: event {} at byte {}: {})",
                 summary->errors.size(), first.index, first.offset, first.message);
  }
  return net::make_response(request, net::http::status::ok, "", "text/plain");
}

}  // namespace lambda_relay::platform
