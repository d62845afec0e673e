#include "insight/denylist.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace lambda_relay::insight {
namespace {

// sentry-python 2.x scrubber.py DEFAULT_DENYLIST, normalised (lowercase, '-' → '_').
constexpr std::array<std::string_view, 33> kDenylist{
    // stolen from relay
    "password", "passwd", "secret", "api_key", "apikey", "auth", "credentials", "mysql_pwd", "privatekey",
    "private_key", "token", "session",
    // django / flask / rails and other frameworks
    "csrftoken", "sessionid", "x_csrftoken", "x_forwarded_for", "set_cookie", "cookie", "authorization",
    "proxy_authorization", "x_api_key",
    // common names
    "aiohttp_session", "connect.sid", "csrf_token", "csrf", "_csrf", "_csrf_token", "phpsessid", "_session",
    "symfony", "user_session", "_xsrf", "xsrf_token"};

// DEFAULT_PII_DENYLIST.
constexpr std::array<std::string_view, 4> kPiiDenylist{"x_forwarded_for", "x_real_ip", "ip_address", "remote_addr"};

constexpr std::size_t kLongestKey = 20;

template <std::size_t N>
bool matches(std::string_view key, const std::array<std::string_view, N>& list) noexcept {
  if (key.empty() || key.size() > kLongestKey) return false;
  char normalised[kLongestKey];
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    normalised[i] = c == '-' ? '_' : static_cast<char>(std::tolower(c));
  }
  const std::string_view k(normalised, key.size());
  return std::find(list.begin(), list.end(), k) != list.end();
}

}  // namespace

bool is_denylisted_key(std::string_view key) noexcept { return matches(key, kDenylist); }
bool is_pii_key(std::string_view key) noexcept { return matches(key, kPiiDenylist); }

}  // namespace lambda_relay::insight
