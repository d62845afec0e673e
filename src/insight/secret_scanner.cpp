#include "insight/secret_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lambda_relay::insight {
namespace {

enum CharClass : std::uint8_t { kOther = 0, kAlpha = 1, kDigit = 2, kSeparator = 4, kAt = 8 };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 'a'; c <= 'z'; ++c) classes[static_cast<std::size_t>(c)] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) classes[static_cast<std::size_t>(c)] = kAlpha;
  for (int c = '0'; c <= '9'; ++c) classes[static_cast<std::size_t>(c)] = kDigit;
  classes['='] = kSeparator;
  classes[':'] = kSeparator;
  classes['@'] = kAt;
  return classes;
}
constexpr auto kClasses = make_classes();

constexpr std::size_t kMaxKeyBytes = 64;
constexpr std::size_t kMaxUserinfoBytes = 256;
constexpr std::size_t kMaxEmailLocalBytes = 64;
constexpr std::size_t kMaxDomainBytes = 253;
constexpr std::size_t kMinBearerToken = 8;
constexpr std::size_t kMinJwt = 20;

inline std::uint8_t cls(char c) { return kClasses[static_cast<unsigned char>(c)]; }
inline bool is_alnum(char c) { return (cls(c) & (kAlpha | kDigit)) != 0; }
inline bool is_alpha(char c) { return cls(c) == kAlpha; }
inline bool is_digit(char c) { return cls(c) == kDigit; }
inline bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view text, std::string_view lower_word) {
  if (text.size() != lower_word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lower_word[i]) return false;
  }
  return true;
}

bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }
bool is_base64url(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_token_char(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'; }
bool is_email_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool is_value_end(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n': case ',': case ';': case '&': case '"': case '\'':
    case '}': case ']': case ')': case '<': case '>': case '\\':
      return true;
    default:
      return false;
  }
}

// The end of a key name (lowercased, without '_', '-', '.') that marks its value as a secret.
constexpr std::array<std::string_view, 18> kSecretKeyEndings{
    "password",  "passwd",    "pwd",         "secret",        "token",      "apikey",
    "secretkey", "privatekey", "accesskey",  "credential",    "credentials", "auth",
    "authorization", "sessionid", "cookie",  "signature",     "passphrase", "jwt"};

constexpr std::uint32_t tail_code(std::string_view word) {
  const std::size_t n = word.size();
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(word[n - 3])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(word[n - 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(word[n - 1]));
}

constexpr auto make_tails() {
  std::array<std::uint32_t, kSecretKeyEndings.size()> tails{};
  for (std::size_t i = 0; i < kSecretKeyEndings.size(); ++i) tails[i] = tail_code(kSecretKeyEndings[i]);
  return tails;
}
// Their last three characters: most keys ("timestamp", "level", "requestId") fail this one compare.
constexpr auto kSecretKeyTails = make_tails();

bool is_secret_key(std::string_view key) {
  char normalised[kMaxKeyBytes];
  std::size_t size = 0;
  for (const char c : key) {
    if (c == '_' || c == '-' || c == '.') continue;
    if (size == kMaxKeyBytes) return false;
    normalised[size++] = lower(c);
  }
  if (size < 3) return false;
  const std::string_view k(normalised, size);
  const std::uint32_t tail = tail_code(k);
  if (std::find(kSecretKeyTails.begin(), kSecretKeyTails.end(), tail) == kSecretKeyTails.end()) return false;
  return std::any_of(kSecretKeyEndings.begin(), kSecretKeyEndings.end(), [&](std::string_view ending) {
    return k.size() >= ending.size() && k.substr(k.size() - ending.size()) == ending;
  });
}

// An Authorization value's scheme, which is kept so a reader still sees what kind of credential it was.
bool is_auth_scheme(std::string_view word) {
  static constexpr std::array<std::string_view, 9> kSchemes{"basic", "bearer", "digest", "negotiate", "token",
                                                            "ntlm",  "hmac",   "aws4-hmac-sha256", "sentry"};
  return std::any_of(kSchemes.begin(), kSchemes.end(), [&](std::string_view s) { return iequals(word, s); });
}

// A value a JSON document may hold unquoted: masking it would break the JSON, and it is no secret.
bool is_json_literal(std::string_view value) {
  if (value == "true" || value == "false" || value == "null") return true;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; });
}

