#include "chaos_upstream.hpp"

#include "net/http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace lambda_relay::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

// Closing with a zero linger time sends RST instead of FIN: the client sees "connection reset by peer".
void reset(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace

ChaosScript& ChaosScript::answer(unsigned status, int requests) {
  ChaosPhase phase;
  phase.kind = ChaosPhase::Kind::answer;
  phase.status = status;
  phase.requests = requests;
  phases.push_back(std::move(phase));
  return *this;
}

ChaosScript& ChaosScript::throttle(int requests, std::chrono::seconds retry_after,
                                   std::optional<std::string> sentry_rate_limits) {
  answer(429, requests);
  auto& phase = phases.back();
  phase.retry_after = retry_after;
  phase.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  if (sentry_rate_limits) phase.headers.emplace_back("X-Sentry-Rate-Limits", *sentry_rate_limits);
  return *this;
}

ChaosScript& ChaosScript::reset_for(std::chrono::milliseconds duration) {
  ChaosPhase phase;
  phase.kind = ChaosPhase::Kind::reset;
  phase.duration = duration;
  phases.push_back(std::move(phase));
  return *this;
}

ChaosScript& ChaosScript::down_for(std::chrono::milliseconds duration) {
  ChaosPhase phase;
  phase.kind = ChaosPhase::Kind::down;
  phase.duration = duration;
  phases.push_back(std::move(phase));
  return *this;
}

ChaosScript& ChaosScript::down_forever() { return down_for(std::chrono::milliseconds::max()); }

ChaosScript& ChaosScript::latency(std::chrono::milliseconds value) {
  healthy_latency = value;
  return *this;
}

std::string describe(const ChaosState& state) {
  std::string out = "phase " + std::to_string(state.phase) + ", listening " + (state.listening ? "yes" : "no") + ", " +
                    std::to_string(state.requests) + " requests";
  for (const auto& [status, count] : state.answered) out += ", " + std::to_string(status) + ": " + std::to_string(count);
  out += ", " + std::to_string(state.resets) + " resets, " + std::to_string(state.early_retries) + " early retries, " +
         std::to_string(state.relisten_failures) + " failed re-listens";
  return out;
}

ChaosScript& ChaosScript::bandwidth(std::size_t bytes_per_second) {
  healthy_bandwidth = bytes_per_second;
  return *this;
}

struct ChaosUpstream::Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  bool busy = false;  // between reading a request and writing its answer
};

struct ChaosUpstream::Decision {
  enum class What { answer, accept, reset };
  What what = What::accept;
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
};

namespace {

net::Response answer_for(const net::Request& request, unsigned status,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  auto response = net::make_response(request, static_cast<http::status>(status),
                                     status / 100 == 2 ? "{}" : R"({"error":"chaos upstream"})");
  for (const auto& [name, value] : headers) response.set(name, value);
  return response;
}

}  // namespace

ChaosUpstream::ChaosUpstream(ChaosScript script)
    : script_(std::move(script)),
      work_(io_.get_executor()),
      acceptor_(io_),
      phase_timer_(io_),
      listen_retry_(io_) {
  state_.phase_started.resize(script_.phases.size() + 1);
  {
    std::lock_guard lock(mutex_);
    if (!try_listen()) throw std::runtime_error("chaos upstream: cannot listen on 127.0.0.1");
    port_ = acceptor_.local_endpoint().port();
    enter_phase(0);
  }
  thread_ = std::thread([this] { io_.run(); });
}

ChaosUpstream::~ChaosUpstream() {
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    phase_timer_.cancel();
    listen_retry_.cancel();
    ++listen_generation_;
    acceptor_.close(ignored);
    for (auto& weak : connections_) {
      if (auto connection = weak.lock()) connection->socket.close(ignored);
    }
    io_.stop();
  });
  thread_.join();
  release_port();
}

