// What the real-client relay tests share: PASS/FAIL checks, a free loopback port, and lambda-relay
// started in dev mode on that port, with its log kept and a promise for "listening".
import { spawn } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { createInterface } from 'node:readline';

// check(ok, what, detail) prints one PASS/FAIL line; failures() counts the FAILs so far.
export function checker() {
  let failures = 0;
  const check = (ok, what, detail = '') => {
    console.log(`${ok ? 'PASS' : 'FAIL'}: ${what}${ok || !detail ? '' : ` (${detail})`}`);
    if (!ok) failures += 1;
    return ok;
  };
  return { check, failures: () => failures };
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// lambda-relay in dev mode with the relay on `port`; `env` adds to (and overrides) the environment.
export function startRelay(relayPath, port, env) {
  const relay = spawn(relayPath, [], {
    env: { ...process.env, LAMBDA_RELAY_DEV_MODE: 'true', LAMBDA_RELAY_INGEST_PORTS: String(port), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log = [];
  const exited = new Promise((resolve) => relay.on('exit', (code) => resolve(code)));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('lambda-relay did not start listening within 10 s')), 10000);
    createInterface({ input: relay.stdout }).on('line', (line) => {
      log.push(line);
      if (line.includes('relay: listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then((code) => reject(new Error(`lambda-relay exited with ${code}: ${log.join('\n')}`)));
  });
  return { relay, log, listening, exited };
}
