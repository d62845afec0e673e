// Redaction throughput over realistic function log lines (what every exported log record goes through),
// and over a Sentry envelope (what every relayed envelope goes through). The line corpus mixes the
// managed runtimes' text formats, JSON-format records, access-log style lines with URLs, ids, times
// and numbers — 4,000 lines, about 0.5 MB:
//   - Clean: no secrets at all (the common case: it must cost little);
//   - Mixed: one line in 20 holds a secret (key, token, password in a URL, card number, e-mail);
//   - WithUserPatterns: Clean plus two LAMBDA_RELAY_REDACT patterns (POSIX extended, glibc regexec);
// SetBytesProcessed gives MB/s.
#include "insight/redact.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lambda_relay::insight::RedactOptions;
using lambda_relay::insight::Redactor;

constexpr std::size_t kLines = 4000;

std::string request_id(std::size_t i) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08zx-5b7d-4e9a-9c0b-%012zx", i * 2654435761U % 0xffffffffU, i * 40503U);
  return buffer;
}

std::string clean_line(std::size_t i) {
  const std::string id = request_id(i);
  const std::string time = "2025-06-10T14:03:" + std::to_string(10 + i % 50) + "." + std::to_string(100 + i % 900) + "Z";
  switch (i % 8) {
    case 0: return "[INFO]\t" + time + "\t" + id + "\tGET /orders/" + std::to_string(1000 + i) + " 200 in " + std::to_string(i % 97) + " ms";
    case 1: return time + "\t" + id + "\tINFO\tprocessed batch of " + std::to_string(i % 500) + " records from queue orders-events";
    case 2: return R"({"timestamp":")" + time + R"(","level":"INFO","requestId":")" + id +
                   R"(","message":"order placed","orderId":"ord_)" + std::to_string(i) + R"(","items":3,"total":59.97,"currency":"EUR"})";
    case 3: return "[WARNING]\t" + time + "\t" + id + "\tinventory service slow: 812 ms for sku A-" + std::to_string(i % 999) + " (retry 1/3)";
    case 4: return "10.0.3." + std::to_string(i % 250) + " - - [10/Jun/2025:14:03:11 +0000] \"GET https://api.example.com/v1/orders?page=" +
                   std::to_string(i % 20) + "&limit=50 HTTP/1.1\" 200 5312 \"-\" \"orders-web/4.2\"";
    case 5: return time + "\t" + id + "\tDEBUG\tcache hit ratio=0.93 keys=12873 evictions=41 memory=61.2MB uptime=3h12m";
    case 6: return "[ERROR]\t" + time + "\t" + id + "\tValueError: quantity must be positive, got -" + std::to_string(i % 9) +
                   "\nTraceback (most recent call last):\n  File \"/var/task/handler.py\", line 27, in lambda_handler";
    default: return "START RequestId: " + id + " Version: $LATEST trace=Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1";
  }
}

std::string secret_line(std::size_t i) {
  switch (i % 5) {
    case 0: return "[INFO]\tusing credentials AKIAIOSFODNN7EXAMPLE / aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    case 1: return "outgoing request Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    case 2: return "connecting to postgres://orders:s3cr3t-Pa55@db.internal:5432/orders (pool 10)";
    case 3: return R"({"level":"INFO","message":"charge","card":"4111 1111 1111 1111","email":"jane.doe@example.com"})";
    default: return "login ok user=jane password=hunter2 from 203.0.113.9";
  }
}

std::vector<std::string> corpus(bool with_secrets) {
  std::vector<std::string> lines;
  lines.reserve(kLines);
  for (std::size_t i = 0; i < kLines; ++i) lines.push_back(with_secrets && i % 20 == 7 ? secret_line(i / 20) : clean_line(i));
  return lines;
}

std::size_t bytes_of(const std::vector<std::string>& lines) {
  std::size_t total = 0;
  for (const auto& l : lines) total += l.size();
  return total;
}

void run(benchmark::State& state, const Redactor& redactor, const std::vector<std::string>& lines) {
  std::string scratch;
  std::size_t masked = 0;
  for (auto _ : state) {
    for (const auto& line : lines) {
      scratch.assign(line);
      masked += redactor.redact_text(scratch) ? 1U : 0U;
      benchmark::DoNotOptimize(scratch.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_of(lines)));
  state.counters["masked_lines_per_pass"] = static_cast<double>(masked) / static_cast<double>(state.iterations());
  state.counters["bytes_per_line"] = static_cast<double>(bytes_of(lines)) / static_cast<double>(lines.size());
}

void BM_RedactCleanLines(benchmark::State& state) { run(state, Redactor(), corpus(false)); }
BENCHMARK(BM_RedactCleanLines);

void BM_RedactMixedLines(benchmark::State& state) { run(state, Redactor(), corpus(true)); }
BENCHMARK(BM_RedactMixedLines);

// The floor: copying the lines without looking at them.
void BM_CopyLinesOnly(benchmark::State& state) {
  const auto lines = corpus(false);
  std::string scratch;
  for (auto _ : state) {
    for (const auto& line : lines) {
      scratch.assign(line);
      benchmark::DoNotOptimize(scratch.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_of(lines)));
}
BENCHMARK(BM_CopyLinesOnly);

void BM_RedactCleanLinesWithUserPatterns(benchmark::State& state) {
  RedactOptions options;
  options.patterns = {R"(cust_[0-9a-f]{16})", R"(ssn=(\d{3}-\d{2}-\d{4}))"};
  auto redactor = Redactor::create(options);
  if (!redactor) {
    state.SkipWithError("patterns do not compile");
    return;
  }
  run(state, *redactor, corpus(false));
}
BENCHMARK(BM_RedactCleanLinesWithUserPatterns);

std::string read_envelope() {
  const auto path = std::filesystem::path(LAMBDA_RELAY_SHARED_DIR) / "spec" / "samples-upstream" /
                    "sentry-python-lambda-error.envelope";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A relayed sentry-python error envelope (4.5 KB: event with frames, request, extra; a client report).
void BM_ScrubSentryEnvelope(benchmark::State& state) {
  const std::string envelope = read_envelope();
  if (envelope.empty()) {
    state.SkipWithError("shared sample envelope not found");
    return;
  }
  const Redactor redactor;
  std::string scratch;
  for (auto _ : state) {
    scratch = envelope;
    auto result = redactor.scrub_envelope(scratch);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(envelope.size()));
}
BENCHMARK(BM_ScrubSentryEnvelope);

}  // namespace

BENCHMARK_MAIN();
