// The built-in secret finder behind redaction: one hand-written pass over a line that finds
//   - AWS access key ids (AKIA…, ASIA… and the other 4-letter prefixes, 20 characters)
//   - values of secret-looking keys in key=value / key: value / "key": "value" form (password, passwd,
//     pwd, secret, token, api_key, access_key, private_key, credential(s), auth, authorization,
//     cookie, session_id, signature, passphrase, jwt, … as the end of the key name), which covers
//     AWS secret access keys and session tokens as they are logged; after an Authorization key the
//     scheme ("Basic", "Bearer", …) stays and the credential goes
//   - bearer tokens ("Bearer <token>") and JSON Web Tokens (eyJ….….…)
//   - passwords in URLs (scheme://user:password@host)
//   - card numbers: 13–19 digits (optionally grouped by single spaces or dashes) with a card network's
//     prefix and length and a valid Luhn check digit — so a 16-digit order id almost never matches
//   - e-mail addresses (only when asked: they are personal data, not secrets)
// It reports byte ranges; the caller replaces them. Written by hand rather than as regular expressions
// so that a line without secrets costs about one table lookup per byte.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace lambda_relay::insight {

// What a masked range becomes, as Sentry writes it. A value that already reads so is not reported
// again: masking a masked line changes nothing (lines are masked before export, and an exporter may
// mask what it builds from them once more).
inline constexpr std::string_view kFiltered = "[Filtered]";

struct SecretRange {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last byte
  bool operator==(const SecretRange&) const = default;
};

struct SecretScanOptions {
  bool emails = true;
};

// Appends the ranges to mask in `text`, in order and not overlapping.
void find_secrets(std::string_view text, const SecretScanOptions& options, std::vector<SecretRange>& out);

// Exposed for tests: the Luhn check over a string of digits.
[[nodiscard]] bool luhn_valid(std::string_view digits) noexcept;

}  // namespace lambda_relay::insight
