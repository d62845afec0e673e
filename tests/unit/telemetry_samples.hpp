// Helpers for the telemetry tests: the shared spec samples, decoded.
#pragma once

#include "test_support.hpp"

#include <lambda_relay/decode.hpp>

#include <gtest/gtest.h>

#include <string>

namespace lambda_relay::test {

// The text of samples/<name>, or empty when the shared directory is absent (the caller skips).
inline std::string sample_text(const std::string& name) {
  const auto dir = samples_dir();
  if (!dir) return {};
  return read_file(*dir / name);
}

#define LR_SAMPLE_OR_SKIP(variable, name)                                              \
  const std::string variable = ::lambda_relay::test::sample_text(name);                \
  if (variable.empty()) GTEST_SKIP() << "shared spec samples not found (" << name << ")"

}  // namespace lambda_relay::test
