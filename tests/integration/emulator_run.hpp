// Runs the real lambda-emulator binary (a child process, real sockets) and reads its --json report.
#pragma once

#include <simdjson.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lambda_relay::testing {

// Checked access to a parsed JSON report: a missing key or a wrong type throws with the key's name,
// which GoogleTest reports as a failure of the test (simdjson is built without exceptions).
class Json {
 public:
  Json() = default;
  explicit Json(simdjson::dom::element element, std::string path = "$") : element_(element), path_(std::move(path)) {}

  Json operator[](std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const;
  Json at(std::size_t index) const;
  [[nodiscard]] std::vector<Json> items() const;
  [[nodiscard]] std::string_view str() const;
  [[nodiscard]] std::int64_t i64() const;
  [[nodiscard]] double f64() const;
  [[nodiscard]] bool boolean() const;
  [[nodiscard]] bool is_null() const { return element_.is_null(); }
  [[nodiscard]] bool is_object() const { return element_.is_object(); }
  [[nodiscard]] bool is_number() const { return element_.is_number(); }

 private:
  simdjson::dom::element element_;
  std::string path_;
};

// A temporary extensions directory holding symlinks named as the extensions register.
class ExtensionsDir {
 public:
  ExtensionsDir();
  ~ExtensionsDir();
  void add(const std::string& name, const std::filesystem::path& binary);
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct EmulatorRun {
  int exit_code = -1;
  std::string output;  // stdout + stderr of the emulator (summary and echoed process lines)
  std::string json_text;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  Json report;
};

// The sandbox memory size run_emulator() uses when a test gives no --memory.
inline constexpr int kDefaultTestMemoryMb = 1024;

// Runs `lambda-emulator args... --json <tmp>` to completion and parses the report.
void run_emulator(const std::vector<std::string>& args, EmulatorRun& run);
// The same, with "NAME=value" entries replacing or adding to the emulator's inherited environment (for
// what it passes on to its processes itself, e.g. ASAN_OPTIONS, which --env cannot override).
void run_emulator(const std::vector<std::string>& args, EmulatorRun& run, const std::vector<std::string>& environment);

// Event types of the report's platform_events, in order, with their phase/requestId for checking.
struct PlatformEvent {
  std::string type;
  std::string phase;
  std::string request_id;
  std::string status;
  std::string error_type;
};
std::vector<PlatformEvent> platform_events(const Json& report);

// Checks the sequence against the Lambda event order (spec §3.7); returns the first deviation or "".
std::string check_event_order(const std::vector<PlatformEvent>& events);

}  // namespace lambda_relay::testing
