// telemetry-printer: the smallest useful extension built on lambda-relay's library. It prints one line
// per telemetry event and a summary at shutdown. Install it as /opt/extensions/telemetry-printer.
//
// It subscribes to platform and function events only: its own stdout comes back as `extension`
// events, and printing those would print forever.
#include <lambda_relay/extension.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <variant>

namespace {

using namespace lambda_relay;

std::string request_id_of(const telemetry::Event& event) {
  return std::visit(
      [](const auto& record) -> std::string {
        if constexpr (requires { record.request_id; }) {
          if constexpr (std::is_same_v<std::decay_t<decltype(record.request_id)>, std::string>) return record.request_id;
          else return record.request_id.value_or("-");
        } else {
          return "-";
        }
      },
      event.record);
}

class TelemetryPrinter final : public Processor {
 public:
  Result<void> init(const RegisterResponse& registration, boost::asio::any_io_executor) override {
    std::printf("[telemetry-printer] watching %s (%s)\n", registration.function_name.c_str(),
                registration.function_version.c_str());
    std::fflush(stdout);
    return {};
  }

  void process(const telemetry::Event& event) override {
    ++counts_[event.type_text];
    std::printf("[telemetry-printer] event %s %s\n", event.type_text.c_str(), request_id_of(event).c_str());
  }

  void end_of_batch() override {
    ++batches_;
    std::fflush(stdout);
  }

  boost::asio::awaitable<void> shutdown(const ShutdownEvent& event, std::chrono::system_clock::time_point) override {
    std::string summary;
    for (const auto& [type, count] : counts_) summary += " " + type + "=" + std::to_string(count);
    std::printf("[telemetry-printer] shutdown (%s) after %d batches:%s\n", event.reason_text.c_str(), batches_,
                summary.c_str());
    std::fflush(stdout);
    co_return;
  }

 private:
  std::map<std::string, int> counts_;
  int batches_ = 0;
};

}  // namespace

int main(int /*argc*/, char** argv) {
  TelemetryPrinter printer;
  auto options = RunOptions::from(argv);
  options.types = {"platform", "function"};
  return run(printer, std::move(options));
}
