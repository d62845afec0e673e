#include "test_support.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lambda_relay::test {

void drain(asio::io_context& io, std::chrono::milliseconds timeout) {
  io.restart();
  io.run_for(timeout);
}

std::optional<std::filesystem::path> samples_dir() {
  const std::filesystem::path dir = std::filesystem::path(LAMBDA_RELAY_SHARED_DIR) / "spec" / "samples";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

std::optional<std::filesystem::path> fixtures_dir() {
  const std::filesystem::path dir = std::filesystem::path(LAMBDA_RELAY_SHARED_DIR) / "fixtures";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace lambda_relay::test
