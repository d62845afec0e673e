#include "net/dns_resolver.hpp"

#include <ares.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

namespace lambda_relay::net {

struct PendingLookup;

// Bridges c-ares' "watch this socket" callbacks to Asio: each socket c-ares opens gets a
// stream_descriptor whose readiness waits call ares_process_fd; one timer drives c-ares' timeouts.
struct DnsResolver::State : std::enable_shared_from_this<DnsResolver::State> {
  struct Watch {
    std::unique_ptr<asio::posix::stream_descriptor> descriptor;
    bool want_read = false;
    bool want_write = false;
    bool read_pending = false;
    bool write_pending = false;
  };

  asio::any_io_executor executor;
  ares_channel channel = nullptr;
  std::map<ares_socket_t, Watch> watches;
  // Lookups in flight are owned here, not by the awaiting coroutine, so that a callback c-ares runs
  // late (cancellation at destruction) never touches a destroyed frame.
  std::vector<std::shared_ptr<PendingLookup>> pending;
  asio::steady_timer timeout_timer;
  int init_status = ARES_SUCCESS;

  explicit State(asio::any_io_executor ex) : executor(ex), timeout_timer(ex) {}
  bool ensure_channel();

  ~State() {
    for (auto& [fd, watch] : watches) {
      if (watch.descriptor) (void)watch.descriptor->release();  // c-ares owns and closes its sockets
    }
    if (channel != nullptr) ares_destroy(channel);
  }

  void on_socket_state(ares_socket_t fd, bool readable, bool writable) {
    if (!readable && !writable) {
      auto it = watches.find(fd);
      if (it != watches.end()) {
        boost::system::error_code ignored;
        it->second.descriptor->cancel(ignored);
        (void)it->second.descriptor->release();
        watches.erase(it);
      }
      return;
    }
    auto& watch = watches[fd];
    if (!watch.descriptor) watch.descriptor = std::make_unique<asio::posix::stream_descriptor>(executor, fd);
    watch.want_read = readable;
    watch.want_write = writable;
    arm(fd);
  }

  void arm(ares_socket_t fd) {
    auto it = watches.find(fd);
    if (it == watches.end()) return;
    auto& watch = it->second;
    auto self = shared_from_this();
    if (watch.want_read && !watch.read_pending) {
      watch.read_pending = true;
      watch.descriptor->async_wait(asio::posix::descriptor_base::wait_read,
                                   [self, fd](const boost::system::error_code& ec) {
                                     auto w = self->watches.find(fd);
                                     if (w != self->watches.end()) w->second.read_pending = false;
                                     if (ec) return;
                                     ares_process_fd(self->channel, fd, ARES_SOCKET_BAD);
                                     self->arm(fd);
                                     self->schedule_timeout();
                                   });
    }
    if (watch.want_write && !watch.write_pending) {
      watch.write_pending = true;
      watch.descriptor->async_wait(asio::posix::descriptor_base::wait_write,
                                   [self, fd](const boost::system::error_code& ec) {
                                     auto w = self->watches.find(fd);
                                     if (w != self->watches.end()) w->second.write_pending = false;
                                     if (ec) return;
                                     ares_process_fd(self->channel, ARES_SOCKET_BAD, fd);
                                     self->arm(fd);
                                     self->schedule_timeout();
                                   });
    }
  }

  void schedule_timeout() {
    timeval tv{};
    if (ares_timeout(channel, nullptr, &tv) == nullptr) return;  // nothing pending
    timeout_timer.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    timeout_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      self->schedule_timeout();
    });
  }
};

struct PendingLookup {
  asio::steady_timer done;
  bool finished = false;
  Result<std::vector<tcp::endpoint>> result = make_error("dns", "lookup did not complete");
  explicit PendingLookup(const asio::any_io_executor& ex) : done(ex, std::chrono::steady_clock::time_point::max()) {}
};

namespace {

void library_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* info) {
  auto* lookup = static_cast<PendingLookup*>(arg);
  if (status != ARES_SUCCESS) {
    lookup->result = make_error("dns", ares_strerror(status));
  } else {
    std::vector<tcp::endpoint> endpoints;
    for (auto* node = info->nodes; node != nullptr; node = node->ai_next) {
      if (node->ai_family == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, node->ai_addr, sizeof sin);
        asio::ip::address_v4::bytes_type bytes;
        std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
        endpoints.emplace_back(asio::ip::address_v4(bytes), ntohs(sin.sin_port));
      } else if (node->ai_family == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, node->ai_addr, sizeof sin6);
        asio::ip::address_v6::bytes_type bytes;
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        endpoints.emplace_back(asio::ip::address_v6(bytes, sin6.sin6_scope_id), ntohs(sin6.sin6_port));
      }
    }
    if (endpoints.empty()) {
      lookup->result = make_error("dns", "no addresses");
    } else {
      lookup->result = std::move(endpoints);
    }
  }
  if (info != nullptr) ares_freeaddrinfo(info);
  lookup->finished = true;
  lookup->done.cancel();
}

}  // namespace

DnsResolver::DnsResolver(asio::any_io_executor executor) : state_(std::make_shared<State>(executor)) {}

// The channel is created on the first lookup of a name: an extension that only talks to IP literals
// (AWS_LAMBDA_RUNTIME_API is one) never reads resolv.conf at start-up.
bool DnsResolver::State::ensure_channel() {
  if (channel != nullptr) return true;
  if (init_status != ARES_SUCCESS) return false;
  library_init_once();
  ares_options options{};
  options.sock_state_cb = [](void* data, ares_socket_t fd, int readable, int writable) {
    static_cast<State*>(data)->on_socket_state(fd, readable != 0, writable != 0);
  };
  options.sock_state_cb_data = this;
  options.timeout = 2000;  // ms per try; c-ares retries per resolv.conf
  options.tries = 2;
  init_status = ares_init_options(&channel, &options, ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (init_status != ARES_SUCCESS) channel = nullptr;
  return init_status == ARES_SUCCESS;
}

DnsResolver::~DnsResolver() {
  if (state_->channel != nullptr) ares_cancel(state_->channel);
}

Awaitable<Result<std::vector<tcp::endpoint>>> DnsResolver::resolve(std::string host, std::uint16_t port) {
  boost::system::error_code parse_ec;
  const auto literal = asio::ip::make_address(host, parse_ec);
  if (!parse_ec) co_return std::vector<tcp::endpoint>{tcp::endpoint(literal, port)};

  if (!state_->ensure_channel()) {
    co_return make_error("dns", fmt::format("resolver unavailable: {}", ares_strerror(state_->init_status)));
  }
  auto state = state_;  // keep the channel alive while this lookup runs
  auto lookup = std::make_shared<PendingLookup>(state->executor);
  state->pending.push_back(lookup);
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = ARES_AI_NUMERICSERV;  // never getservbyname(): NSS in a static binary
  const std::string service = std::to_string(port);
  ares_getaddrinfo(state->channel, host.c_str(), service.c_str(), &hints, on_addrinfo, lookup.get());
  state->schedule_timeout();
  if (!lookup->finished) {
    (void)co_await lookup->done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  std::erase(state->pending, lookup);
  if (!lookup->result) {
    co_return make_error("dns", fmt::format("cannot resolve {}: {}", host, lookup->result.error().message));
  }
  co_return std::move(lookup->result);
}

}  // namespace lambda_relay::net
