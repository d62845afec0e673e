#include "http_sink.hpp"

#include <stdexcept>

namespace lambda_relay::testing {

HttpSink::HttpSink(unsigned fail_every)
    : server_(io_.get_executor(), [this](net::Request& request) -> net::Awaitable<net::Response> {
        bool fail = false;
        {
          std::lock_guard lock(mutex_);
          fail = fail_every_ > 0 && ++requests_ % fail_every_ == 0;
          if (fail) {
            ++refused_;
          } else {
            bodies_.push_back(request.body());
            headers_.push_back(request.base());
            targets_.emplace_back(request.target());
          }
        }
        co_return net::make_response(request, fail ? net::http::status::service_unavailable : net::http::status::ok, "{}");
      }, net::ServerLimits{16 * 1024, 64 * 1024 * 1024}),
      fail_every_(fail_every) {
  auto bound = server_.listen({boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  if (!bound) throw std::runtime_error(bound.error().message);
  port_ = bound->port();
  server_.start();
  thread_ = std::thread([this] { io_.run(); });
}

HttpSink::~HttpSink() {
  boost::asio::post(io_, [this] { server_.stop(); });
  io_.stop();
  thread_.join();
}

std::string HttpSink::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<std::string> HttpSink::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

std::vector<net::http::fields> HttpSink::headers() const {
  std::lock_guard lock(mutex_);
  return headers_;
}

std::vector<std::string> HttpSink::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

std::size_t HttpSink::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace lambda_relay::testing
