#include "process.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace lambda_emulator {
namespace asio = boost::asio;
using lambda_relay::make_error;
using lambda_relay::Result;

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void fail_child(int status_fd, int stage) {
  const int report[2] = {stage, errno};
  (void)!::write(status_fd, report, sizeof report);
  ::_exit(127);
}

// In the child between fork and exec: async-signal-safe calls only. Reports a failure's errno through
// `status_fd` (close-on-exec, so a successful exec closes it with nothing written).
[[noreturn]] void exec_child(const ProcessSpec& spec, char* const* argv, char* const* envp, int output_fd,
                             int status_fd) {
  auto fail = [status_fd](int stage) { fail_child(status_fd, stage); };
  ::setpgid(0, 0);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGALRM}) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  if (::dup2(output_fd, STDOUT_FILENO) < 0 || ::dup2(output_fd, STDERR_FILENO) < 0) fail(1);
  if (spec.chroot_dir) {
    if (::chroot(spec.chroot_dir->c_str()) != 0) fail(2);
    if (::chdir("/") != 0) fail(3);
  } else if (::chdir(spec.working_dir.c_str()) != 0) {
    fail(3);
  }
  ::execve(spec.path.c_str(), argv, envp);
  fail_child(status_fd, 4);
}

constexpr std::array<const char*, 5> kStageNames{"", "redirect output", "chroot", "chdir", "exec"};

}  // namespace

void Process::signal(int signal_number) const {
  if (pid > 0 && !exited) ::kill(-pid, signal_number);
}

long Process::current_rss_kb() const {
  if (exited || pid <= 0) return 0;
  std::ifstream statm(fmt::format("/proc/{}/statm", pid));
  long size_pages = 0;
  long resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * (::sysconf(_SC_PAGESIZE) / 1024);
}

ProcessTable::ProcessTable(asio::any_io_executor executor, StateChanged& changed)
    : executor_(std::move(executor)), changed_(changed), sigchld_(executor_, SIGCHLD) {
  wait_for_children();
}

ProcessTable::~ProcessTable() { kill_all(); }

void ProcessTable::wait_for_children() {
  sigchld_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    reap();
    wait_for_children();
  });
}

void ProcessTable::reap() {
  for (;;) {
    int status = 0;
    rusage usage{};
    const pid_t pid = ::wait4(-1, &status, WNOHANG, &usage);
    if (pid <= 0) break;
    auto it = processes_.find(pid);
    if (it == processes_.end()) continue;
    auto& p = *it->second;
    p.exited = true;
    p.exited_at = Process::Clock::now();
    if (WIFEXITED(status)) p.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) p.exit_signal = WTERMSIG(status);
    p.peak_rss_kb = usage.ru_maxrss;
    p.cpu_ms = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    processes_.erase(it);
  }
  changed_.notify();
}

Result<std::shared_ptr<Process>> ProcessTable::spawn(const ProcessSpec& spec, Process::LineHandler on_line) {
  int output[2];
  int status[2];
  if (::pipe2(output, O_CLOEXEC) != 0) return make_error("spawn", std::strerror(errno));
  if (::pipe2(status, O_CLOEXEC) != 0) {
    ::close(output[0]);
    ::close(output[1]);
    return make_error("spawn", std::strerror(errno));
  }
  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);

  auto process = std::make_shared<Process>();
  process->started_at = Process::Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(spec, argv.data(), envp.data(), output[1], status[1]);
  ::close(output[1]);
  ::close(status[1]);
  if (pid < 0) {
    ::close(output[0]);
    ::close(status[0]);
    return make_error("spawn", std::strerror(errno));
  }
  ::setpgid(pid, pid);  // also in the parent: no race with an early signal to the group
  process->pid = pid;
  processes_[pid] = process;

  int report[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(status[0], report, sizeof report);
  } while (n < 0 && errno == EINTR);
  ::close(status[0]);
  if (n == static_cast<ssize_t>(sizeof report)) {
    ::close(output[0]);
    const auto stage = static_cast<std::size_t>(report[0]) < kStageNames.size() ? kStageNames[static_cast<std::size_t>(report[0])] : "start";
    return make_error("Extension.LaunchError", fmt::format("{} {} failed: {}", stage, spec.path, std::strerror(report[1])));
  }
  if (frozen_) process->signal(SIGSTOP);

  auto pipe = std::make_shared<asio::posix::stream_descriptor>(executor_, output[0]);
  asio::co_spawn(executor_, read_output(process, std::move(pipe), std::move(on_line)), asio::detached);
  return process;
}

asio::awaitable<void> ProcessTable::read_output(std::shared_ptr<Process> process,
                                                std::shared_ptr<asio::posix::stream_descriptor> pipe,
                                                Process::LineHandler on_line) {
  std::string pending;
  std::array<char, 8192> chunk;
  for (;;) {
    auto [ec, n] = co_await pipe->async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    pending.append(chunk.data(), n);
    std::size_t start = 0;
    for (auto nl = pending.find('\n', start); nl != std::string::npos; nl = pending.find('\n', start)) {
      on_line(std::string_view(pending).substr(start, nl - start));
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) on_line(pending);
  process->output_closed = true;
  changed_.notify();
}

void ProcessTable::freeze_all() {
  frozen_ = true;
  for (auto& [pid, p] : processes_) p->signal(SIGSTOP);
}

void ProcessTable::thaw_all() {
  frozen_ = false;
  for (auto& [pid, p] : processes_) p->signal(SIGCONT);
}

void ProcessTable::kill_all() {
  for (auto& [pid, p] : processes_) {
    p->signal(SIGKILL);
    p->signal(SIGCONT);
  }
}

std::vector<std::shared_ptr<Process>> ProcessTable::live() const {
  std::vector<std::shared_ptr<Process>> out;
  for (const auto& [pid, p] : processes_) out.push_back(p);
  return out;
}

}  // namespace lambda_emulator
