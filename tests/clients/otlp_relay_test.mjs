// Real-client test: the OpenTelemetry JS OTLP/HTTP exporters (protobuf, JSON, gzipped protobuf; traces,
// logs, metrics) send to lambda-relay (dev mode) at its OTLP routes; every export must succeed, and
// arrive at the configured endpoint (a local upstream) intact, with the configured headers.
//   node otlp_relay_test.mjs <lambda-relay>
// Exit 0 pass, 1 fail, 77 skipped (the exporters are not installed).
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checker, freePort, startRelay } from './relay_test_support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const relayPath = process.argv[2];
if (!existsSync(join(here, 'node_modules', '@opentelemetry', 'exporter-trace-otlp-proto', 'package.json'))) {
  console.log(`SKIP: the @opentelemetry exporters are not installed (run 'npm ci' in ${here})`);
  process.exit(77);
}
const require = createRequire(import.meta.url);
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter: ProtoTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: JsonTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { OTLPLogExporter: ProtoLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPMetricExporter: JsonMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const collector = root.opentelemetry.proto.collector;
const REQUEST_TYPES = {
  traces: collector.trace.v1.ExportTraceServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
};

const { check, failures } = checker();

// The upstream: records every request, decoded with the OTLP schema, and answers as a collector.
const received = [];
let notify = () => {};
const upstream = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const gzipped = req.headers['content-encoding'] === 'gzip';
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const signal = req.url.includes('traces') ? 'traces' : req.url.includes('logs') ? 'logs' : 'metrics';
    let message = null;
    let error = null;
    try {
      const body = gzipped ? gunzipSync(raw) : raw;
      message = json ? JSON.parse(body.toString('utf8'))
        : REQUEST_TYPES[signal].toObject(REQUEST_TYPES[signal].decode(body), { longs: String, enums: Number });
    } catch (e) {
      error = String(e);
    }
    received.push({ url: req.url, headers: req.headers, signal, gzipped, json, message, error });
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
    notify();
  });
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamBase = `http://127.0.0.1:${upstream.address().port}`;


