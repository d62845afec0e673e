// One run of the real @sentry/node SDK: an exception, a message, a message big enough to be
// gzipped (> 32 KiB) and a transaction, all tagged with `tag`, then flush.
//   node index.mjs <tag> <dsn> [tunnel-url]
import * as Sentry from '@sentry/node';

const [tag, dsn, tunnel] = process.argv.slice(2);
Sentry.init({
  dsn,
  tunnel: tunnel || undefined,
  release: 'relay-test@1.0.0',
  environment: tag,
  tracesSampleRate: 1.0,
  maxValueLength: 100000,
});
Sentry.setTag('run', tag);

Sentry.captureException(new Error(`boom-${tag}`));
Sentry.captureMessage(`hello-${tag}`);
Sentry.withScope((scope) => {
  scope.setExtra('padding', 'x'.repeat(40 * 1024));
  Sentry.captureMessage(`big-${tag}`);
});
Sentry.startSpan({ name: `tx-${tag}`, op: 'test' }, () => {
  Sentry.startSpan({ name: 'child', op: 'test.child' }, () => {});
});

const flushed = await Sentry.flush(10000);
process.exit(flushed ? 0 : 3);
