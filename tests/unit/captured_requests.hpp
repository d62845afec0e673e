// Requests captured from real client libraries (../shared/fixtures/<client>/<case>/NN-….http: the
// request line and headers as sent, then the body, de-chunked), and their replay as raw bytes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lambda_relay::test {

struct Captured {
  std::string name;  // the file's name
  std::string head;  // request line and headers, without the blank line
  std::string body;  // de-chunked
};

// The .http files of `folder`, in name order.
std::vector<Captured> captured_requests(const std::filesystem::path& folder);

// The captured request with `body`, framed as the client sent it: chunked when it was (in 16 KiB
// chunks), else with a Content-Length for `body`.
std::string replay_bytes(const Captured& request, const std::string& body);

}  // namespace lambda_relay::test