// Only lambda-relay reads the OTEL_ variables here: the exporters get their URL in code.
const relayPort = await freePort();
const { relay, log: relayLog, listening } = startRelay(relayPath, relayPort, {
  LAMBDA_RELAY_LOG_LEVEL: 'debug',
  OTEL_EXPORTER_OTLP_ENDPOINT: `${upstreamBase}/collector/`,
  OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret%20one,x-tenant=all',
  OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=logs',
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${upstreamBase}/metrics-in`,
});

const resource = resourceFromAttributes({ 'service.name': 'relay-client-test' });

function finishedSpans(names) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('otlp-relay-test', '1.0.0');
  for (const name of names) {
    const span = tracer.startSpan(name, { attributes: { 'test.padding': 'p'.repeat(name.includes('big') ? 200000 : 10) } });
    span.addEvent('halfway', { step: 1 });
    span.end();
  }
  return memory.getFinishedSpans();
}

function finishedLogs(bodies) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor(memory)] });
  const logger = provider.getLogger('otlp-relay-test');
  for (const body of bodies) logger.emit({ body, severityNumber: 9, severityText: 'INFO', attributes: { run: 'relay' } });
  return memory.getFinishedLogRecords();
}

class ManualReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

async function collectedMetrics() {
  const reader = new ManualReader();
  const provider = new MeterProvider({ resource, readers: [reader] });
  provider.getMeter('otlp-relay-test').createCounter('relay.test.counter').add(3, { run: 'relay' });
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

// The exporter's own verdict: SUCCESS only for a 2xx it understood.
function exportWith(exporter, items) {
  return new Promise((resolve) => exporter.export(items, (result) => resolve(result)));
}

function spanNames(request) {
  return (request.message?.resourceSpans ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
}

try {
  await listening;
  const relayBase = `http://127.0.0.1:${relayPort}`;
  const exports = [
    ['protobuf traces', new ProtoTraceExporter({ url: `${relayBase}/v1/traces` }), finishedSpans(['proto-span'])],
    ['JSON traces', new JsonTraceExporter({ url: `${relayBase}/v1/traces` }), finishedSpans(['json-span'])],
    ['gzipped protobuf traces (200 KB attribute)',
      new ProtoTraceExporter({ url: `${relayBase}/v1/traces`, compression: 'gzip' }), finishedSpans(['big-gzip-span'])],
    ['protobuf logs', new ProtoLogExporter({ url: `${relayBase}/v1/logs` }), finishedLogs(['hello through the relay'])],
    ['JSON metrics', new JsonMetricExporter({ url: `${relayBase}/v1/metrics` }), await collectedMetrics()],
  ];
  for (const [what, exporter, items] of exports) {
    const result = await exportWith(exporter, items);
    check(result.code === 0, `${what}: the exporter reports success`, String(result.error ?? ''));
    await exporter.shutdown();
  }

  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 15000);
    notify = () => {
      if (received.length >= exports.length) {
        clearTimeout(timer);
        resolve();
      }
    };
    notify();
  });
  check(received.length === exports.length, `${exports.length} requests at the upstream`, String(received.length));
  check(received.every((r) => r.error === null), 'every body decodes with the OTLP schema',
    received.filter((r) => r.error).map((r) => r.error).join('; '));
  check(received.every((r) => r.headers['x-api-key'] === 'secret one'), 'OTEL_EXPORTER_OTLP_HEADERS on every request (percent-decoded)',
    received.map((r) => r.headers['x-api-key']).join(', '));
  check(received.every((r) => /^OTel-OTLP-Exporter-JavaScript\/0\.214\.0/.test(r.headers['user-agent'] ?? '')),
    'the exporter\'s User-Agent is kept', received.map((r) => r.headers['user-agent']).join(', '));

  const traces = received.filter((r) => r.signal === 'traces');
  check(traces.every((r) => r.url === '/collector/v1/traces'), 'traces go to OTEL_EXPORTER_OTLP_ENDPOINT + v1/traces',
    traces.map((r) => r.url).join(', '));
  check(traces.every((r) => r.headers['x-tenant'] === 'all'), 'traces carry the base headers');
  const proto = traces.find((r) => spanNames(r).includes('proto-span'));
  check(proto && !proto.json && !proto.gzipped && proto.headers['content-type'] === 'application/x-protobuf',
    'the protobuf span arrived as protobuf');
  check(proto?.message.resourceSpans[0].scopeSpans[0].spans[0].events?.[0]?.name === 'halfway',
    'the protobuf span kept its event');
  const json = traces.find((r) => spanNames(r).includes('json-span'));
  check(json && json.json && json.headers['content-type'] === 'application/json', 'the JSON span arrived as JSON');
  check(/^[0-9a-f]{32}$/.test(json?.message.resourceSpans[0].scopeSpans[0].spans[0].traceId ?? ''),
    'the JSON span kept its hex trace id');
  const big = traces.find((r) => spanNames(r).includes('big-gzip-span'));
  check(big && big.gzipped, 'the gzipped export was forwarded gzipped (Content-Encoding: gzip)');
  const padding = big?.message.resourceSpans[0].scopeSpans[0].spans[0].attributes.find((a) => a.key === 'test.padding');
  check(padding?.value.stringValue.length === 200000, 'the 200 KB attribute arrived whole');

  const logs = received.find((r) => r.signal === 'logs');
  check(logs?.url === '/collector/v1/logs', 'logs go to OTEL_EXPORTER_OTLP_ENDPOINT + v1/logs', logs?.url);
  check(logs?.headers['x-tenant'] === 'logs', 'OTEL_EXPORTER_OTLP_LOGS_HEADERS overrides the base header');
  check(logs?.message.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue === 'hello through the relay',
    'the log record arrived');

  const metrics = received.find((r) => r.signal === 'metrics');
  check(metrics?.url === '/metrics-in', 'metrics go to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as it is', metrics?.url);
  const counter = metrics?.message.resourceMetrics[0].scopeMetrics[0].metrics[0];
  check(counter?.name === 'relay.test.counter' && Number(counter.sum.dataPoints[0].asInt ?? counter.sum.dataPoints[0].asDouble) === 3,
    'the counter arrived with its value', JSON.stringify(counter));
  check(relayLog.some((l) => l.includes('relay: listening on') && l.includes('OTLP traces, metrics, logs')),
    'lambda-relay says it relays OTLP');
} catch (e) {
  check(false, 'test ran', String(e && e.stack ? e.stack : e));
} finally {
  relay.kill('SIGTERM');
  upstream.close();
}
if (failures()) {
  console.log('----- lambda-relay output -----');
  console.log(relayLog.slice(-40).join('\n'));
}
console.log(failures() ? `RESULT: FAIL (${failures()})` : 'RESULT: PASS (OtlpExportersThroughRelay)');
process.exit(failures() ? 1 : 0);
