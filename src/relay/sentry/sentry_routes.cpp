#include "relay/sentry/sentry_routes.hpp"

#include "json/writer.hpp"
#include "relay/content_encoding.hpp"
#include "relay/ingest_response.hpp"
#include "relay/sentry/auth.hpp"
#include "relay/sentry/data_category.hpp"
#include "relay/sentry/store_event.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lambda_relay::relay::sentry {
namespace {

using net::http::status;
using Clock = delivery::DeliveryEngine::Clock;

constexpr std::string_view kEnvelopeContentType = "application/x-sentry-envelope";

std::string lower(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string id_body(std::string_view event_id) {
  if (event_id.empty()) return "{}";
  std::string body;
  json::Writer(body).begin_object().field("id", event_id).end_object();
  return body;
}

std::string header_value(const net::Request& request, net::http::field field) {
  const auto it = request.find(field);
  return it == request.end() ? std::string{} : std::string(it->value());
}

net::Response decode_refusal(const net::Request& request, const Error& error) {
  return refused(request, error.code == "UnsupportedEncoding" ? status::unsupported_media_type : status::bad_request,
                 error.message);
}

std::string mismatch_reason(std::string_view what, const Dsn& theirs, const Dsn& ours) {
  return fmt::format("{} points to {}, not to SENTRY_DSN's {}: lambda-relay forwards only to SENTRY_DSN", what,
                     theirs.describe(), ours.describe());
}

}  // namespace

SentryRoutes::SentryRoutes(delivery::DeliveryEngine& engine, const log::Logger& logger,
                           std::optional<SentryUpstream> upstream, const insight::Redactor& redactor,
                           std::size_t max_decoded_bytes)
    : engine_(engine),
      logger_(logger),
      upstream_(std::move(upstream)),
      redactor_(redactor),
      max_decoded_bytes_(max_decoded_bytes) {}

void SentryRoutes::add_to(RouteTable& routes) {
  routes.add("/envelope", [this](net::Request& r, const RouteMatch& m) { return envelope(r, m, false); });
  routes.add("/api/{project}/envelope/", [this](net::Request& r, const RouteMatch& m) { return envelope(r, m, true); });
  routes.add("/api/{project}/store/", [this](net::Request& r, const RouteMatch& m) { return store(r, m, true); });
  routes.add("/api/store/", [this](net::Request& r, const RouteMatch& m) { return store(r, m, false); });
}

void SentryRoutes::warn_once(std::string_view reason) {
  if (std::exchange(warned_, true)) {
    logger_.debug("sentry: refused an envelope: {}", reason);
  } else {
    logger_.warn("sentry: refused an envelope: {} (further refusals are logged at debug level)", reason);
  }
}

std::optional<net::Response> SentryRoutes::check_configured(const net::Request& request, const RouteMatch& match,
                                                            bool project_in_path) {
  if (!upstream_) {
    return refused(request, status::service_unavailable,
                   "SENTRY_DSN is not set: lambda-relay has nowhere to forward Sentry data");
  }
  if (project_in_path && match.params.front() != upstream_->dsn.project_id) {
    auto reason = fmt::format("project {} in the path is not SENTRY_DSN's project {}: lambda-relay forwards only to "
                              "SENTRY_DSN",
                              match.params.front().substr(0, 40), upstream_->dsn.project_id);
    warn_once(reason);
    return refused(request, status::forbidden, reason);
  }
  return std::nullopt;
}

std::optional<net::Response> SentryRoutes::check_destination(const net::Request& request, const Envelope& envelope) {
  if (!envelope.dsn) return std::nullopt;  // the DSN is ours: SENTRY_DSN
  auto theirs = parse_dsn(*envelope.dsn);
  if (!theirs) {
    return refused(request, status::bad_request, fmt::format("the envelope's dsn is invalid: {}", theirs.error().message));
  }
  if (upstream_->dsn.same_destination(*theirs)) return std::nullopt;
  auto reason = mismatch_reason("the envelope's dsn", *theirs, upstream_->dsn);
  warn_once(reason);
  return refused(request, status::forbidden, reason);
}

net::Response SentryRoutes::envelope(net::Request& request, const RouteMatch& match, bool project_in_path) {
  if (auto refusal = check_configured(request, match, project_in_path)) return std::move(*refusal);
  const auto encoding = lower(header_value(request, net::http::field::content_encoding));
  std::string decoded_storage;
  const bool identity = is_identity(encoding);
  if (!identity) {
    auto decoded = decode_body(encoding, request.body(), max_decoded_bytes_);
    if (!decoded) return decode_refusal(request, decoded.error());
    decoded_storage = std::move(decoded).value();
  }
  std::string& decoded = identity ? request.body() : decoded_storage;
  if (decoded.empty()) return refused(request, status::bad_request, "empty request body: expected a Sentry envelope");
  auto parsed = parse_envelope(decoded);
  if (!parsed) return refused(request, status::bad_request, parsed.error().message);
  if (auto refusal = check_destination(request, *parsed)) return std::move(*refusal);

  Received received;
  if (encoding == "gzip" || encoding == "x-gzip") {
    received.encoding = "gzip";
  } else if (encoding == "br" || (encoding == "deflate" && is_zlib_stream(request.body()))) {
    received.encoding = encoding;
  } else if (!identity) {
    received.forward_as_is = false;  // raw deflate or a list of codings: Sentry gets it decoded
  }
  return submit(request, match, decoded, *parsed, received);
}

net::Response SentryRoutes::store(net::Request& request, const RouteMatch& match, bool project_in_path) {
  if (auto refusal = check_configured(request, match, project_in_path)) return std::move(*refusal);
  const auto encoding = header_value(request, net::http::field::content_encoding);
  auto event = decode_body(encoding, request.body(), max_decoded_bytes_);
  if (!event) return decode_refusal(request, event.error());
  auto wrapped = wrap_store_event(*event);
  if (!wrapped) return refused(request, status::bad_request, wrapped.error().message);
  auto parsed = parse_envelope(wrapped->bytes);
  if (!parsed) return refused(request, status::bad_request, parsed.error().message);
  return submit(request, match, wrapped->bytes, *parsed, Received{"", false});
}

net::Response SentryRoutes::submit(net::Request& request, const RouteMatch& match, std::string& decoded,
                                   const Envelope& envelope, const Received& received) {
  auto answer = accepted(request, id_body(envelope.event_id));
  if (envelope.items.empty()) return answer;  // nothing to send (valid, and Sentry would drop it)
  const auto category = main_category(envelope);
  const auto now = Clock::now();
  if (const auto until = engine_.rate_limited_until(upstream_->id, category); until > now) {
    return upstream_rate_limited(request, until - now, category);
  }
  delivery::Payload payload;
  payload.content_type = kEnvelopeContentType;
  payload.category = std::string(category);
  payload.items = envelope.items.size();
  payload.headers.emplace_back("X-Sentry-Auth", auth_header(upstream_->dsn, sentry_client(request, match.query)));
  if (const auto agent = header_value(request, net::http::field::user_agent); !agent.empty()) {
    payload.headers.emplace_back("User-Agent", agent);
  }
  // Scrubbed before it is queued: nothing the SDK sent leaves the sandbox unredacted.
  const auto scrubbed = redactor_.scrub_envelope(decoded);
  if (!scrubbed) return refused(request, status::bad_request, scrubbed.error().message);
  const bool changed = *scrubbed > 0;
  if (changed || !received.forward_as_is) {
    payload.body = std::move(decoded);
  } else {
    payload.body = std::move(request.body());
    if (!received.encoding.empty()) payload.headers.emplace_back("Content-Encoding", received.encoding);
  }
  if (!engine_.submit(upstream_->id, std::move(payload))) return outbox_full(request);
  return answer;
}

}  // namespace lambda_relay::relay::sentry
