#include "config/insight_config.hpp"

#include "config/parse.hpp"

#include "insight/redact.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lambda_relay::config {
namespace {

constexpr std::size_t kMaxLogLines = 200;

}  // namespace

Result<std::vector<std::string>> split_redact_patterns(std::string_view text) {
  std::vector<std::string> patterns;
  int depth = 0;
  std::size_t start = 0;
  const auto take = [&](std::size_t end) {
    const auto item = trim(text.substr(start, end - start));
    if (!item.empty()) patterns.emplace_back(item);
    start = end + 1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      ++i;  // the escaped character is the pattern's
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      depth = std::max(0, depth - 1);
    } else if ((c == ',' && depth == 0) || c == '\n') {
      take(i);
      depth = 0;
    }
  }
  take(text.size());
  return patterns;
}

Result<InsightConfig> load_insight_config(const Environment& env) {
  InsightConfig config;
  if (auto v = env("LAMBDA_RELAY_SEND_DEFAULT_PII")) {
    auto pii = parse_bool("LAMBDA_RELAY_SEND_DEFAULT_PII", *v);
    if (!pii) return pii.error();
    config.send_default_pii = *pii;
  }
  if (auto v = env("LAMBDA_RELAY_REDACT")) {
    auto patterns = split_redact_patterns(*v);
    if (!patterns) return invalid("LAMBDA_RELAY_REDACT", patterns.error().message);
    for (const auto& pattern : *patterns) {
      if (auto ok = insight::check_redact_pattern(pattern); !ok) return invalid("LAMBDA_RELAY_REDACT", ok.error().message);
    }
    config.redact_patterns = std::move(patterns).value();
  }
  if (auto v = env("LAMBDA_RELAY_FAILURE_LOG_LINES")) {
    std::size_t lines = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), lines);
    if (ec != std::errc{} || end != v->data() + v->size()) {
      return invalid("LAMBDA_RELAY_FAILURE_LOG_LINES", fmt::format("\"{}\" is not an integer", *v));
    }
    if (lines > kMaxLogLines) {
      return invalid("LAMBDA_RELAY_FAILURE_LOG_LINES", fmt::format("{} is out of range [0, {}]", lines, kMaxLogLines));
    }
    config.failure_log_lines = lines;
  }
  if (auto v = env("SENTRY_ENVIRONMENT"); v && !v->empty()) config.sentry_environment = *v;
  if (auto v = env("SENTRY_RELEASE"); v && !v->empty()) config.sentry_release = *v;
  return config;
}

}  // namespace lambda_relay::config