// AWS access key ids: a 4-character prefix naming the kind, then 16 upper-case letters and digits.
bool is_aws_key_id(std::string_view word) {
  static constexpr std::array<std::string_view, 11> kPrefixes{"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA",
                                                              "ANPA", "ANVA", "ABIA", "ACCA", "APKA"};
  if (word.size() != 20) return false;
  const auto prefix = word.substr(0, 4);
  const bool known = std::find(kPrefixes.begin(), kPrefixes.end(), prefix) != kPrefixes.end() ||
                     (word[0] == 'A' && word[1] == '3' && word[2] == 'T');
  return known && std::all_of(word.begin(), word.end(), is_upper_or_digit);
}

// Issuer prefixes and lengths of the card networks (Visa, Mastercard, Amex, Discover, Diners, JCB,
// UnionPay, Maestro): most digit runs that pass Luhn by chance fail here.
bool is_card_number_shape(std::string_view d) {
  const std::size_t n = d.size();
  const int two = (d[0] - '0') * 10 + (d[1] - '0');
  const int four = two * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  switch (d[0]) {
    case '4': return n == 13 || n == 16 || n == 19;
    case '5': return (two >= 51 && two <= 55 && n == 16) || ((two == 50 || (two >= 56 && two <= 58)) && n >= 13);
    case '2': return four >= 2221 && four <= 2720 && n == 16;
    case '3': return ((two == 34 || two == 37) && n == 15) || ((two == 30 || two == 36 || two == 38) && n >= 14) ||
                     (four >= 3528 && four <= 3589 && n >= 16);
    case '6': return n >= 16;
    default: return false;
  }
}

class Scanner {
 public:
  Scanner(std::string_view text, const SecretScanOptions& options, std::vector<SecretRange>& out)
      : t_(text), n_(text.size()), options_(options), out_(out) {}

  void run() {
    std::size_t i = next_event(0);
    while (i < n_) {
      const auto c = cls(t_[i]);
      if (c <= kDigit) {
        std::size_t end = i + 1;
        while (end < n_ && is_alnum(t_[end])) ++end;
        i = word(i, end);
      } else if (c == kSeparator) {
        i = separator(i);
      } else {
        i = at(i);
      }
      i = next_event(i);
    }
  }

 private:
  void add(std::size_t begin, std::size_t end) {
    begin = std::max(begin, floor_);
    if (end <= begin) return;
    out_.push_back({begin, end});
    floor_ = end;
  }

  // A byte a rule starts at: '=', ':' or '@', or the first character of a word that can begin a
  // secret (a digit: card numbers; 'A': AWS key ids; 'b'/'B': "bearer"; 'e': "eyJ", a JWT). Every
  // other word is no secret by itself and is skipped without looking at it.
  static bool starts_rule(char c) { return is_digit(c) || c == 'A' || c == 'b' || c == 'B' || c == 'e'; }

  bool is_event(std::size_t i) const {
    const auto c = cls(t_[i]);
    if (c == kOther) return false;
    if (c >= kSeparator) return true;
    return starts_rule(t_[i]) && (i == 0 || !is_alnum(t_[i - 1]));
  }

