#include "insight/redact.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <utility>

namespace lambda_relay::insight {
namespace {

// RE2's own bound on a pattern's memory (program and DFA cache), kept small: lambda-relay's RSS goal
// is 4 MB and user patterns are expected to be simple.
constexpr int64_t kPatternMaxMemory = 1 << 20;

RE2::Options pattern_options() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kPatternMaxMemory);
  return options;
}

}  // namespace

struct Redactor::Patterns {
  std::vector<std::unique_ptr<RE2>> compiled;
};

Result<void> check_redact_pattern(std::string_view pattern) {
  RE2 re(re2::StringPiece(pattern.data(), pattern.size()), pattern_options());
  if (!re.ok()) return make_error("pattern", fmt::format("\"{}\" is not a valid RE2 pattern: {}", pattern, re.error()));
  return {};
}

Redactor::Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;
Redactor::~Redactor() = default;

Result<Redactor> Redactor::create(const RedactOptions& options) {
  Redactor redactor;
  redactor.send_default_pii_ = options.send_default_pii;
  if (!options.patterns.empty()) {
    redactor.patterns_ = std::make_unique<Patterns>();
    for (const auto& pattern : options.patterns) {
      auto re = std::make_unique<RE2>(pattern, pattern_options());
      if (!re->ok()) {
        return make_error("pattern", fmt::format("\"{}\" is not a valid RE2 pattern: {}", pattern, re->error()));
      }
      redactor.patterns_->compiled.push_back(std::move(re));
    }
  }
  return redactor;
}

bool Redactor::redact_text(std::string& text) const {
  ranges_.clear();
  find_secrets(text, SecretScanOptions{.emails = !send_default_pii_}, ranges_);
  bool changed = false;
  if (!ranges_.empty()) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (const auto& r : ranges_) {
      out.append(text, copied, r.begin - copied);
      out += kFiltered;
      copied = r.end;
    }
    out.append(text, copied, std::string::npos);
    text.swap(out);
    changed = true;
  }
  if (patterns_) changed |= apply_patterns(text);
  return changed;
}

bool Redactor::apply_patterns(std::string& text) const {
  bool changed = false;
  for (const auto& re : patterns_->compiled) {
    const bool group = re->NumberOfCapturingGroups() > 0;
    re2::StringPiece match[2];
    const re2::StringPiece input(text);
    std::string out;
    std::size_t copied = 0;
    std::size_t pos = 0;
    while (pos <= text.size() && re->Match(input, pos, text.size(), RE2::UNANCHORED, match, group ? 2 : 1)) {
      const auto whole_end = static_cast<std::size_t>(match[0].data() - text.data()) + match[0].size();
      const re2::StringPiece target = group ? match[1] : match[0];
      if (target.data() != nullptr && !target.empty()) {
        const auto begin = static_cast<std::size_t>(target.data() - text.data());
        if (begin >= copied) {
          out.append(text, copied, begin - copied);
          out += kFiltered;
          copied = begin + target.size();
        }
      }
      pos = match[0].empty() ? whole_end + 1 : whole_end;
    }
    if (copied == 0 && out.empty()) continue;
    out.append(text, copied, std::string::npos);
    text.swap(out);
    changed = true;
  }
  return changed;
}

}  // namespace lambda_relay::insight
