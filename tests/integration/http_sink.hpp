// A local HTTP upstream for tests: runs on its own thread, records every request body it accepts,
// answers 200 (or, with `fail_every` n > 0, 503 to every n-th request, which it does not record).
#pragma once

#include "net/http_server.hpp"

#include <boost/asio/io_context.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lambda_relay::testing {

class HttpSink {
 public:
  explicit HttpSink(unsigned fail_every = 0);
  ~HttpSink();

  [[nodiscard]] std::string url(std::string_view path) const;
  // The bodies accepted so far, in arrival order.
  [[nodiscard]] std::vector<std::string> bodies() const;
  // The headers of the accepted requests, in the same order.
  [[nodiscard]] std::vector<net::http::fields> headers() const;
  // Their request targets (path and query), in the same order.
  [[nodiscard]] std::vector<std::string> targets() const;
  [[nodiscard]] std::size_t refused() const;

 private:
  boost::asio::io_context io_{1};
  net::HttpServer server_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::vector<net::http::fields> headers_;
  std::vector<std::string> targets_;
  unsigned fail_every_ = 0;
  std::size_t requests_ = 0;
  std::size_t refused_ = 0;
  std::thread thread_;
};

}  // namespace lambda_relay::testing
