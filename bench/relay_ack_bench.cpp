// The relay's ack latency and throughput, measured from outside as an SDK sees them (docs/benchmarks.md,
// "Relay"; run by bench/measure_relay.sh). Two roles in one small program, both single-threaded with
// poll(2) over keep-alive connections:
//
//   relay_ack_bench client <port> <body bytes> <requests> <connections> [warm-up requests]
//       POSTs an OTLP protobuf body of <body bytes> to http://127.0.0.1:<port>/v1/traces, each
//       connection sending its next request as soon as the previous one is answered (closed loop).
//       Prints the statuses, the ack latency percentiles (request written → response read) and the
//       request rate.
//   relay_ack_bench sink <port>
//       The upstream: answers every request 200 with an empty body, at once, until killed.
//
// Plain POSIX sockets, no lambda-relay code: the numbers are the relay's, not a shared library's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  const auto address = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("connect");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// An ExportTraceServiceRequest of exactly `size` bytes (size ≥ 8): one resource_spans field whose
// content the relay does not look into.
std::string otlp_body(std::size_t size) {
  std::string length;
  std::size_t content = size - 1 - 5;  // tag, then a 5-byte varint (padded: the size stays exact)
  for (int i = 0; i < 5; ++i) {
    length += static_cast<char>((content & 0x7FU) | (i < 4 ? 0x80U : 0U));
    content >>= 7;
  }
  return "\x0a" + length + std::string(size - 6, 'x');
}

// One HTTP/1.1 message head and body in `buffer`: the length of the whole message once it is
// complete, and its status (responses) — nothing while more bytes are needed.
struct Message {
  std::size_t length;
  int status;
};

std::optional<Message> complete_message(const std::string& buffer) {
  const auto end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  std::string head = buffer.substr(0, end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t body = 0;
  if (const auto at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    body = std::strtoull(head.c_str() + at + 17, nullptr, 10);
  }
  if (buffer.size() < end + 4 + body) return std::nullopt;
  const int status = head.starts_with("http/") ? std::atoi(head.c_str() + 9) : 0;
  return Message{end + 4 + body, status};
}

double percentile(std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

struct Connection {
  int fd = -1;
  std::size_t written = 0;
  std::string received;
  Clock::time_point started;
  bool busy = false;
};

int client(std::uint16_t port, std::size_t body_bytes, std::size_t requests, std::size_t connections,
           std::size_t warm_up) {
  const std::string request = "POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-protobuf\r\n"
                              "User-Agent: relay_ack_bench\r\nContent-Length: " +
                              std::to_string(body_bytes) + "\r\n\r\n" + otlp_body(body_bytes);
  std::vector<Connection> pool(connections);
  for (auto& c : pool) c.fd = connect_to(port);
  std::vector<double> latencies;
  latencies.reserve(requests);
  std::map<int, std::size_t> statuses;
  std::size_t started = 0;
  std::size_t done = 0;
  const auto total = requests + warm_up;
  Clock::time_point measuring_since = Clock::now();
  std::vector<pollfd> fds(connections);
  std::vector<char> chunk(256 * 1024);
  while (done < total) {
    for (std::size_t i = 0; i < connections; ++i) {
      auto& c = pool[i];
      if (!c.busy && started < total) {
        c.busy = true;
        c.written = 0;
        c.received.clear();
        c.started = Clock::now();
        ++started;
      }
      fds[i] = pollfd{c.fd, static_cast<short>(c.busy ? (c.written < request.size() ? POLLOUT : POLLIN) : 0), 0};
    }
    if (::poll(fds.data(), fds.size(), 10000) <= 0) fail("poll (no progress for 10 s)");
    for (std::size_t i = 0; i < connections; ++i) {
      auto& c = pool[i];
      if ((fds[i].revents & POLLOUT) != 0) {
        const auto n = ::send(c.fd, request.data() + c.written, request.size() - c.written, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno != EAGAIN) fail("send");
        if (n > 0) c.written += static_cast<std::size_t>(n);
      }
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const auto n = ::recv(c.fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n == 0) throw std::runtime_error("the relay closed a connection");
        if (n < 0 && errno != EAGAIN) fail("recv");
        if (n > 0) c.received.append(chunk.data(), static_cast<std::size_t>(n));
        if (const auto message = complete_message(c.received)) {
          const auto latency = std::chrono::duration<double, std::micro>(Clock::now() - c.started).count();
          c.busy = false;
          if (++done == warm_up) measuring_since = Clock::now();
          if (done > warm_up) {
            latencies.push_back(latency);
            ++statuses[message->status];
          }
        }
      }
    }
  }
  const auto seconds = std::chrono::duration<double>(Clock::now() - measuring_since).count();
  for (const auto& c : pool) ::close(c.fd);
  std::sort(latencies.begin(), latencies.end());
  std::printf("body %zu B, %zu requests over %zu connection(s):", body_bytes, requests, connections);
  for (const auto& [status, count] : statuses) std::printf(" %d×%zu", status, count);
  std::printf("\n  ack latency µs: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", percentile(latencies, 50),
              percentile(latencies, 90), percentile(latencies, 99), percentile(latencies, 99.9), latencies.back());
  std::printf("  %.0f requests/s, %.1f MB/s of bodies\n", static_cast<double>(requests) / seconds,
              static_cast<double>(requests * body_bytes) / seconds / 1e6);
  return statuses.size() == 1 && statuses.begin()->first == 200 ? 0 : 3;
}

[[noreturn]] void sink(std::uint16_t port) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const auto address = loopback(port);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("bind");
  if (::listen(listener, 64) != 0) fail("listen");
  constexpr std::string_view kAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
  std::vector<pollfd> fds{pollfd{listener, POLLIN, 0}};
  std::map<int, std::string> buffers;
  std::vector<char> chunk(1 << 20);
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) fail("poll");
    if ((fds[0].revents & POLLIN) != 0) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd >= 0) {
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fds.push_back(pollfd{fd, POLLIN, 0});
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto& buffer = buffers[fds[i].fd];
      const auto n = ::recv(fds[i].fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
      if (n <= 0) {
        ::close(fds[i].fd);
        buffers.erase(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      buffer.append(chunk.data(), static_cast<std::size_t>(n));
      while (const auto message = complete_message(buffer)) {
        buffer.erase(0, message->length);
        if (::send(fds[i].fd, kAnswer.data(), kAnswer.size(), MSG_NOSIGNAL) < 0) break;
      }
    }
    std::erase_if(fds, [](const pollfd& p) { return p.fd < 0; });
  }
}

std::uint16_t port_of(const char* text) { return static_cast<std::uint16_t>(std::strtoul(text, nullptr, 10)); }

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string_view role = argc > 1 ? argv[1] : "";
    if (role == "sink" && argc == 3) sink(port_of(argv[2]));
    if (role == "client" && (argc == 6 || argc == 7)) {
      const auto body = std::max<std::size_t>(8, std::strtoull(argv[3], nullptr, 10));
      return client(port_of(argv[2]), body, std::strtoull(argv[4], nullptr, 10),
                    std::max<std::size_t>(1, std::strtoull(argv[5], nullptr, 10)),
                    argc == 7 ? std::strtoull(argv[6], nullptr, 10) : 100);
    }
    std::fprintf(stderr, "usage: %s client <port> <body bytes> <requests> <connections> [warm-up]\n"
                         "       %s sink <port>\n", argv[0], argv[0]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay_ack_bench: %s\n", e.what());
    return 1;
  }
}
