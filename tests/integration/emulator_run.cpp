#include "emulator_run.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace lambda_relay::testing {

namespace fs = std::filesystem;

ExtensionsDir::ExtensionsDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("lambda-relay-ext-" + std::to_string(rd()));
  fs::create_directories(path_);
}

ExtensionsDir::~ExtensionsDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void ExtensionsDir::add(const std::string& name, const fs::path& binary) { fs::create_symlink(binary, path_ / name); }

namespace {

std::vector<std::string> environment_with(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  auto overridden = [&overrides](std::string_view entry) {
    const auto name = entry.substr(0, entry.find('=') + 1);
    return std::any_of(overrides.begin(), overrides.end(), [&name](const auto& o) { return o.starts_with(name); });
  };
  for (char** e = environ; *e != nullptr; ++e) {
    if (!overridden(*e)) out.emplace_back(*e);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

}  // namespace

void run_emulator(const std::vector<std::string>& args, EmulatorRun& run) { run_emulator(args, run, {}); }

void run_emulator(const std::vector<std::string>& args, EmulatorRun& run, const std::vector<std::string>& environment) {
  std::random_device rd;
  const auto json_path = fs::temp_directory_path() / ("lambda-emulator-" + std::to_string(rd()) + ".json");
  const auto out_path = fs::temp_directory_path() / ("lambda-emulator-" + std::to_string(rd()) + ".out");
  std::vector<std::string> argv{LAMBDA_EMULATOR_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  // The suite runs sanitized binaries: AddressSanitizer's shadow memory puts each process at ~70 MB
  // resident, so the default 128 MB sandbox would "run out of memory" with two of them. Give the
  // sandbox room unless a test chooses a size.
  if (std::find(args.begin(), args.end(), "--memory") == args.end()) {
    argv.insert(argv.end(), {"--memory", std::to_string(kDefaultTestMemoryMb)});
  }
  argv.insert(argv.end(), {"--json", json_path.string()});
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  auto env = environment_with(environment);
  std::vector<char*> c_env;
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::stringstream out;
  out << std::ifstream(out_path).rdbuf();
  run.output = out.str();
  std::stringstream json;
  json << std::ifstream(json_path).rdbuf();
  run.json_text = json.str();
  fs::remove(json_path);
  fs::remove(out_path);
  if (run.parser.parse(run.json_text).get(run.root)) {
    throw std::runtime_error("emulator wrote no valid JSON report; output:\n" + run.output);
  }
  run.report = Json(run.root);
}

bool Json::has(std::string_view key) const {
  simdjson::dom::element ignored;
  return element_.is_object() && !element_.get_object().at_key(key).get(ignored);
}

Json Json::operator[](std::string_view key) const {
  simdjson::dom::element child;
  if (element_[key].get(child)) throw std::runtime_error(path_ + "." + std::string(key) + " is missing");
  return Json(child, path_ + "." + std::string(key));
}

Json Json::at(std::size_t index) const {
  simdjson::dom::element child;
  if (element_.at(index).get(child)) throw std::runtime_error(path_ + "[" + std::to_string(index) + "] is missing");
  return Json(child, path_ + "[" + std::to_string(index) + "]");
}

std::vector<Json> Json::items() const {
  simdjson::dom::array array;
  if (element_.get_array().get(array)) throw std::runtime_error(path_ + " is not an array");
  std::vector<Json> out;
  std::size_t i = 0;
  for (auto child : array) out.emplace_back(child, path_ + "[" + std::to_string(i++) + "]");
  return out;
}

std::string_view Json::str() const {
  std::string_view v;
  if (element_.get_string().get(v)) throw std::runtime_error(path_ + " is not a string");
  return v;
}

std::int64_t Json::i64() const {
  std::int64_t v = 0;
  if (element_.get_int64().get(v)) throw std::runtime_error(path_ + " is not an integer");
  return v;
}

double Json::f64() const {
  double v = 0;
  if (element_.get_double().get(v)) throw std::runtime_error(path_ + " is not a number");
  return v;
}

bool Json::boolean() const {
  bool v = false;
  if (element_.get_bool().get(v)) throw std::runtime_error(path_ + " is not a boolean");
  return v;
}

std::vector<PlatformEvent> platform_events(const Json& report) {
  std::vector<PlatformEvent> out;
  for (const auto& e : report["platform_events"].items()) {
    PlatformEvent event;
    event.type = std::string(e["type"].str());
    const auto record = e["record"];
    if (record.is_object()) {
      auto text = [&record](std::string_view key) {
        try {
          return std::string(record[key].str());
        } catch (const std::runtime_error&) {
          return std::string();  // optional field
        }
      };
      event.phase = text("phase");
      event.request_id = text("requestId");
      event.status = text("status");
      event.error_type = text("errorType");
    }
    out.push_back(std::move(event));
  }
  return out;
}

// Grammar (platform events only; function/extension lines may appear anywhere):
//   Init   := initStart(p) telemetrySubscription* initRuntimeDone(p) extension* initReport(p)
//   Invoke := [Init(phase=invoke)] start(r) runtimeDone(r) report(r)
// An Init with phase "init" comes first; a suppressed Init (phase "invoke") only after a failed Init or
// after a report whose status is not success/error-with-function-type (a reset).
std::string check_event_order(const std::vector<PlatformEvent>& events) {
  enum class State { before_init, in_init_started, in_init_runtime_done, idle, in_invoke, runtime_done };
  State state = State::before_init;
  std::string phase;
  std::string request;
  bool reset_pending = false;
  std::size_t index = 0;
  auto fail = [&](const std::string& why) { return "event " + std::to_string(index) + " (" + events[index].type + "): " + why; };
  for (; index < events.size(); ++index) {
    const auto& e = events[index];
    if (e.type == "function" || e.type == "extension" || e.type == "platform.telemetrySubscription" ||
        e.type == "platform.logsDropped") {
      continue;
    }
    if (e.type == "platform.initStart") {
      if (state == State::before_init) {
        if (e.phase != "init") return fail("the first Init must have phase init");
      } else if (state == State::idle) {
        if (e.phase != "invoke" || !reset_pending) return fail("a later Init must be a suppressed Init after a reset");
      } else {
        return fail("initStart in the middle of a phase");
      }
      phase = e.phase;
      state = State::in_init_started;
    } else if (e.type == "platform.initRuntimeDone") {
      if (state != State::in_init_started || e.phase != phase) return fail("initRuntimeDone without its initStart");
      state = State::in_init_runtime_done;
    } else if (e.type == "platform.extension") {
      if (state != State::in_init_runtime_done) return fail("platform.extension outside Init's end");
    } else if (e.type == "platform.initReport") {
      if (state != State::in_init_runtime_done || e.phase != phase) return fail("initReport without initRuntimeDone");
      reset_pending = e.status != "success";
      state = State::idle;
    } else if (e.type == "platform.start") {
      if (state != State::idle) return fail("start while another phase is open");
      if (reset_pending) return fail("start after a reset without a suppressed Init");
      request = e.request_id;
      state = State::in_invoke;
    } else if (e.type == "platform.runtimeDone") {
      if (state != State::in_invoke || e.request_id != request) return fail("runtimeDone without its start");
      state = State::runtime_done;
    } else if (e.type == "platform.report") {
      if (state != State::runtime_done || e.request_id != request) return fail("report before its runtimeDone");
      reset_pending = e.status == "timeout" || e.status == "failure" || e.error_type == "Runtime.ExitError" ||
                      e.error_type == "Runtime.OutOfMemory" || e.error_type == "Extension.Crash";
      state = State::idle;
    } else {
      return fail("unexpected platform event type");
    }
  }
  if (state != State::idle) return "the run ended in the middle of a phase";
  return "";
}

}  // namespace lambda_relay::testing
