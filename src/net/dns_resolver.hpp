// Asynchronous name resolution with c-ares on the caller's executor. A static glibc binary cannot use
// getaddrinfo (NSS needs shared libraries), and c-ares reads /etc/hosts and /etc/resolv.conf itself,
// so this works in an empty chroot. IP literals never touch c-ares.
#pragma once

#include "net/http.hpp"

#include <lambda_relay/result.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lambda_relay::net {

class DnsResolver {
 public:
  explicit DnsResolver(asio::any_io_executor executor);
  ~DnsResolver();
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  Awaitable<Result<std::vector<tcp::endpoint>>> resolve(std::string host, std::uint16_t port);

  struct State;  // c-ares channel and the sockets it watches (defined in the .cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lambda_relay::net