std::string ChaosUpstream::url(std::string_view path) const {
  url_given_ = true;
  return "http://127.0.0.1:" + std::to_string(port_) + prefix_ + std::string(path);
}

ChaosState ChaosUpstream::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::vector<AcceptedBody> ChaosUpstream::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

bool ChaosUpstream::wait_until(const std::function<bool(const ChaosState&)>& condition,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return condition(state_); });
}

void ChaosUpstream::changed() { changed_.notify_all(); }

void ChaosUpstream::enter_phase(std::size_t index) {
  state_.phase = index;
  answered_in_phase_ = 0;
  changed();
  if (index >= script_.phases.size()) {
    state_.phase_started[index] = ChaosClock::now();
    return;
  }
  const auto& phase = script_.phases[index];
  switch (phase.kind) {
    case ChaosPhase::Kind::answer:
      state_.phase_started[index] = ChaosClock::now();
      if (phase.requests <= 0) enter_phase(index + 1);
      return;
    case ChaosPhase::Kind::reset:
      return;  // starts with its first request (decide())
    case ChaosPhase::Kind::down:
      state_.phase_started[index] = ChaosClock::now();
      close_listener();
      end_timed_phase_after(index, phase.duration);
      return;
  }
}

void ChaosUpstream::end_timed_phase_after(std::size_t index, std::chrono::milliseconds duration) {
  if (duration == std::chrono::milliseconds::max()) return;
  phase_timer_.expires_at(*state_.phase_started[index] + duration);
  phase_timer_.async_wait([this, index](boost::system::error_code ec) {
    if (ec) return;
    std::lock_guard lock(mutex_);
    if (state_.phase != index) return;
    if (script_.phases[index].kind == ChaosPhase::Kind::down) {
      listen_again_then_leave(index);
    } else {
      enter_phase(index + 1);
    }
  });
}

// A down phase ends once the port is bound again; a failed bind (the port briefly taken) is retried.
void ChaosUpstream::listen_again_then_leave(std::size_t index) {
  if (try_listen()) {
    enter_phase(index + 1);
    return;
  }
  ++state_.relisten_failures;
  listen_retry_.expires_after(std::chrono::milliseconds(10));
  listen_retry_.async_wait([this, index](boost::system::error_code ec) {
    if (ec) return;
    std::lock_guard lock(mutex_);
    listen_again_then_leave(index);
  });
}

void ChaosUpstream::close_listener() {
  boost::system::error_code ignored;
  ++listen_generation_;
  acceptor_.close(ignored);
  state_.listening = false;
  hold_port();
  // Idle keep-alive connections go with the server; one being answered goes after its answer. Both are
  // reset rather than closed: a graceful close would leave this side in FIN_WAIT2 for as long as the
  // client (perhaps frozen) keeps its end open, and the port could not be bound again until then.
  for (auto& weak : connections_) {
    if (auto connection = weak.lock(); connection && !connection->busy) reset(connection->socket);
  }
}

// While down, the port stays bound (not listening: connections are refused) so that the system cannot
// hand it to another test's listener running in parallel — lambda-relay would then deliver there.
void ChaosUpstream::hold_port() {
  placeholder_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder_fd_ < 0) return;
  const int on = 1;
  (void)::setsockopt(placeholder_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)::bind(placeholder_fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

void ChaosUpstream::release_port() {
  if (placeholder_fd_ >= 0) ::close(placeholder_fd_);
  placeholder_fd_ = -1;
}

bool ChaosUpstream::try_listen() {
  release_port();
  boost::system::error_code ec;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port_);
  // Close-on-exec from the start: a test forks the emulator while this upstream exists, and a listening
  // socket inherited by the emulator and its extensions would keep the port open while we are "down".
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  acceptor_.assign(endpoint.protocol(), fd, ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return false;
  }
  state_.listening = true;
  changed();
  asio::co_spawn(io_, accept_loop(++listen_generation_), asio::detached);
  return true;
}