  // The next event at or after `i` (n_ when there is none). Where SSE2 is there, 16 bytes at a time,
  // with the rules' first three characters checked too (a card's first two digits, "A" and an upper-case
  // letter or digit, "bea", "eyJ"): on lines without secrets the branches of a byte-by-byte scan, and
  // the rules' calls at every number of a timestamp, cost more than everything else.
  std::size_t next_event(std::size_t i) const {
#if defined(__SSE2__)
    const auto in_range = [](__m128i x, char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                           _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    const auto is = [](__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
    const __m128i case_bit = _mm_set1_epi8(0x20);
    if (i == 0 && n_ > 0) {
      if (is_event(0)) return 0;
      i = 1;
    }
    while (i + 18 <= n_) {
      const char* p = t_.data() + i;
      const __m128i before_v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 1));
      const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
      const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2));
      const __m128i digit0 = in_range(v0, '0', '9');
      const __m128i alnum0 = _mm_or_si128(digit0, in_range(_mm_or_si128(v0, case_bit), 'a', 'z'));
      const __m128i upper_or_digit1 = _mm_or_si128(in_range(v1, 'A', 'Z'), in_range(v1, '0', '9'));
      const __m128i card = _mm_andnot_si128(
          is(before_v, '.'),  // not the fraction of a number
          _mm_and_si128(_mm_and_si128(in_range(v0, '2', '6'), in_range(v1, '0', '9')),
                        _mm_or_si128(in_range(v2, '0', '9'), _mm_or_si128(is(v2, ' '), is(v2, '-')))));
      const __m128i aws = _mm_and_si128(is(v0, 'A'), upper_or_digit1);
      const __m128i bearer = _mm_and_si128(_mm_and_si128(is(_mm_or_si128(v0, case_bit), 'b'), is(_mm_or_si128(v1, case_bit), 'e')),
                                           is(_mm_or_si128(v2, case_bit), 'a'));
      const __m128i jwt = _mm_and_si128(_mm_and_si128(is(v0, 'e'), is(v1, 'y')), is(v2, 'J'));
      const __m128i first = _mm_or_si128(_mm_or_si128(card, aws), _mm_or_si128(bearer, jwt));
      // '=' and ':' after a key (a letter, a closing quote, a space) or in "://"; not in "14:03:11".
      const __m128i after_key = _mm_or_si128(in_range(_mm_or_si128(before_v, case_bit), 'a', 'z'),
                                             _mm_or_si128(_mm_or_si128(is(before_v, '"'), is(before_v, '\'')),
                                                          is(before_v, ' ')));
      const __m128i url = _mm_and_si128(_mm_and_si128(is(v0, ':'), is(v1, '/')), is(v2, '/'));
      const __m128i special = _mm_or_si128(
          _mm_or_si128(_mm_and_si128(_mm_or_si128(is(v0, '='), is(v0, ':')), after_key), url), is(v0, '@'));
      const auto alnum = static_cast<unsigned>(_mm_movemask_epi8(alnum0));
      const unsigned before = is_alnum(p[-1]) ? 1U : 0U;
      const unsigned word_starts = alnum & ~((alnum << 1) | before);
      const unsigned events = (word_starts & static_cast<unsigned>(_mm_movemask_epi8(first))) |
                              static_cast<unsigned>(_mm_movemask_epi8(special));
      if (events != 0) return i + static_cast<std::size_t>(__builtin_ctz(events));
      i += 16;
    }
