// Real-client test: @sentry/node (tunnel and DSN modes) sends through lambda-relay (dev mode) to a
// local upstream; every envelope must arrive intact, at SENTRY_DSN's project, with Sentry auth, and
// an envelope for another project must be refused.
//   node sentry_relay_test.mjs <lambda-relay>
// Exit 0 pass, 1 fail, 77 skipped (@sentry/node not installed).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checker, freePort, startRelay } from './relay_test_support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const relayPath = process.argv[2];
if (!existsSync(join(here, 'node_modules', '@sentry', 'node', 'package.json'))) {
  console.log(`SKIP: @sentry/node is not installed (run 'npm ci' in ${here})`);
  process.exit(77);
}

const { check, failures } = checker();

// Envelope parsing as Sentry does it: items with and without `length`.
function parseEnvelope(buffer) {
  let pos = 0;
  const line = () => {
    let end = buffer.indexOf(10, pos);
    if (end < 0) end = buffer.length;
    const text = buffer.subarray(pos, end).toString('utf8');
    pos = end + 1;
    return text;
  };
  const headers = JSON.parse(line());
  const items = [];
  while (pos < buffer.length) {
    const header = JSON.parse(line());
    let payload;
    if (typeof header.length === 'number') {
      payload = buffer.subarray(pos, pos + header.length);
      if (payload.length !== header.length) throw new Error('truncated item');
      pos += header.length + 1;
    } else {
      payload = Buffer.from(line(), 'utf8');
    }
    const json = (header.content_type || '').includes('json') || header.type !== 'attachment';
    items.push({ header, payload: json ? JSON.parse(payload.toString('utf8')) : payload });
  }
  return { headers, items };
}

const received = [];
let notify = () => {};
const upstream = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const gzipped = req.headers['content-encoding'] === 'gzip';
    let envelope = null;
    let error = null;
    try {
      envelope = parseEnvelope(gzipped ? gunzipSync(raw) : raw);
    } catch (e) {
      error = String(e);
    }
    received.push({ url: req.url, headers: req.headers, gzipped, envelope, error });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
    notify();
  });
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamPort = upstream.address().port;


const sentryDsn = `http://publickey@127.0.0.1:${upstreamPort}/42`;
const relayPort = await freePort();
const { relay, log: relayLog, listening } = startRelay(relayPath, relayPort, {
  LAMBDA_RELAY_LOG_LEVEL: 'debug',
  SENTRY_DSN: sentryDsn,
});

// Asynchronous: the upstream in this process must keep answering while a client runs.
function runClient(tag, dsn, tunnel) {
  const args = [join(here, 'sentry-client', 'index.mjs'), tag, dsn];
  if (tunnel) args.push(tunnel);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: here, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.log(`INFO: client ${tag} exited ${code}: ${stderr}`);
      resolve(code);
    });
  });
}

// The transaction: a `transaction` item, or (@sentry/node 11, span streaming) a `span` v2 batch.
function isTransaction(payload, tag) {
  return payload.transaction === `tx-${tag}` || (payload.items ?? []).some((s) => s.name === `tx-${tag}`);
}

function spansOf(payload) {
  return [...(payload.spans ?? []).map((s) => s.description), ...(payload.items ?? []).map((s) => s.name)];
}

function eventsOf(tag) {
  const out = [];
  for (const request of received) {
    for (const item of request.envelope?.items ?? []) {
      const p = item.payload;
      if (p && typeof p === 'object' && (p.tags?.run === tag || isTransaction(p, tag))) out.push({ request, item });
    }
  }
  return out;
}

function complete(tag) {
  const types = eventsOf(tag).map(({ item }) => item.header.type);
  return types.filter((t) => t === 'event').length >= 3 && (types.includes('transaction') || types.includes('span'));
}

try {
  await listening;
  const relayBase = `http://127.0.0.1:${relayPort}`;
  // Refused first: had it been forwarded, it would reach the upstream before the runs below.
  await runClient('foreign', `http://publickey@127.0.0.1:${upstreamPort}/43`, `${relayBase}/envelope`);
  check(await runClient('tunnel', sentryDsn, `${relayBase}/envelope`) === 0, 'tunnel client flushed');
  check(await runClient('dsn', `http://publickey@127.0.0.1:${relayPort}/42`) === 0, 'DSN-at-relay client flushed');

  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 20000);
    notify = () => {
      if (complete('tunnel') && complete('dsn')) {
        clearTimeout(timer);
        resolve();
      }
    };
    notify();
  });

  check(received.every((r) => r.error === null), 'every envelope at the upstream parses',
    received.filter((r) => r.error).map((r) => r.error).join('; '));
  check(received.every((r) => r.url === '/api/42/envelope/'), 'every request goes to SENTRY_DSN\'s envelope endpoint',
    received.map((r) => r.url).join(', '));
  const authOk = (r) => /^Sentry sentry_key=publickey, sentry_version=7, sentry_client=sentry\.javascript\.node\/\d/.test(r.headers['x-sentry-auth'] ?? '');
  check(received.every(authOk), 'every request carries X-Sentry-Auth with the DSN key and the SDK as client',
    received.map((r) => r.headers['x-sentry-auth']).join(' | '));
  check(eventsOf('foreign').length === 0, 'nothing of the envelope for another project reached the upstream');
  check(relayLog.some((l) => l.includes('refused an envelope') && l.includes('project 43')),
    'lambda-relay logged the refusal');

  for (const tag of ['tunnel', 'dsn']) {
    const events = eventsOf(tag);
    const payloads = events.map(({ item }) => item.payload);
    check(payloads.some((p) => p.exception?.values?.[0]?.value === `boom-${tag}`), `${tag}: the exception arrived`);
    check(payloads.some((p) => p.message === `hello-${tag}` || p.logentry?.message === `hello-${tag}`),
      `${tag}: the message arrived`);
    const big = payloads.find((p) => p.message === `big-${tag}` || p.logentry?.message === `big-${tag}`);
    check(big && big.extra?.padding?.length === 40 * 1024, `${tag}: the 40 KiB message arrived whole`);
    const bigRequest = events.find(({ item }) => item.payload === big)?.request;
    check(bigRequest?.gzipped === true, `${tag}: the SDK gzipped it and lambda-relay forwarded it gzipped`);
    const tx = events.find(({ item }) => isTransaction(item.payload, tag));
    check(tx && spansOf(tx.item.payload).includes('child'), `${tag}: the transaction arrived with its span`,
      tx ? JSON.stringify(tx.item.header) : 'none');
    if (tag === 'tunnel') {
      check(events.every(({ request }) => request.envelope.headers.dsn === sentryDsn),
        'tunnel: the envelope headers keep the SDK\'s dsn');
    }
  }
} catch (e) {
  check(false, 'test ran', String(e));
} finally {
  relay.kill('SIGTERM');
  upstream.close();
}
if (failures()) {
  console.log('----- lambda-relay output -----');
  console.log(relayLog.slice(-40).join('\n'));
}
console.log(failures() ? `RESULT: FAIL (${failures()})` : 'RESULT: PASS (SentryNodeThroughRelay)');
process.exit(failures() ? 1 : 0);
