// Real processes for the runtime and the extensions: spawned in their own process group with the
// environment Lambda sets, their stdout+stderr read line by line, frozen and thawed together, reaped
// with their resource usage (peak RSS, CPU) when they exit.
#pragma once

#include "support/state_changed.hpp"

#include <lambda_relay/result.hpp>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emulator {

using lambda_relay::support::StateChanged;

struct ProcessSpec {
  std::string path;                // executable
  std::vector<std::string> argv;   // argv[0] included
  std::vector<std::string> env;    // "K=V"
  std::string working_dir = "/";
  std::optional<std::string> chroot_dir;  // chroot before exec (needs root)
};

class Process {
 public:
  using Clock = std::chrono::steady_clock;
  using LineHandler = std::function<void(std::string_view line)>;

  pid_t pid = -1;
  Clock::time_point started_at;
  bool exited = false;
  Clock::time_point exited_at;
  std::optional<int> exit_code;
  std::optional<int> exit_signal;
  long peak_rss_kb = 0;
  double cpu_ms = 0;
  bool output_closed = false;

  // Sends `signal` to the whole process group (a runtime's children freeze with it).
  void signal(int signal_number) const;
  // Current resident set size of the process itself, from /proc (0 once it is gone).
  [[nodiscard]] long current_rss_kb() const;
};

class ProcessTable {
 public:
  ProcessTable(boost::asio::any_io_executor executor, StateChanged& changed);
  ~ProcessTable();

  // Starts a process; `on_line` gets each line it writes to stdout or stderr (without the newline).
  lambda_relay::Result<std::shared_ptr<Process>> spawn(const ProcessSpec& spec, Process::LineHandler on_line);

  void freeze_all();
  void thaw_all();
  void kill_all();
  [[nodiscard]] bool frozen() const noexcept { return frozen_; }
  [[nodiscard]] std::vector<std::shared_ptr<Process>> live() const;

 private:
  void wait_for_children();
  void reap();
  boost::asio::awaitable<void> read_output(std::shared_ptr<Process> process,
                                           std::shared_ptr<boost::asio::posix::stream_descriptor> pipe,
                                           Process::LineHandler on_line);

  boost::asio::any_io_executor executor_;
  StateChanged& changed_;
  boost::asio::signal_set sigchld_;
  std::map<pid_t, std::shared_ptr<Process>> processes_;
  bool frozen_ = false;
};

}  // namespace lambda_emulator
