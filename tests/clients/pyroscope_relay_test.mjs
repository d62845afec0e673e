// Real-client test: @pyroscope/nodejs 0.6 (pyroscope-client/index.mjs) profiles through lambda-relay
// (dev mode) to a local upstream standing in for the Pyroscope server. Its profiles must arrive with
// the query as the SDK wrote it, the gzipped pprof intact, and the auth, tenant and extra headers of
// the PYROSCOPE_* variables; twice: with PYROSCOPE_AUTH_TOKEN, and with basic auth.
//   node pyroscope_relay_test.mjs <lambda-relay>
// Exit 0 pass, 1 fail, 77 skipped (@pyroscope/nodejs not installed).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checker, freePort, startRelay } from './relay_test_support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const relayPath = process.argv[2];
if (!existsSync(join(here, 'node_modules', '@pyroscope', 'nodejs', 'package.json'))) {
  console.log(`SKIP: @pyroscope/nodejs is not installed (run 'npm ci' in ${here})`);
  process.exit(77);
}

const { check, failures } = checker();

const received = [];
let notify = () => {};
const upstream = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200);
    res.end();
    notify();
  });
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamPort = upstream.address().port;

function runClient(serverAddress) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'pyroscope-client', 'index.mjs'), serverAddress, '2500'],
      { cwd: here, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.log(`INFO: client exited ${code}: ${stderr}`);
      resolve(code);
    });
  });
}

function waitFor(condition, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(condition()), ms);
    notify = () => {
      if (condition()) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    notify();
  });
}

// The query as @pyroscope/nodejs 0.6 builds it (URLSearchParams, in this order).
const expectedName = `lambda.test{otel.scope.name=com.grafana.pyroscope/nodejs,otel.scope.version=0.6.4,` +
  `process.runtime.name=nodejs,process.runtime.version=${process.versions.node},region=us-east-1,function=client-test}`;
function queryIntact(url, path) {
  const [actualPath, raw = ''] = url.split('?');
  const params = new URLSearchParams(raw);
  const keys = [...params.keys()];
  const order = ['format', 'from', 'name', 'spyName', 'until'];
  const rebuilt = new URLSearchParams([...params.entries()]).toString();
  return actualPath === path && rebuilt === raw && keys.slice(0, 5).join() === order.join() &&
    (keys.length === 5 || (keys.length === 6 && keys[5] === 'sampleRate')) &&
    params.get('format') === 'pprof' && params.get('spyName') === 'nodespy' && params.get('name') === expectedName &&
    /^\d+$/.test(params.get('from')) && /^\d+$/.test(params.get('until'));
}

function profileText(body) {
  try {
    return gunzipSync(body).toString('latin1');
  } catch {
    return null;
  }
}

async function scenario(title, env, expected) {
  console.log(`--- ${title}`);
  received.length = 0;
  const port = await freePort();
  const { relay, log, listening, exited } = startRelay(relayPath, port, env);
  try {
    await listening;
    const relayBase = `http://127.0.0.1:${port}`;
    check(log.some((l) => l.includes(`Pyroscope to http://127.0.0.1:${upstreamPort}${expected.base}`)),
      `${title}: lambda-relay says where profiles go`, log.join(' | '));

    // Malformed data is refused while the SDK can hear it, and never forwarded.
    const bad = await fetch(`${relayBase}/ingest?name=lambda.test&format=pprof`, {
      method: 'POST', headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad]),
    });
    const badBody = await bad.text();
    check(bad.status === 400 && badBody.includes('invalid gzip'), `${title}: invalid gzip gets 400 with the reason`,
      `${bad.status} ${badBody}`);

    check(await runClient(relayBase) === 0, `${title}: the profiled client ran and stopped`);
    const wall = (r) => (profileText(r.body) ?? '').includes('wall');
    const heap = (r) => (profileText(r.body) ?? '').includes('inuse_space');
    await waitFor(() => received.filter(wall).length >= 2 && received.some(heap), 10000);

    check(received.length >= 3, `${title}: profiles arrived (${received.length})`);
    check(received.filter(wall).length >= 2 && received.some(heap), `${title}: wall and heap profiles arrived`);
    check(received.every((r) => queryIntact(r.url, expected.path)), `${title}: the query arrives as the SDK wrote it`,
      received.map((r) => r.url).join(' , '));
    check(received.every((r) => profileText(r.body) !== null), `${title}: every body is the SDK's gzipped pprof`);
    check(received.some((r) => (profileText(r.body) ?? '').includes('fibonacciWork')),
      `${title}: the profiled function is in the profiles`);
    for (const [name, value] of Object.entries(expected.headers)) {
      check(received.every((r) => r.headers[name] === value), `${title}: ${name} is ${value}`,
        [...new Set(received.map((r) => r.headers[name]))].join(', '));
    }
    check(received.every((r) => r.headers['content-type'] === 'application/octet-stream'),
      `${title}: Content-Type as the SDK sent it`);
    check(!received.some((r) => r.body.length === 12), `${title}: the refused body was not forwarded`);
    for (const note of expected.notes) {
      check(log.some((l) => l.includes(note)), `${title}: lambda-relay logged "${note}"`);
    }
    check(!log.some((l) => expected.secrets.some((s) => l.includes(s))), `${title}: no credential in lambda-relay's log`);
  } catch (e) {
    check(false, `${title}: ran to the end`, String(e));
  } finally {
    relay.kill('SIGTERM');
    const code = await exited;
    check(code === 0, `${title}: lambda-relay exited cleanly at SIGTERM`, `exit ${code}`);
  }
}

await scenario('token', {
  PYROSCOPE_REMOTE_ADDRESS: `http://127.0.0.1:${upstreamPort}/tenant-a`,
  PYROSCOPE_AUTH_TOKEN: 'tok-secret-1',
  PYROSCOPE_TENANT_ID: 'team-a',
  PYROSCOPE_HTTP_HEADERS: '{"X-Extra": "one", "X-Team": "profiling"}',
  PYROSCOPE_TIMEOUT: '5s',
  PYROSCOPE_NUM_WORKERS: '5',
  PYROSCOPE_SELF_PROFILING: 'true',
  PYROSCOPE_LOG_LEVEL: 'debug',
}, {
  base: '/tenant-a',
  path: '/tenant-a/ingest',
  headers: { authorization: 'Bearer tok-secret-1', 'x-scope-orgid': 'team-a', 'x-extra': 'one', 'x-team': 'profiling' },
  notes: ['PYROSCOPE_NUM_WORKERS: no effect', 'PYROSCOPE_SELF_PROFILING: no effect', '[lambda-relay] DEBUG'],
  secrets: ['tok-secret-1'],
});

await scenario('basic auth', {
  PYROSCOPE_REMOTE_ADDRESS: `http://127.0.0.1:${upstreamPort}`,
  PYROSCOPE_BASIC_AUTH_USER: '123456',
  PYROSCOPE_BASIC_AUTH_PASSWORD: 'glc_secret-2',
  PYROSCOPE_TENANT_ID: 'team-b',
  PYROSCOPE_HTTP_HEADERS: '{"X-Extra": "two"}',
}, {
  base: '/',
  path: '/ingest',
  headers: {
    authorization: `Basic ${Buffer.from('123456:glc_secret-2').toString('base64')}`,
    'x-scope-orgid': 'team-b',
    'x-extra': 'two',
  },
  notes: [],
  secrets: ['glc_secret-2'],
});

upstream.close();
console.log(failures() === 0 ? 'all checks passed' : `${failures()} check(s) failed`);
process.exit(failures() === 0 ? 0 : 1);
