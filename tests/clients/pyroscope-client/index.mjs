// A function's profiler as it runs in Lambda: @pyroscope/nodejs pointed at the relay, with no
// credentials of its own (lambda-relay adds them). Profiles CPU-bound work for a short time, flushing
// every second, then stops (which sends the last wall profile).
//   node index.mjs <server address> [run ms]
import Pyroscope from '@pyroscope/nodejs';

const [serverAddress, runMs = '2500'] = process.argv.slice(2);

Pyroscope.init({
  serverAddress,
  appName: 'lambda.test',
  tags: { region: 'us-east-1', function: 'client-test' },
  flushIntervalMs: 1000,
});
Pyroscope.start();

function fibonacciWork(n) {
  return n < 2 ? n : fibonacciWork(n - 1) + fibonacciWork(n - 2);
}

// In slices, so that the profiler's flush timers run in between.
const until = Date.now() + Number(runMs);
let sink = 0;
while (Date.now() < until) {
  sink += fibonacciWork(22);
  await new Promise((resolve) => setImmediate(resolve));
}
await Pyroscope.stop();
console.log(`pyroscope-client: done (${sink > 0 ? 'worked' : 'idle'})`);
