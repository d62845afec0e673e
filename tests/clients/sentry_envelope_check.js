// Parses lambda-relay's Sentry envelopes with @sentry/core's own parseEnvelope (the code the JavaScript
// SDK uses) and checks every item and the synthesized events' fields against <name>.expect.json.
//
//   usage: node sentry_envelope_check.js <dir written by sentry_envelopes>
'use strict';

const fs = require('fs');
const path = require('path');
const { parseEnvelope, dsnFromString } = require('@sentry/core');

const dir = process.argv[2];
let failures = 0;
let checks = 0;

function ok(cond, name, what, detail) {
  checks += 1;
  if (cond) return;
  failures += 1;
  console.log(`FAIL: ${name}: ${what}${detail === undefined ? '' : ` (${JSON.stringify(detail)})`}`);
}

// parseEnvelope hands over a length-prefixed payload as bytes and an implicit-length one already parsed.
function payloadJson(payload) {
  if (!(payload instanceof Uint8Array) && typeof payload === 'object') return payload;
  const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  return JSON.parse(text);
}

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.envelope')).sort()) {
  const name = file.replace(/\.envelope$/, '');
  const bytes = fs.readFileSync(path.join(dir, file));
  let envelope;
  try {
    envelope = parseEnvelope(new Uint8Array(bytes));
  } catch (e) {
    ok(false, name, 'parseEnvelope accepts it', String(e));
    continue;
  }
  const [header, items] = envelope;
  ok(items.length > 0, name, 'has items');
  for (const [itemHeader, payload] of items) {
    ok(typeof itemHeader.type === 'string', name, 'item header has a type', itemHeader);
    if (typeof itemHeader.length === 'number') {
      ok(payload instanceof Uint8Array && payload.length === itemHeader.length, name,
         `${itemHeader.type} payload is exactly length bytes`, itemHeader.length);
    }
    if (['event', 'client_report'].includes(itemHeader.type)) {
      try {
        payloadJson(payload);
      } catch (e) {
        ok(false, name, `${itemHeader.type} payload is JSON`, String(e));
      }
    }
  }

  if (name.startsWith('scrubbed-')) {
    const event = payloadJson(items.find(([h]) => h.type === 'event')[1]);
    ok(event.user === undefined || event.user.ip_address === undefined, name, 'no user.ip_address');
    if (event.request && event.request.headers) {
      for (const h of ['Authorization', 'Cookie', 'X-Forwarded-For']) {
        if (h in event.request.headers) ok(event.request.headers[h] === '[Filtered]', name, `${h} filtered`);
      }
    }
    ok(/^[0-9a-f]{32}$/.test(header.event_id), name, 'envelope header kept its event_id', header.event_id);
    continue;
  }

  const expect = JSON.parse(fs.readFileSync(path.join(dir, `${name}.expect.json`), 'utf8'));
  ok(/^[0-9a-f]{32}$/.test(header.event_id), name, 'header event_id is 32 lowercase hex', header.event_id);
  ok(!Number.isNaN(Date.parse(header.sent_at)), name, 'header sent_at is a date', header.sent_at);
  const dsn = dsnFromString(header.dsn);
  ok(dsn && dsn.projectId === '4507987654321' && dsn.publicKey === 'e3b7c1f4a9d2480e8c6f5b1a7d3e9c20', name,
     'header dsn parses with dsnFromString', header.dsn);
  ok(header.sdk && header.sdk.name === 'lambda-relay', name, 'header sdk', header.sdk);
  ok(items.length === 1 && items[0][0].type === 'event', name, 'one event item', items.map(([h]) => h));
  const event = payloadJson(items[0][1]);
  ok(event.event_id === header.event_id, name, 'event_id matches the header');
  ok(event.level === expect.level, name, `level ${expect.level}`, event.level);
  ok(typeof event.timestamp === 'number' && event.timestamp > 1.7e9, name, 'timestamp in seconds', event.timestamp);
  ok(event.platform === 'node', name, 'platform from the runtime version', event.platform);
  ok(event.environment === 'test' && event.release === 'orders-api@1.8.2', name, 'environment and release');
  const exception = event.exception && event.exception.values && event.exception.values[0];
  ok(exception && exception.type === expect.type, name, `exception type ${expect.type}`, exception && exception.type);
  ok(exception && exception.value === expect.value, name, 'exception value', exception && exception.value);
  ok(exception && exception.mechanism && exception.mechanism.handled === false && exception.mechanism.synthetic === true,
     name, 'mechanism unhandled and synthetic', exception && exception.mechanism);
  const lambda = event.contexts && event.contexts['aws.lambda'];
  ok(lambda && lambda.function_name === 'orders-api' && lambda.function_version === '$LATEST', name,
     'aws.lambda context', lambda);
  ok(lambda && lambda.aws_request_id === expect.request_id, name, 'aws.lambda aws_request_id', lambda && lambda.aws_request_id);
  const logs = event.contexts && event.contexts['aws.cloudwatch.logs'];
  ok(logs && logs.log_group === '/aws/lambda/orders-api' &&
     logs.url.startsWith('https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/%2Faws%2Flambda%2Forders-api/log-events/'),
     name, 'aws.cloudwatch.logs context', logs);
  if (expect.request_id) ok(logs && logs.url.endsWith(`?filterPattern="${expect.request_id}"`), name, 'logs url filters the request');
  const trace = event.contexts && event.contexts.trace;
  if (expect.trace_id) {
    ok(trace && trace.trace_id === expect.trace_id && /^[0-9a-f]{16}$/.test(trace.span_id), name, 'trace context', trace);
  } else {
    ok(trace === undefined, name, 'no trace context without a request', trace);
  }
  ok(event.tags && event.tags.function === 'orders-api' && event.tags.aws_region === 'us-east-1' &&
     typeof event.tags.errorType === 'string', name, 'tags', event.tags);
  ok(Array.isArray(event.fingerprint) && event.fingerprint.join('|') === `lambda-relay|orders-api|${expect.kind}`, name,
     'fingerprint per function and kind', event.fingerprint);
  const crumbs = (event.breadcrumbs && event.breadcrumbs.values) || [];
  ok(crumbs.length === expect.breadcrumbs, name, `${expect.breadcrumbs} breadcrumbs`, crumbs.length);
  for (const crumb of crumbs) {
    ok(typeof crumb.timestamp === 'number' && typeof crumb.message === 'string', name, 'breadcrumb shape', crumb);
    ok(!/jane@example\.com|token=abc123/.test(crumb.message), name, 'breadcrumbs are redacted', crumb.message);
  }
}

console.log(`${failures === 0 ? 'PASS' : 'FAIL'}: ${checks} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
