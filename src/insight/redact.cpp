#include "insight/redact.hpp"

#include <fmt/format.h>
#include <regex.h>

#include <algorithm>
#include <utility>

namespace lambda_relay::insight {
namespace {

struct RegexFree {
  void operator()(regex_t* re) const noexcept {
    regfree(re);
    delete re;
  }
};
using Regex = std::unique_ptr<regex_t, RegexFree>;

// POSIX has no \d; people write it anyway. Outside bracket expressions \d and \D become [0-9] and
// [^0-9] (\w, \W, \s, \S are glibc's own extensions already).
std::string with_digit_classes(std::string_view pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '[') {  // copy the bracket expression as it is: "[]x]", "[^]x]", "[[:digit:]x]"
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') {
        if (pattern[j] == '[' && j + 1 < pattern.size() && pattern[j + 1] == ':') {
          const auto close = pattern.find(":]", j + 2);
          j = close == std::string_view::npos ? pattern.size() : close + 2;
        } else {
          ++j;
        }
      }
      const std::size_t end = std::min(j + 1, pattern.size());
      out += pattern.substr(i, end - i);
      i = end;
    } else if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[i + 1];
      if (next == 'd') {
        out += "[0-9]";
      } else if (next == 'D') {
        out += "[^0-9]";
      } else {
        out += pattern.substr(i, 2);
      }
      i += 2;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// A back-reference makes POSIX matching exponential in the worst case: refused.
bool has_back_reference(std::string_view pattern) {
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') return true;
      ++i;
    }
  }
  return false;
}

Result<Regex> compile(std::string_view pattern) {
  if (has_back_reference(pattern)) {
    return make_error("pattern", fmt::format("\"{}\": back-references (\\1 ... \\9) are not supported", pattern));
  }
  Regex re(new regex_t{});
  const std::string translated = with_digit_classes(pattern);
  if (const int code = regcomp(re.get(), translated.c_str(), REG_EXTENDED); code != 0) {
    char reason[160];
    regerror(code, re.get(), reason, sizeof reason);
    delete re.release();  // regcomp failed: there is nothing to regfree
    return make_error("pattern", fmt::format("\"{}\" is not a valid extended regular expression: {}", pattern, reason));
  }
  return re;
}

}  // namespace

struct Redactor::Patterns {
  std::vector<Regex> compiled;
};

Result<void> check_redact_pattern(std::string_view pattern) {
  auto re = compile(pattern);
  if (!re) return re.error();
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
      auto re = compile(pattern);
      if (!re) return re.error();
      redactor.patterns_->compiled.push_back(std::move(re).value());
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
    const bool group = re->re_nsub > 0;
    std::string out;
    std::size_t copied = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      regmatch_t match[2];
      match[0].rm_so = static_cast<regoff_t>(pos);
      match[0].rm_eo = static_cast<regoff_t>(text.size());
      // REG_STARTEND: the text needs no terminator and offsets count from its start.
      const int flags = REG_STARTEND | (pos > 0 ? REG_NOTBOL : 0);
      if (regexec(re.get(), text.data(), 2, match, flags) != 0) break;
      const auto whole_end = static_cast<std::size_t>(match[0].rm_eo);
      const regmatch_t& target = group ? match[1] : match[0];
      if (target.rm_so >= 0 && target.rm_eo > target.rm_so) {
        const auto begin = static_cast<std::size_t>(target.rm_so);
        const auto length = static_cast<std::size_t>(target.rm_eo) - begin;
        if (begin >= copied && std::string_view(text).substr(begin, length) != kFiltered) {
          out.append(text, copied, begin - copied);
          out += kFiltered;
          copied = static_cast<std::size_t>(target.rm_eo);
        }
      }
      pos = match[0].rm_eo == match[0].rm_so ? whole_end + 1 : whole_end;
    }
    if (copied == 0 && out.empty()) continue;
    out.append(text, copied, std::string::npos);
    text.swap(out);
    changed = true;
  }
  return changed;
}

}  // namespace lambda_relay::insight
