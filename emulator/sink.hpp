// An embedded upstream for local runs: one loopback HTTP server that accepts anything lambda-relay
// delivers (Sentry, OTLP, Pyroscope, JSON batches) and counts it per path, so the main job needs no
// external service.
#pragma once

#include "net/http_server.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lambda_emulator {

class Sink {
 public:
  explicit Sink(boost::asio::any_io_executor executor);

  lambda_relay::Result<void> start();
  [[nodiscard]] std::string url() const;
  // Environment for the extensions: every upstream lambda-relay knows, pointed at this sink.
  [[nodiscard]] std::vector<std::string> environment() const;

  struct PathStats {
    int requests = 0;
    std::size_t bytes = 0;
  };
  [[nodiscard]] const std::map<std::string, PathStats>& by_path() const { return by_path_; }
  [[nodiscard]] int requests() const;
  [[nodiscard]] std::size_t bytes() const;

  // Freshness of JSON batches: for every invocation whose platform.start arrives, how many newer
  // invocations had started by then (0: it arrived during its own invocation or at SHUTDOWN after it).
  using StartedInvocations = std::function<const std::vector<std::string>&()>;
  void measure_freshness(StartedInvocations started) { started_ = std::move(started); }
  [[nodiscard]] const std::map<std::size_t, int>& invocations_late() const { return late_; }

 private:
  void record_freshness(std::string_view body);

  lambda_relay::net::HttpServer server_;
  StartedInvocations started_;
  std::map<std::size_t, int> late_;  // invocations late → count
  std::map<std::string, PathStats> by_path_;
  std::uint16_t port_ = 0;
};

}  // namespace lambda_emulator
