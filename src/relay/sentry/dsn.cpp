#include "relay/sentry/dsn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lambda_relay::relay::sentry {
namespace {

Error invalid(std::string message) { return make_error("InvalidDsn", std::move(message)); }

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

net::Url endpoint(const Dsn& dsn, std::string_view kind) {
  net::Url url;
  url.scheme = dsn.scheme;
  url.host = dsn.host;
  url.port = dsn.port;
  url.target = fmt::format("{}/api/{}/{}/", dsn.path_prefix, dsn.project_id, kind);
  return url;
}

}  // namespace

net::Url Dsn::envelope_url() const { return endpoint(*this, "envelope"); }
net::Url Dsn::store_url() const { return endpoint(*this, "store"); }

bool Dsn::same_destination(const Dsn& other) const {
  return host == other.host && port == other.port && path_prefix == other.path_prefix &&
         project_id == other.project_id;
}

std::string Dsn::describe() const {
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("{}{}{}:{}{} project {}", v6 ? "[" : "", host, v6 ? "]" : "", port, path_prefix, project_id);
}

Result<Dsn> parse_dsn(std::string_view text) {
  auto url = net::parse_url(text);
  if (!url) return invalid(url.error().message);
  Dsn dsn;
  dsn.scheme = url->scheme;
  dsn.port = url->port;
  dsn.host = url->host;
  std::transform(dsn.host.begin(), dsn.host.end(), dsn.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view userinfo = url->userinfo;
  const auto colon = userinfo.find(':');
  dsn.public_key = std::string(userinfo.substr(0, colon));
  if (colon != std::string_view::npos) dsn.secret_key = std::string(userinfo.substr(colon + 1));
  if (dsn.public_key.empty()) return invalid("missing public key (the part before '@')");

  std::string_view path = url->target;
  path = path.substr(0, path.find_first_of("?#"));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const auto last_slash = path.rfind('/');
  const auto project = path.substr(last_slash + 1);
  if (project.empty()) return invalid("missing project id (the last path segment)");
  if (!all_digits(project)) return invalid(fmt::format("project id \"{}\" is not a number", project));
  dsn.project_id = std::string(project);
  dsn.path_prefix = std::string(path.substr(0, last_slash));
  return dsn;
}

}  // namespace lambda_relay::relay::sentry
