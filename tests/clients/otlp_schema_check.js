#!/usr/bin/env node
// Decodes OTLP request bodies strictly with the real OTLP schema: the protobufjs root generated from
// opentelemetry-proto that @opentelemetry/otlp-transformer@0.214.0 ships (the last release with it
// for all three signals).
//
//   usage: node otlp_schema_check.js <bodies dir> [<fixtures dir>]
//
// Our bodies (<scenario>-<signal>.pb / .json / .pb.gz, written by otlp_bodies):
//   protobuf  decode must succeed, verify() must find nothing, and re-encoding the decoded message must
//             give back the very same bytes: an unknown field, a wrong wire type, a non-canonical
//             varint or a field out of order all break that;
//   JSON      (OTLP/JSON: hex ids, 64-bit integers as strings, enums as numbers) must equal the
//             decoded protobuf (toObject), and fromObject() must read it into a message that
//             verifies, converts back to the same JSON (so no key was ignored) and encodes to the
//             protobuf body's bytes;
//   .pb.gz    must gunzip to the protobuf body.
// The harness proves it can fail (a body with an unknown field, a JSON key misspelt) and, as a sanity
// check, decodes the bodies the OpenTelemetry JS exporters sent (../shared/fixtures/otlp).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT_MODULE = '@opentelemetry/otlp-transformer/build/src/generated/root.js';
const root = require(ROOT_MODULE);
const pkg = require('@opentelemetry/otlp-transformer/package.json');
const collector = root.opentelemetry.proto.collector;
const TYPES = {
  traces: collector.trace.v1.ExportTraceServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
};
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const TO_OBJECT = { longs: String, enums: Number, bytes: String };

let failures = 0;
let passes = 0;
function pass(what) {
  passes += 1;
  console.log(`PASS: ${what}`);
}
function fail(what, detail) {
  failures += 1;
  console.log(`FAIL: ${what}${detail ? ` (${detail})` : ''}`);
}
function check(what, fn) {
  try {
    fn();
    pass(what);
  } catch (e) {
    fail(what, e && e.message ? e.message.split('\n').slice(0, 12).join('\n') : String(e));
  }
}

// OTLP/JSON writes ids as hex where proto3 JSON (and protobufjs) use base64.
function convertIds(value, convert) {
  if (Array.isArray(value)) return value.map((v) => convertIds(v, convert));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = ID_KEYS.has(k) && typeof v === 'string' ? convert(v) : convertIds(v, convert);
    }
    return out;
  }
  return value;
}
const base64ToHex = (s) => Buffer.from(s, 'base64').toString('hex');
const hexToBase64 = (s) => {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error(`id "${s}" is not hex`);
  return Buffer.from(s, 'hex').toString('base64');
};

function decodeStrict(Type, bytes) {
  const message = Type.decode(bytes); // throws on truncated or malformed input
  const error = Type.verify(message);
  if (error) throw new Error(`verify: ${error}`);
  const again = Buffer.from(Type.encode(message).finish());
  if (!again.equals(bytes)) {
    const at = [...again].findIndex((b, i) => b !== bytes[i]);
    throw new Error(`re-encoding gives other bytes (${again.length} vs ${bytes.length} bytes, first difference at ${at})`);
  }
  return message;
}

function otlpJsonOf(Type, message) {
  return convertIds(Type.toObject(message, TO_OBJECT), base64ToHex);
}

function checkJson(Type, json, protoBytes) {
  const fromJson = Type.fromObject(convertIds(json, hexToBase64));
  const error = Type.verify(fromJson);
  if (error) throw new Error(`verify: ${error}`);
  // fromObject ignores keys it does not know: converting back shows whether every key was used.
  assert.deepStrictEqual(otlpJsonOf(Type, fromJson), json, 'fromObject → toObject differs from the JSON body');
  if (protoBytes) {
    const encoded = Buffer.from(Type.encode(fromJson).finish());
    if (!encoded.equals(protoBytes)) throw new Error('the JSON body encodes to other bytes than the protobuf body');
  }
}

function signalOf(name) {
  const m = /(traces|metrics|logs)/.exec(name);
  if (!m) throw new Error(`no signal in ${name}`);
  return m[1];
}

