// The relay's routing: patterns, captures, methods, and where a forwarded request goes.
#include "relay/forward_routes.hpp"
#include "relay/query_string.hpp"
#include "relay/route_table.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::relay {
namespace {

using net::http::verb;

RouteHandler named(std::string name) {
  return [name](net::Request& request, const RouteMatch&) {
    return net::make_response(request, net::http::status::ok, name, "text/plain");
  };
}

std::string route_of(const RouteTable& table, std::string_view target, verb method = verb::post) {
  auto found = table.find(method, target);
  if (!found) return "(none)";
  if (found->handler == nullptr) return "(method)";
  net::Request request;
  return (*found->handler)(request, found->match).body();
}

RouteTable sample_table() {
  RouteTable table;
  table.add("/envelope", named("tunnel"));
  table.add("/api/{project}/envelope/", named("envelope"));
  table.add("/v1/traces", named("traces"));
  table.add("/logs/*", named("forward-logs"));
  table.add("/*", named("catch-all"));
  return table;
}

TEST(RouteTable, RoutesByPathWithOrWithoutTrailingSlashAndIgnoresTheQuery) {
  RouteTable table;
  table.add("/envelope", named("tunnel"));
  table.add("/api/{project}/envelope/", named("envelope"));
  EXPECT_EQ(route_of(table, "/envelope"), "tunnel");
  EXPECT_EQ(route_of(table, "/envelope/"), "tunnel");
  EXPECT_EQ(route_of(table, "/api/42/envelope/?sentry_key=k&sentry_version=7"), "envelope");
  EXPECT_EQ(route_of(table, "/api/42/envelope"), "envelope");
  EXPECT_EQ(route_of(table, "/api//envelope/"), "(none)") << "a parameter is never empty";
  EXPECT_EQ(route_of(table, "/api/42/envelope/extra"), "(none)");
  EXPECT_EQ(route_of(table, "/envelopes"), "(none)");
  EXPECT_EQ(route_of(table, "envelope"), "(none)");
}

TEST(RouteTable, CapturesParametersRestAndQuery) {
  const auto table = sample_table();
  auto found = table.find(verb::post, "/api/42/envelope/?a=b");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->match.params, (std::vector<std::string_view>{"42"}));
  EXPECT_EQ(found->match.path, "/api/42/envelope/");
  EXPECT_EQ(found->match.query, "a=b");
  auto logs = table.find(verb::post, "/logs/app/x/?q=1");
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->match.rest, "/app/x/") << "the client's own trailing slash is kept";
  auto bare = table.find(verb::post, "/logs");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->match.rest, "");
}

TEST(RouteTable, TriesRoutesInOrderSoProtocolsComeBeforeForwarding) {
  const auto table = sample_table();
  EXPECT_EQ(route_of(table, "/v1/traces"), "traces");
  EXPECT_EQ(route_of(table, "/logs/a"), "forward-logs");
  EXPECT_EQ(route_of(table, "/logsx"), "catch-all") << "prefixes end at a segment boundary";
  EXPECT_EQ(route_of(table, "/"), "catch-all");
}

TEST(RouteTable, TellsAWrongMethodFromAnUnknownPath) {
  RouteTable table;
  table.add("/envelope", named("tunnel"));
  EXPECT_EQ(route_of(table, "/envelope", verb::get), "(method)");
  EXPECT_EQ(table.allowed_methods("/envelope"), "POST");
  EXPECT_EQ(route_of(table, "/nothing", verb::get), "(none)");
}

TEST(RouteTable, DescribesItsRoutesForA404) {
  EXPECT_EQ(sample_table().describe(),
            "POST /envelope, POST /api/{project}/envelope/, POST /v1/traces, POST /logs/*, POST /*");
}

TEST(ForwardTarget, AppendsTheRestOfThePathAndTheQueryToTheUrl) {
  const auto url = net::parse_url("http://collector:8080/ingest").value();
  EXPECT_EQ(forward_target(url, "", ""), "/ingest");
  EXPECT_EQ(forward_target(url, "/app", "x=1"), "/ingest/app?x=1");
  const auto slash = net::parse_url("http://collector:8080/").value();
  EXPECT_EQ(forward_target(slash, "/app/", ""), "/app/");
  EXPECT_EQ(forward_target(slash, "", ""), "/");
  const auto with_query = net::parse_url("http://collector:8080/in?token=t").value();
  EXPECT_EQ(forward_target(with_query, "/a", "x=1"), "/in/a?token=t&x=1");
  EXPECT_EQ(forward_target(with_query, "", ""), "/in?token=t");
}

TEST(QueryString, DecodesOneParameter) {
  constexpr std::string_view query =
      "sentry_version=7&sentry_key=publickey&sentry_client=sentry.javascript.aws-serverless%2F10.75.2&flag&x=a+b";
  EXPECT_EQ(query_parameter(query, "sentry_key"), std::optional<std::string>("publickey"));
  EXPECT_EQ(query_parameter(query, "sentry_client"), std::optional<std::string>("sentry.javascript.aws-serverless/10.75.2"));
  EXPECT_EQ(query_parameter(query, "flag"), std::optional<std::string>(""));
  EXPECT_EQ(query_parameter(query, "x"), std::optional<std::string>("a b"));
  EXPECT_EQ(query_parameter(query, "missing"), std::nullopt);
  EXPECT_EQ(query_parameter("a=%2", "a"), std::nullopt);
  EXPECT_EQ(query_parameter("a=%zz", "a"), std::nullopt);
}

}  // namespace
}  // namespace lambda_relay::relay
