// What failure detection reads in function log lines: the out-of-memory messages of the common
// runtimes, and the error message that goes with a Lambda errorType. (Levels: insight/log_severity.)
#pragma once

#include "insight/failure.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::insight {

// True for a line in which a runtime says it ran out of memory:
//   Node      "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"
//   Python    "MemoryError" (and Ruby's "NoMemoryError", "failed to allocate memory")
//   Java      "java.lang.OutOfMemoryError: Java heap space" (also Metaspace, GC overhead)
//   .NET      "System.OutOfMemoryException", "Out of memory."
//   Go        "fatal error: runtime: out of memory"
//   Rust      "memory allocation of 1048576 bytes failed"
//   C++       "terminate called after throwing an instance of 'std::bad_alloc'"
//   PHP       "Allowed memory size of 134217728 bytes exhausted"
//   libc      "Cannot allocate memory" (ENOMEM), Lambda's own "Runtime.OutOfMemory"
// A cheap scan first ("emory", "EMORY", "bad_alloc"), so ordinary lines cost one pass of memmem.
[[nodiscard]] bool is_out_of_memory_line(std::string_view line) noexcept;

// The error message for `error_type` in a failure's log tail, newest line first:
//   "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'" (Python)
//   "... {\"errorType\":\"Runtime.ImportModuleError\",\"errorMessage\":\"Error: Cannot find ...\"" (Node)
//   "RequestId: <id> Error: Runtime exited with error: signal: killed" (Lambda, for crashes)
// The first line of the message, at most 512 bytes.
[[nodiscard]] std::optional<std::string> find_error_message(const std::vector<LogLine>& tail,
                                                            std::string_view error_type);

}  // namespace lambda_relay::insight
