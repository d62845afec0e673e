// Helpers shared by the unit tests: running a coroutine to completion on a test's io_context (with a
// timeout instead of sleeps), and reading the shared spec samples.
#pragma once

#include "net/http.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace lambda_relay::test {

namespace asio = boost::asio;

template <typename T>
asio::awaitable<void> store_result(asio::awaitable<T> awaitable, std::optional<T>& out) {
  out.emplace(co_await std::move(awaitable));
}

// Runs `awaitable` on `io` (together with everything else pending there, e.g. a server) until it
// completes or `timeout` passes. Returns nothing on timeout; rethrows what the coroutine threw.
template <typename T>
std::optional<T> run(asio::io_context& io, asio::awaitable<T> awaitable,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::optional<T> result;
  std::exception_ptr thrown;
  bool done = false;
  asio::co_spawn(io, store_result(std::move(awaitable), result), [&](std::exception_ptr e) {
    thrown = e;
    done = true;
    io.stop();
  });
  io.restart();
  io.run_for(timeout);
  if (thrown) std::rethrow_exception(thrown);
  if (!done) return std::nullopt;
  return result;
}

// The same for a coroutine without a result: true when it completed in time.
inline bool run(asio::io_context& io, asio::awaitable<void> awaitable,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto completed = [](asio::awaitable<void> inner) -> asio::awaitable<bool> {
    co_await std::move(inner);
    co_return true;
  };
  return run(io, completed(std::move(awaitable)), timeout).has_value();
}

// Lets every pending operation on `io` finish (call after stopping servers), bounded by `timeout`.
void drain(asio::io_context& io, std::chrono::milliseconds timeout = std::chrono::seconds(2));

// <shared>/spec/samples, or nothing when the shared directory is not there.
std::optional<std::filesystem::path> samples_dir();
// <shared>/fixtures (requests captured from real client libraries), or nothing when absent.
std::optional<std::filesystem::path> fixtures_dir();
// The whole file as a string (throws when it cannot be read).
std::string read_file(const std::filesystem::path& path);

}  // namespace lambda_relay::test
