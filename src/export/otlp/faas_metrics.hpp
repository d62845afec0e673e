// The FaaS metrics of the OpenTelemetry semantic conventions, aggregated from platform telemetry:
// counters faas.coldstarts, faas.invocations (successful ones), faas.errors, faas.timeouts and
// histograms faas.init_duration, faas.invoke_duration (s), faas.mem_usage (bytes), plus our own
// aws.lambda.billed_duration (s; not semconv). Cumulative since the first event.
#pragma once

#include "export/otlp/model.hpp"

#include <lambda_relay/telemetry.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace lambda_relay::otlp {

class FaasMetrics {
 public:
  FaasMetrics();

  void coldstart();
  // An invocation's outcome: success counts in faas.invocations, error and failure in faas.errors,
  // timeout in faas.timeouts.
  void invocation_outcome(telemetry::Status status);
  // A failed Init: faas.errors or faas.timeouts.
  void init_failure(telemetry::Status status);
  void init_duration(double seconds);
  void invoke_duration(double seconds);
  void memory_used(std::uint64_t bytes);
  void billed_duration(double seconds);

  // Start of the cumulative series (the first call wins).
  void start_at(std::uint64_t time_unix_nano);
  // Something changed since the last collect().
  [[nodiscard]] bool updated() const noexcept { return updated_; }
  // Every series (counters always, histograms once they have a value), at `time_unix_nano`.
  [[nodiscard]] std::vector<Metric> collect(std::uint64_t time_unix_nano);

 private:
  struct Distribution {
    std::span<const double> bounds;
    std::vector<std::uint64_t> counts;  // bounds.size() + 1
    std::uint64_t count = 0;
    double sum = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();

    explicit Distribution(std::span<const double> b) : bounds(b), counts(b.size() + 1, 0) {}
    void record(double value);
  };

  std::uint64_t start_ = 0;
  bool updated_ = false;
  std::int64_t coldstarts_ = 0;
  std::int64_t invocations_ = 0;
  std::int64_t errors_ = 0;
  std::int64_t timeouts_ = 0;
  Distribution init_duration_;
  Distribution invoke_duration_;
  Distribution memory_;
  Distribution billed_duration_;
};

}  // namespace lambda_relay::otlp