ChaosUpstream::Decision ChaosUpstream::decide(std::size_t body_bytes) {
  std::lock_guard lock(mutex_);
  const auto now = ChaosClock::now();
  ++state_.requests;
  if (now < not_before_) ++state_.early_retries;
  changed();
  Decision decision;
  if (state_.phase >= script_.phases.size()) {
    decision.delay = script_.healthy_latency;
    if (script_.healthy_bandwidth > 0) {
      decision.delay += std::chrono::milliseconds(body_bytes * 1000 / script_.healthy_bandwidth);
    }
    return decision;
  }
  const auto& phase = script_.phases[state_.phase];
  switch (phase.kind) {
    case ChaosPhase::Kind::answer:
      decision.what = Decision::What::answer;
      decision.status = phase.status;
      decision.headers = phase.headers;
      ++state_.answered[phase.status];
      if (phase.retry_after) not_before_ = now + *phase.retry_after;
      if (++answered_in_phase_ >= phase.requests) enter_phase(state_.phase + 1);
      break;
    case ChaosPhase::Kind::reset:
      if (!state_.phase_started[state_.phase]) {
        state_.phase_started[state_.phase] = now;
        end_timed_phase_after(state_.phase, phase.duration);
      }
      decision.what = Decision::What::reset;
      ++state_.resets;
      break;
    case ChaosPhase::Kind::down:  // read on a connection accepted just before the listener closed
      decision.what = Decision::What::reset;
      ++state_.resets;
      break;
  }
  return decision;
}

void ChaosUpstream::record(std::string body) {
  std::lock_guard lock(mutex_);
  ++state_.accepted;
  ++state_.answered[200];
  AcceptedBody accepted;
  accepted.body = std::move(body);
  accepted.at = ChaosClock::now();
  accepted.wall = std::chrono::system_clock::now();
  accepted_.push_back(std::move(accepted));
  changed();
}

bool ChaosUpstream::listening() const {
  std::lock_guard lock(mutex_);
  return state_.listening;
}

asio::awaitable<void> ChaosUpstream::accept_loop(std::uint64_t generation) {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (generation != listen_generation_) co_return;  // this listener was closed (and maybe reopened)
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);  // see try_listen()
    auto connection = std::make_shared<Connection>(std::move(socket));
    std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
    connections_.push_back(connection);
    asio::co_spawn(io_, serve(std::move(connection)), asio::detached);
  }
}

asio::awaitable<void> ChaosUpstream::serve(std::shared_ptr<Connection> connection) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(kMaxBodyBytes);
    auto [read_ec, read] = co_await http::async_read(connection->socket, buffer, parser, use_nothrow);
    (void)read;
    if (read_ec) break;
    connection->busy = true;
    net::Request request = parser.release();
    if (url_given_ && !std::string_view(request.target()).starts_with(prefix_)) {
      // Not for this test (another test's lambda-relay reusing a port): neither played nor counted.
      auto refused = net::make_response(request, http::status::not_found, "{}");
      (void)co_await http::async_write(connection->socket, refused, use_nothrow);
      connection->busy = false;
      continue;
    }
    const auto decision = decide(request.body().size());
    if (decision.what == Decision::What::reset) {
      reset(connection->socket);
      co_return;
    }
    if (decision.delay.count() > 0) {
      asio::steady_timer timer(io_, decision.delay);
      (void)co_await timer.async_wait(use_nothrow);
    }
    if (decision.what == Decision::What::accept) record(request.body());
    const auto response = answer_for(request, decision.status, decision.headers);
    auto [write_ec, written] = co_await http::async_write(connection->socket, response, use_nothrow);
    (void)written;
    connection->busy = false;
    if (!listening()) {
      reset(connection->socket);
      co_return;
    }
    if (write_ec || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  connection->socket.shutdown(tcp::socket::shutdown_send, ignored);
  connection->socket.close(ignored);
}

}  // namespace lambda_relay::testing
