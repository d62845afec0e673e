// A test extension that burns CPU on a background thread all the time it is not frozen. Its CPU time,
// which the emulator reports, shows whether the sandbox really was frozen between invokes.
#include <lambda_relay/extensions_api.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <variant>

namespace {

std::atomic<bool> spinning{true};

boost::asio::awaitable<void> run(lambda_relay::ExtensionsClient& client, std::string name) {
  std::vector<lambda_relay::LifecycleEventType> events{lambda_relay::LifecycleEventType::invoke,
                                                       lambda_relay::LifecycleEventType::shutdown};
  if (!co_await client.register_extension(std::move(name), std::move(events))) std::exit(1);
  for (;;) {
    auto event = co_await client.next_event();
    if (!event || std::holds_alternative<lambda_relay::ShutdownEvent>(*event)) co_return;
  }
}

}  // namespace

int main(int /*argc*/, char** argv) {
  std::string name = argv[0];
  name = name.substr(name.rfind('/') + 1);
  std::thread spinner([] {
    volatile unsigned long counter = 0;
    while (spinning.load(std::memory_order_relaxed)) counter = counter + 1;
  });
  boost::asio::io_context io(1);
  lambda_relay::ExtensionsClient client(io.get_executor(), std::getenv("AWS_LAMBDA_RUNTIME_API"));
  boost::asio::co_spawn(io, run(client, name), boost::asio::detached);
  io.run();
  spinning = false;
  spinner.join();
  return 0;
}
