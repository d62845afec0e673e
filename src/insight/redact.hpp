// Redaction of everything lambda-relay exports and relays: log lines and Sentry envelopes are masked
// before they leave the sandbox.
//
// Always: keys on Sentry's default denylist (password, secret, token, auth, authorization, cookie,
// session, …) in Sentry events; in any text, AWS access key ids, values of secret-looking keys
// (key=value, key: value, "key": "value"), bearer tokens and JWTs, passwords in URLs, card numbers
// (Luhn-checked); and the patterns of LAMBDA_RELAY_REDACT.
// Unless send_default_pii (LAMBDA_RELAY_SEND_DEFAULT_PII=true), also what Sentry's SDKs leave out with
// send_default_pii=False: user.ip_address, X-Forwarded-For / X-Real-IP / remote_addr values, the
// request's cookies; and e-mail addresses in any text.
// Masked values become "[Filtered]", as Sentry writes them.
#pragma once

#include <lambda_relay/result.hpp>

#include "insight/secret_scanner.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_relay::insight {

struct RedactOptions {
  bool send_default_pii = false;      // LAMBDA_RELAY_SEND_DEFAULT_PII
  // LAMBDA_RELAY_REDACT: POSIX extended regular expressions (as `grep -E`, plus \d, \w, \s; no
  // back-references); group 1, if there is one, is what is masked, else the whole match.
  std::vector<std::string> patterns;
};

// Nothing when `pattern` is a usable pattern; otherwise why not.
[[nodiscard]] Result<void> check_redact_pattern(std::string_view pattern);

class Redactor {
 public:
  // Built-in rules only, send_default_pii off.
  Redactor();
  // Fails when a pattern does not compile (the error names it).
  [[nodiscard]] static Result<Redactor> create(const RedactOptions& options);

  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  ~Redactor();

  // Masks secrets (and, without send_default_pii, e-mail addresses) in one log line or text value.
  // True when something was masked.
  bool redact_text(std::string& text) const;

  // Scrubs one Sentry envelope (uncompressed) in place: the JSON items (event, transaction, log, span,
  // session(s), check_in, feedback, user_report, replay_event) are parsed, scrubbed and re-serialised
  // when something changed — their `length` is then updated; every other item, and the envelope header
  // (dsn, trace), is kept byte for byte. Returns how many items changed. An error for an envelope or
  // JSON item that cannot be parsed: it could not be scrubbed, so it should not be forwarded as is.
  [[nodiscard]] Result<std::size_t> scrub_envelope(std::string& envelope) const;

  // Scrubs one Sentry event/transaction/log JSON document in place; true when it changed.
  [[nodiscard]] Result<bool> scrub_json(std::string& json) const;

  [[nodiscard]] bool send_default_pii() const noexcept { return send_default_pii_; }

 private:
  struct Patterns;

  bool apply_patterns(std::string& text) const;

  bool send_default_pii_ = false;
  std::unique_ptr<Patterns> patterns_;
  mutable std::vector<SecretRange> ranges_;  // reused between calls: redaction allocates nothing per clean line
};

}  // namespace lambda_relay::insight
