// A local HTTP upstream for tests: runs on its own thread, records every request body, answers 200.
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
  HttpSink();
  ~HttpSink();

  [[nodiscard]] std::string url(std::string_view path) const;
  // The bodies received so far, in arrival order.
  [[nodiscard]] std::vector<std::string> bodies() const;

 private:
  boost::asio::io_context io_{1};
  net::HttpServer server_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

}  // namespace lambda_relay::testing