#endif
    while (i < n_ && !is_event(i)) ++i;
    return i;
  }

  std::size_t word(std::size_t begin, std::size_t end) {
    const auto w = t_.substr(begin, end - begin);
    if (is_digit(w[0])) return digits(begin, end);
    if (w.size() == 20 && w[0] == 'A' && is_aws_key_id(w)) {
      add(begin, end);
      return end;
    }
    if (w.size() == 6 && iequals(w, "bearer")) return bearer(end);
    if (w.size() >= 3 && w[0] == 'e' && w[1] == 'y' && w[2] == 'J') return jwt(begin, end);
    return end;
  }

  std::size_t bearer(std::size_t pos) {
    std::size_t s = pos;
    while (s < n_ && (t_[s] == ' ' || t_[s] == '\t')) ++s;
    if (s == pos) return pos;
    std::size_t e = s;
    bool mixed = false;  // a real token has digits or symbols; "bearer authentication" is prose
    while (e < n_ && is_token_char(t_[e])) mixed |= !is_alpha(t_[e++]);
    while (e < n_ && t_[e] == '=') ++e, mixed = true;
    if (e - s < kMinBearerToken || !mixed) return pos;
    add(s, e);
    return e;
  }

  std::size_t jwt(std::size_t begin, std::size_t word_end) {
    std::size_t p = begin;
    for (int part = 0; part < 3; ++part) {
      const std::size_t part_start = p;
      while (p < n_ && is_base64url(t_[p])) ++p;
      if (part < 2 && (p == part_start || p >= n_ || t_[p] != '.')) return word_end;
      if (part < 2) ++p;
    }
    if (p - begin < kMinJwt) return word_end;
    add(begin, p);
    return p;
  }

  std::size_t digits(std::size_t begin, std::size_t end) {
    if (begin > 0 && t_[begin - 1] == '.') return end;  // a fraction or a version number
    const std::size_t length = end - begin;
    if (length < 2 || length > 19) return end;
    for (std::size_t p = begin; p < end; ++p) {
      if (!is_digit(t_[p])) return end;  // "8a2f3c1e" (a UUID part), "3rd"
    }
    if (length >= 13 && length <= 19) {
      if (end + 1 < n_ && t_[end] == '.' && is_digit(t_[end + 1])) return end;  // a decimal number
      const auto d = t_.substr(begin, length);
      if (is_card_number_shape(d) && luhn_valid(d)) add(begin, end);
      return end;
    }
    if (length >= 2 && length <= 6 && end + 1 < n_ && (t_[end] == ' ' || t_[end] == '-') && is_digit(t_[end + 1])) {
      return grouped_digits(begin, end);
    }
    return end;
  }

  // "4111 1111 1111 1111", "3782-822463-10005": groups joined by one kind of single separator.
  std::size_t grouped_digits(std::size_t begin, std::size_t first_end) {
    char buffer[19];
    std::size_t count = 0;
    const char separator = t_[first_end];
    std::size_t p = begin;
    while (p < n_) {
      if (is_digit(t_[p])) {
        if (count == sizeof buffer) return first_end;
        buffer[count++] = t_[p++];
      } else if (t_[p] == separator && p + 1 < n_ && is_digit(t_[p + 1])) {
        ++p;
      } else {
        break;
      }
    }
    if (count < 13 || (p < n_ && is_alnum(t_[p]))) return first_end;
    const std::string_view d(buffer, count);
    if (!is_card_number_shape(d) || !luhn_valid(d)) return first_end;
    add(begin, p);
    return p;
  }

  std::size_t separator(std::size_t i) {
    if (t_[i] == ':' && i + 2 < n_ && t_[i + 1] == '/' && t_[i + 2] == '/') return url(i + 3);
    // The key before it: "password=", "password: ", "\"password\":", "'password':", "\\\"password\\\":"
    std::size_t k = i;
    while (k > floor_ && t_[k - 1] == ' ') --k;
    if (k > floor_ && (t_[k - 1] == '"' || t_[k - 1] == '\'')) {
      --k;
      if (k > floor_ && t_[k - 1] == '\\') --k;
    }
    if (k == 0 || k <= floor_ || !is_alpha(t_[k - 1])) return i + 1;
    if (!has_secret_key_tail(k)) return i + 1;  // most keys are out after three characters
    std::size_t key_begin = k;
    while (key_begin > floor_ && is_key_char(t_[key_begin - 1]) && k - key_begin < kMaxKeyBytes) --key_begin;
    if (!is_secret_key(t_.substr(key_begin, k - key_begin))) return i + 1;
    return value(i);
  }

  // The last three characters of the key ending at `end` (lowercased, '_', '-', '.' skipped) are
  // those of a secret key's ending.
  bool has_secret_key_tail(std::size_t end) const {
    char tail[3];
    int have = 0;
    for (std::size_t p = end; p > floor_ && have < 3 && end - p < kMaxKeyBytes; --p) {
      const char c = t_[p - 1];
      if (c == '_' || c == '-' || c == '.') continue;
      if (!is_alnum(c)) break;
      tail[2 - have++] = lower(c);
    }
    if (have < 3) return false;
    const std::uint32_t code = tail_code(std::string_view(tail, 3));
    return std::find(kSecretKeyTails.begin(), kSecretKeyTails.end(), code) != kSecretKeyTails.end();
  }

  std::size_t value(std::size_t separator_at) {
    std::size_t v = separator_at + 1;
    const bool colon = t_[separator_at] == ':';
    if (!colon && v < n_ && t_[v] == '>') ++v;  // Ruby's "key" => "value"
    if (v < n_ && (t_[v] == ':' || t_[v] == '=')) return v;  // "::", ":=", "==": not an assignment
    while (v < n_ && (t_[v] == ' ' || t_[v] == '\t')) ++v;
    if (v >= n_) return n_;
    char quote = 0;
    bool escaped_quotes = false;  // JSON inside a JSON string: \"key\":\"value\"
    if (t_[v] == '"' || t_[v] == '\'') {
      quote = t_[v++];
    } else if (t_[v] == '\\' && v + 1 < n_ && t_[v + 1] == '"') {
      quote = '"';
      escaped_quotes = true;
      v += 2;
    }
    const std::size_t s = v;
    if (masked_at(s)) return s + kFiltered.size();
    std::size_t e = s;
    if (quote != 0) {
      while (e < n_) {
        if (t_[e] == '\\') {
          if (escaped_quotes && e + 1 < n_ && t_[e + 1] == '"') break;
          e += 2;
          continue;
        }
        if (!escaped_quotes && t_[e] == quote) break;
        ++e;
      }
      e = std::min(e, n_);
    } else {
      if (t_[s] == '{' || t_[s] == '[') return s;  // a structure: its own keys decide
      while (e < n_ && !is_value_end(t_[e])) ++e;
      if (colon && is_json_literal(t_.substr(s, e - s))) return e;
    }
    if (e == s) return e;
    // "Basic dXNlcjpwYXNz", "Bearer abc.def": the scheme stays, the credential goes.
    std::size_t scheme_end = s;
    while (scheme_end < e && !is_value_end(t_[scheme_end])) ++scheme_end;
    if (scheme_end < n_ && t_[scheme_end] == ' ' && is_auth_scheme(t_.substr(s, scheme_end - s))) {
      std::size_t c = scheme_end;
      while (c < n_ && t_[c] == ' ') ++c;
      if (masked_at(c)) return c + kFiltered.size();
      std::size_t ce = c;
      if (quote != 0) {
        ce = e;
      } else {
        while (ce < n_ && !is_value_end(t_[ce])) ++ce;
      }
      if (ce > c) {
        add(c, ce);
        return ce;
      }
      return scheme_end;
    }
    add(s, e);
    return e;
  }

  // After "://": a password in the userinfo ("user:password@host").
  std::size_t url(std::size_t p) {
    std::size_t colon = std::string_view::npos;
    std::size_t j = p;
    for (; j < n_ && j - p < kMaxUserinfoBytes; ++j) {
      const char c = t_[j];
      if (c == '@') break;
      if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
          c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return p;
      }
      if (c == ':' && colon == std::string_view::npos) colon = j;
    }
    if (j >= n_ || t_[j] != '@' || colon == std::string_view::npos) return p;
    if (t_.substr(colon + 1, j - colon - 1) != kFiltered) add(colon + 1, j);
    return j + 1;  // the '@' is no e-mail address
  }

  std::size_t at(std::size_t i) {
    if (!options_.emails) return i + 1;
    std::size_t b = i;
    while (b > floor_ && is_email_local_char(t_[b - 1]) && i - b < kMaxEmailLocalBytes) --b;
    while (b < i && t_[b] == '.') ++b;
    if (b == i) return i + 1;
    std::size_t d = i + 1;
    while (d < n_ && is_domain_char(t_[d]) && d - i <= kMaxDomainBytes) ++d;
    while (d > i + 1 && (t_[d - 1] == '.' || t_[d - 1] == '-')) --d;
    const auto domain = t_.substr(i + 1, d - i - 1);
    const auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return i + 1;
    const auto tld = domain.substr(dot + 1);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha)) return i + 1;
    add(b, d);
    return d;
  }

  bool masked_at(std::size_t p) const { return t_.substr(p, kFiltered.size()) == kFiltered; }

  std::string_view t_;
  std::size_t n_;
  const SecretScanOptions& options_;
  std::vector<SecretRange>& out_;
  std::size_t floor_ = 0;  // no new range may start before the end of the last one
};

}  // namespace

bool luhn_valid(std::string_view digits) noexcept {
  int sum = 0;
  bool double_it = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (d < 0 || d > 9) return false;
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return !digits.empty() && sum % 10 == 0;
}

void find_secrets(std::string_view text, const SecretScanOptions& options, std::vector<SecretRange>& out) {
  Scanner(text, options, out).run();
}

}  // namespace lambda_relay::insight
