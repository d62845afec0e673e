#include "net/hosts_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>

namespace lambda_relay::net {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits off the next whitespace-separated field of `line`.
std::string_view next_field(std::string_view& line) {
  while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
  const auto end = std::find_if(line.begin(), line.end(), is_blank);
  const std::string_view field(line.data(), static_cast<std::size_t>(end - line.begin()));
  line.remove_prefix(field.size());
  return field;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::optional<boost::asio::ip::address> address_on_line(std::string_view line, std::string_view name) {
  line = line.substr(0, line.find('#'));
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(next_field(line)), ec);
  if (ec) return std::nullopt;
  for (auto alias = next_field(line); !alias.empty(); alias = next_field(line)) {
    if (same_name(alias, name)) return address;
  }
  return std::nullopt;
}

}  // namespace

std::optional<boost::asio::ip::address> address_in_hosts(std::string_view hosts_text, std::string_view name) {
  while (!hosts_text.empty()) {
    const auto newline = std::min(hosts_text.find('\n'), hosts_text.size());
    if (auto address = address_on_line(hosts_text.substr(0, newline), name)) return address;
    hosts_text.remove_prefix(std::min(newline + 1, hosts_text.size()));
  }
  return std::nullopt;
}

// stdio rather than <fstream>: iostreams would link std::locale into the static binary (hundreds of KB).
std::optional<boost::asio::ip::address> address_in_hosts_file(std::string_view name, const char* path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path, "re"), &std::fclose);
  if (!file) return std::nullopt;
  std::string text;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0;) text.append(chunk, n);
  return address_in_hosts(text, name);
}

}  // namespace lambda_relay::net
