#include "relay/sentry/auth.hpp"

#include "relay/query_string.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace lambda_relay::relay::sentry {
namespace {

constexpr std::string_view kOwnClient = "lambda-relay/0.1.0";
constexpr std::size_t kMaxClientLength = 200;

// Printable ASCII without the separators of the auth header: the value goes into our own header.
bool header_safe(std::string_view text) {
  return !text.empty() && text.size() <= kMaxClientLength && std::all_of(text.begin(), text.end(), [](char c) {
           return c > ' ' && c < 0x7f && c != ',' && c != '"';
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The sentry_client of "Sentry sentry_key=a, sentry_client=b/1".
std::optional<std::string_view> client_in_auth_header(std::string_view value) {
  if (value.size() < 7 || !std::equal(value.begin(), value.begin() + 7, "sentry ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      })) {
    return std::nullopt;
  }
  value.remove_prefix(7);
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto pair = trim(value.substr(0, comma));
    if (pair.starts_with("sentry_client=")) return pair.substr(14);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

}  // namespace

std::string auth_header(const Dsn& dsn, std::string_view client) {
  auto header = fmt::format("Sentry sentry_key={}, sentry_version=7, sentry_client={}", dsn.public_key, client);
  if (!dsn.secret_key.empty()) header += fmt::format(", sentry_secret={}", dsn.secret_key);
  return header;
}

std::string sentry_client(const net::Request& request, std::string_view query) {
  if (auto client = query_parameter(query, "sentry_client"); client && header_safe(*client)) return *client;
  for (const auto field : {"X-Sentry-Auth", "Authorization"}) {
    if (const auto it = request.find(field); it != request.end()) {
      const auto client = client_in_auth_header(std::string_view(it->value()));
      if (client && header_safe(*client)) return std::string(*client);
    }
  }
  if (const auto it = request.find(net::http::field::user_agent); it != request.end()) {
    const std::string_view agent = it->value();
    if (header_safe(agent)) return std::string(agent);
  }
  return std::string(kOwnClient);
}

}  // namespace lambda_relay::relay::sentry
