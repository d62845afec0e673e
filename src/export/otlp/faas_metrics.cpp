#include "export/otlp/faas_metrics.hpp"

#include <algorithm>
#include <array>

namespace lambda_relay::otlp {
namespace {

// Semconv's advisory buckets for faas.*_duration, in seconds.
constexpr std::array<double, 14> kDurationBounds{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                 0.5,   0.75, 1,     2.5,  5,     7.5, 10};
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = 1024.0 * kMiB;
// faas.mem_usage: 16 MiB .. 8 GiB (opentelemetry-lambda's bounds, in bytes).
constexpr std::array<double, 13> kMemoryBounds{16 * kMiB, 32 * kMiB,  64 * kMiB, 128 * kMiB, 256 * kMiB,
                                               512 * kMiB, 768 * kMiB, 1 * kGiB,  2 * kGiB,   3 * kGiB,
                                               4 * kGiB,  6 * kGiB,   8 * kGiB};

Metric counter(std::string name, std::string description, std::string unit, std::int64_t value, std::uint64_t start,
               std::uint64_t now) {
  Sum sum;
  sum.temporality = Temporality::cumulative;
  sum.monotonic = true;
  sum.data_points.push_back(NumberDataPoint{{}, start, now, value});
  return Metric{std::move(name), std::move(description), std::move(unit), std::move(sum)};
}

}  // namespace

void FaasMetrics::Distribution::record(double value) {
  // Bucket i holds (bounds[i-1], bounds[i]]; the last one everything above the last bound.
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++counts[static_cast<std::size_t>(bucket)];
  ++count;
  sum += value;
  min = std::min(min, value);
  max = std::max(max, value);
}

FaasMetrics::FaasMetrics()
    : init_duration_(kDurationBounds),
      invoke_duration_(kDurationBounds),
      memory_(kMemoryBounds),
      billed_duration_(kDurationBounds) {}

void FaasMetrics::start_at(std::uint64_t time_unix_nano) {
  if (start_ == 0) start_ = time_unix_nano;
}

void FaasMetrics::coldstart() {
  ++coldstarts_;
  updated_ = true;
}

void FaasMetrics::invocation_outcome(telemetry::Status status) {
  switch (status) {
    case telemetry::Status::success: ++invocations_; break;
    case telemetry::Status::timeout: ++timeouts_; break;
    case telemetry::Status::error:
    case telemetry::Status::failure:
    case telemetry::Status::unknown: ++errors_; break;
  }
  updated_ = true;
}

void FaasMetrics::init_failure(telemetry::Status status) {
  if (status == telemetry::Status::success) return;
  if (status == telemetry::Status::timeout) {
    ++timeouts_;
  } else {
    ++errors_;
  }
  updated_ = true;
}

void FaasMetrics::init_duration(double seconds) {
  init_duration_.record(seconds);
  updated_ = true;
}

void FaasMetrics::invoke_duration(double seconds) {
  invoke_duration_.record(seconds);
  updated_ = true;
}

void FaasMetrics::memory_used(std::uint64_t bytes) {
  memory_.record(static_cast<double>(bytes));
  updated_ = true;
}

void FaasMetrics::billed_duration(double seconds) {
  billed_duration_.record(seconds);
  updated_ = true;
}

std::vector<Metric> FaasMetrics::collect(std::uint64_t now) {
  updated_ = false;
  const std::uint64_t start = start_ != 0 ? start_ : now;
  std::vector<Metric> metrics;
  metrics.push_back(counter("faas.coldstarts", "Number of invocation cold starts", "{coldstart}", coldstarts_, start, now));
  metrics.push_back(
      counter("faas.invocations", "Number of successful invocations", "{invocation}", invocations_, start, now));
  metrics.push_back(counter("faas.errors", "Number of invocation errors", "{error}", errors_, start, now));
  metrics.push_back(counter("faas.timeouts", "Number of invocation timeouts", "{timeout}", timeouts_, start, now));

  auto histogram = [&](std::string name, std::string description, std::string unit, const Distribution& d) {
    if (d.count == 0) return;
    HistogramDataPoint point;
    point.start_time_unix_nano = start;
    point.time_unix_nano = now;
    point.count = d.count;
    point.sum = d.sum;
    point.bucket_counts = d.counts;
    point.explicit_bounds.assign(d.bounds.begin(), d.bounds.end());
    point.min = d.min;
    point.max = d.max;
    Histogram h;
    h.temporality = Temporality::cumulative;
    h.data_points.push_back(std::move(point));
    metrics.push_back(Metric{std::move(name), std::move(description), std::move(unit), std::move(h)});
  };
  histogram("faas.init_duration", "Measures the duration of the function's initialization, such as a cold start", "s",
            init_duration_);
  histogram("faas.invoke_duration", "Measures the duration of the function's logic execution", "s", invoke_duration_);
  histogram("faas.mem_usage", "Distribution of max memory usage per invocation", "By", memory_);
  histogram("aws.lambda.billed_duration", "Billed duration of the invocation (not a semantic convention)", "s",
            billed_duration_);
  return metrics;
}

}  // namespace lambda_relay::otlp