function countItems(signal, message) {
  const key = { traces: ['resourceSpans', 'scopeSpans', 'spans'], metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'], logs: ['resourceLogs', 'scopeLogs', 'logRecords'] }[signal];
  let n = 0;
  for (const r of message[key[0]] || []) for (const s of r[key[1]] || []) n += (s[key[2]] || []).length;
  return n;
}

function checkOurBodies(dir) {
  const protoFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.pb')).sort();
  if (protoFiles.length === 0) fail(`bodies in ${dir}`, 'none found');
  for (const file of protoFiles) {
    const base = file.slice(0, -3);
    const signal = signalOf(base);
    const Type = TYPES[signal];
    const bytes = fs.readFileSync(path.join(dir, file));
    let message = null;
    check(`${file}: decodes strictly (${bytes.length} bytes)`, () => {
      message = decodeStrict(Type, bytes);
      const items = countItems(signal, message);
      if (items === 0) throw new Error('no items');
      console.log(`INFO: ${file}: ${items} ${signal} items`);
    });
    const jsonPath = path.join(dir, `${base}.json`);
    check(`${base}.json: is the same request in OTLP/JSON and reads back with fromObject`, () => {
      const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      if (message) assert.deepStrictEqual(json, otlpJsonOf(Type, message), 'JSON body differs from the decoded protobuf');
      checkJson(Type, json, bytes);
    });
    const gzPath = path.join(dir, `${file}.gz`);
    check(`${file}.gz: gunzips to the protobuf body`, () => {
      const inflated = zlib.gunzipSync(fs.readFileSync(gzPath));
      if (!inflated.equals(bytes)) throw new Error('differs');
    });
  }
  return protoFiles;
}

// The harness must be able to fail: corrupt one of our bodies in ways a lax decoder would accept.
function checkHarnessRejects(dir, protoFiles) {
  const file = protoFiles.find((f) => f.includes('logs'));
  if (!file) return;
  const bytes = fs.readFileSync(path.join(dir, file));
  const Type = TYPES.logs;
  const unknownField = Buffer.concat([bytes, Buffer.from([0xf8, 0x06, 0x01])]); // field 111, varint 1
  const truncated = bytes.subarray(0, bytes.length - 1);
  const json = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.pb$/, '.json')), 'utf8'));
  const misspelt = JSON.parse(JSON.stringify(json).replace('"logRecords"', '"logRecord"'));
  const enumName = JSON.parse(JSON.stringify(json));
  enumName.resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber = 'INFO';
  for (const [what, run] of [
    ['an unknown protobuf field', () => decodeStrict(Type, unknownField)],
    ['a truncated protobuf body', () => decodeStrict(Type, truncated)],
    ['a misspelt JSON key', () => checkJson(Type, misspelt, null)],
    ['an enum written as its name', () => checkJson(Type, enumName, null)],
  ]) {
    try {
      run();
      fail(`harness rejects ${what}`, 'accepted');
    } catch (e) {
      pass(`harness rejects ${what}`);
    }
  }
}

function checkFixtures(fixtures) {
  if (!fixtures || !fs.existsSync(fixtures)) {
    console.log(`INFO: no fixtures at ${fixtures}: skipped`);
    return;
  }
  for (const sub of ['proto', 'proto-gzip']) {
    const dir = path.join(fixtures, sub);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.pb') && !f.endsWith('.decoded.pb')).sort()) {
      const Type = TYPES[signalOf(file)];
      check(`fixture ${sub}/${file}: decodes and verifies`, () => {
        let bytes = fs.readFileSync(path.join(dir, file));
        if (sub === 'proto-gzip') bytes = zlib.gunzipSync(bytes);
        const message = Type.decode(bytes);
        const error = Type.verify(message);
        if (error) throw new Error(`verify: ${error}`);
        if (countItems(signalOf(file), message) === 0) throw new Error('no items');
        const again = Buffer.from(Type.encode(message).finish());
        console.log(`INFO: fixture ${sub}/${file}: re-encodes to ${again.equals(bytes) ? 'the same' : 'other'} bytes`);
      });
    }
  }
  const dir = path.join(fixtures, 'json');
  if (fs.existsSync(dir)) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort()) {
      const Type = TYPES[signalOf(file)];
      check(`fixture json/${file}: reads with fromObject and verifies`, () => {
        const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        const message = Type.fromObject(convertIds(json, hexToBase64));
        const error = Type.verify(message);
        if (error) throw new Error(`verify: ${error}`);
        if (countItems(signalOf(file), message) === 0) throw new Error('no items');
        Type.decode(Type.encode(message).finish());
      });
    }
  }
}

function main() {
  const [bodies, fixtures] = process.argv.slice(2);
  if (!bodies) {
    console.error('usage: node otlp_schema_check.js <bodies dir> [<fixtures dir>]');
    process.exit(2);
  }
  console.log(`INFO: schema: ${pkg.name}@${pkg.version} ${ROOT_MODULE}`);
  const protoFiles = checkOurBodies(bodies);
  checkHarnessRejects(bodies, protoFiles);
  checkFixtures(fixtures);
  console.log(`RESULT: ${failures === 0 ? 'PASS' : 'FAIL'} (${passes} passed, ${failures} failed)`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
