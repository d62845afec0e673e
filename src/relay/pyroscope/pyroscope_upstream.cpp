#include "relay/pyroscope/pyroscope_upstream.hpp"

#include <algorithm>
#include <cctype>

namespace lambda_relay::relay::pyroscope {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void set_header(std::vector<std::pair<std::string, std::string>>& headers, std::string name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
}

std::string base64(std::string_view data) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const auto byte = [&](std::size_t k) { return i + k < data.size() ? static_cast<unsigned char>(data[i + k]) : 0U; };
    const unsigned triple = (byte(0) << 16) | (byte(1) << 8) | byte(2);
    out.push_back(kAlphabet[(triple >> 18) & 63]);
    out.push_back(kAlphabet[(triple >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(triple >> 6) & 63] : '=');
    out.push_back(i + 2 < data.size() ? kAlphabet[triple & 63] : '=');
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Userinfo is percent-encoded in a URL ("p%40ss" is "p@ss"); a malformed escape stays as it is.
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string userinfo_authorization(std::string_view userinfo) {
  if (userinfo.empty()) return {};
  const auto colon = userinfo.find(':');
  return basic_authorization(percent_decoded(userinfo.substr(0, colon)),
                             colon == std::string_view::npos ? std::string{} : percent_decoded(userinfo.substr(colon + 1)));
}

}  // namespace

std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string credentials(user);
  credentials += ':';
  credentials += password;
  return "Basic " + base64(credentials);
}

void apply_upstream_headers(const PyroscopeUpstream& upstream, std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : upstream.headers) set_header(headers, name, value);
  if (upstream.userinfo_authorization.empty()) return;
  if (std::none_of(headers.begin(), headers.end(), [](const auto& h) { return iequals(h.first, "Authorization"); })) {
    headers.emplace_back("Authorization", upstream.userinfo_authorization);
  }
}

PyroscopeUpstream add_pyroscope_upstream(delivery::DeliveryEngine& engine, const config::PyroscopeConfig& config) {
  PyroscopeUpstream upstream;
  upstream.remote = config.remote;
  upstream.headers = config.http_headers;
  // The extension's order: a token first, else basic auth.
  if (!config.auth_token.empty()) {
    set_header(upstream.headers, "Authorization", "Bearer " + config.auth_token);
  } else if (!config.basic_auth_user.empty()) {
    set_header(upstream.headers, "Authorization", basic_authorization(config.basic_auth_user, config.basic_auth_password));
  }
  if (!config.tenant_id.empty()) set_header(upstream.headers, "X-Scope-OrgID", config.tenant_id);
  upstream.userinfo_authorization = userinfo_authorization(config.remote.userinfo);

  delivery::UpstreamOptions options;
  if (config.timeout) options.request_timeout = *config.timeout;
  upstream.id = engine.add_upstream("pyroscope", config.remote, options);
  return upstream;
}

}  // namespace lambda_relay::relay::pyroscope
