// A misbehaving extension for the emulator's tests: it registers, follows INVOKE, and on SHUTDOWN
// never exits. The emulator must SIGKILL it at the deadline and report the violation.
#include <lambda_relay/extensions_api.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <string>
#include <unistd.h>
#include <variant>

namespace {

boost::asio::awaitable<void> run(lambda_relay::ExtensionsClient& client, std::string name) {
  std::vector<lambda_relay::LifecycleEventType> events{lambda_relay::LifecycleEventType::invoke,
                                                       lambda_relay::LifecycleEventType::shutdown};
  if (!co_await client.register_extension(std::move(name), std::move(events))) std::exit(1);
  for (;;) {
    auto event = co_await client.next_event();
    if (!event) std::exit(1);
    if (std::holds_alternative<lambda_relay::ShutdownEvent>(*event)) {
      for (;;) ::pause();  // ignore the deadline
    }
  }
}

}  // namespace

int main(int /*argc*/, char** argv) {
  std::string name = argv[0];
  name = name.substr(name.rfind('/') + 1);
  boost::asio::io_context io(1);
  lambda_relay::ExtensionsClient client(io.get_executor(), std::getenv("AWS_LAMBDA_RUNTIME_API"));
  boost::asio::co_spawn(io, run(client, name), boost::asio::detached);
  io.run();
  return 0;
}
