// lambda-emulator: wiring only (docs/emulator.md).
#include "emulator.hpp"
#include "options.hpp"
#include "simulated_runtime.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--simulated-runtime") == 0) return lambda_emulator::run_simulated_runtime();
  if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(lambda_emulator::usage().c_str(), stdout);
    return 0;
  }
  auto options = lambda_emulator::parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr, "lambda-emulator: %s\n\n%s", options.error().message.c_str(), lambda_emulator::usage().c_str());
    return 2;
  }
  return lambda_emulator::run_emulator(std::move(options).value());
}
