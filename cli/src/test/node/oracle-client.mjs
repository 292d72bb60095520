// A non-Java client of the TokenFlow pricing oracle, written against the .proto files alone
// (no generated code): @grpc/proto-loader reads proto/src/main/proto and the gRPC health and
// reflection protos, @grpc/grpc-js makes the calls.
//
// Usage: node oracle-client.mjs HOST:PORT --grpc-proto-dir DIR [--proto-dir DIR] [--deadline-ms N]
//   HOST:PORT         the oracle's gRPC address, e.g. 127.0.0.1:50051
//   --grpc-proto-dir  a folder holding grpc/health/v1/health.proto and grpc/reflection/v1/reflection.proto
//                     (NodeClientIT copies them out of grpc-java's grpc-services jar; by hand:
//                     unzip grpc-services-*.jar 'grpc/*' -d DIR)
//   --proto-dir       the API protos (default: proto/src/main/proto of this repository)
//   --deadline-ms     deadline of each unary call (default 10000; UpdateCapacity waits 3x as long)
//
// It checks, against the live server:
//   1. GetMarket, then Quote for every origin x class of the market: each price is finite and equals
//      energy + scarcity + routing + congestion + unserved_penalty, each path runs from the origin to
//      the serving node, every answer carries the market's version;
//   2. a capacity drop that must move a price, pushed with UpdateCapacity(wait_for_clear): a newer
//      version, the quote of that origin x class moves and carries the new version, and GetMarket shows
//      the new capacity in force;
//   3. grpc.health.v1.Health/Check for "" and "tokenflow.v1.PricingOracle": SERVING;
//   4. server reflection v1: list_services names the oracle, and the descriptors it serves for the
//      oracle are enough to build a working client (a GetMarket through them);
//   5. Quote for an unknown origin: NOT_FOUND naming the id.
// It prints a JSON summary on stdout and exits 1 when any check failed (each failure on stderr too),
// 2 on bad usage.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVICE = 'tokenflow.v1.PricingOracle';
const EPS = 1e-6;

// ---- arguments ----

function usage(message) {
  process.stderr.write(`oracle-client: ${message}\n`
    + 'usage: node oracle-client.mjs HOST:PORT --grpc-proto-dir DIR [--proto-dir DIR] [--deadline-ms N]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const args = {
    target: null,
    protoDir: path.resolve(here, '../../../../proto/src/main/proto'),
    grpcProtoDir: null,
    deadlineMs: 10000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--proto-dir') args.protoDir = path.resolve(value());
    else if (a === '--grpc-proto-dir') args.grpcProtoDir = path.resolve(value());
    else if (a === '--deadline-ms') args.deadlineMs = Number(value());
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (args.target === null) args.target = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!args.target || !/^[^:\s]+:\d+$/.test(args.target)) usage('the first argument must be HOST:PORT');
  if (!args.grpcProtoDir) usage('--grpc-proto-dir is required');
  if (!Number.isFinite(args.deadlineMs) || args.deadlineMs <= 0) usage('--deadline-ms must be a positive number');
  for (const [dir, file] of [[args.protoDir, 'tokenflow/v1/oracle.proto'],
    [args.grpcProtoDir, 'grpc/health/v1/health.proto'],
    [args.grpcProtoDir, 'grpc/reflection/v1/reflection.proto']]) {
    if (!fs.existsSync(path.join(dir, file))) usage(`${file} not found under ${dir}`);
  }
  return args;
}

// ---- proto loading (no generated code) ----

// Field names as in the .proto files, uint64 as decimal strings (compared as BigInt), enums by name,
// default values present, the set oneof member named in a virtual field.
export const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export function loadProtos(protoDir, grpcProtoDir) {
  const oracle = protoLoader.loadSync(['tokenflow/v1/oracle.proto'], { ...LOADER_OPTIONS, includeDirs: [protoDir] });
  const grpcServices = protoLoader.loadSync(
    ['grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto'],
    { ...LOADER_OPTIONS, includeDirs: [grpcProtoDir] });
  const api = grpc.loadPackageDefinition(oracle);
  const services = grpc.loadPackageDefinition(grpcServices);
  return {
    PricingOracle: api.tokenflow.v1.PricingOracle,
    Health: services.grpc.health.v1.Health,
    ServerReflection: services.grpc.reflection.v1.ServerReflection,
  };
}

// ---- checks ----

const failures = [];
let checksPassed = 0;

function check(condition, message) {
  if (condition) {
    checksPassed++;
  } else {
    failures.push(message);
    process.stderr.write(`FAILED: ${message}\n`);
  }
  return condition;
}

/** A failure after which the run cannot go on. */
class Fatal extends Error {}

function unary(client, method, request, deadlineMs) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: new Date(Date.now() + deadlineMs) }, (err, response) => {
      if (err) reject(err); else resolve(response);
    });
  });
}

function describeError(err) {
  const codeName = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code) ?? String(err.code);
  return `${codeName} (${err.code}): ${err.details ?? err.message}`;
}

async function call(client, method, request, deadlineMs) {
  try {
    return await unary(client, method, request, deadlineMs);
  } catch (err) {
    throw new Fatal(`${method}(${JSON.stringify(request)}) failed: ${describeError(err)}`);
  }
}

const key = (origin, cls) => `${origin}/${cls}`;
const sameIds = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Checks one Quote answer on its own and against the version the caller expects. */
function checkQuote(q, origin, cls, version) {
  const where = `Quote(${origin}, ${cls})`;
  check(q.origin === origin && q.workload_class === cls,
    `${where} answered for (${q.origin}, ${q.workload_class})`);
  const parts = ['energy', 'scarcity', 'routing', 'congestion', 'unserved_penalty'];
  const numbers = ['price_per_m_tokens', ...parts];
  const allFinite = numbers.every((f) => Number.isFinite(q[f]));
  check(allFinite, `${where}: a non-finite number in ${JSON.stringify(Object.fromEntries(numbers.map((f) => [f, q[f]])))}`);
  if (allFinite) {
    const sum = parts.reduce((s, f) => s + q[f], 0);
    check(Math.abs(sum - q.price_per_m_tokens) <= EPS,
      `${where}: energy+scarcity+routing+congestion+unserved_penalty = ${sum} but price = ${q.price_per_m_tokens}`);
  }
  if (q.serving_node) {
    check(q.path.length >= 1 && q.path[0] === origin && q.path[q.path.length - 1] === q.serving_node,
      `${where}: path ${JSON.stringify(q.path)} does not run from ${origin} to serving node ${q.serving_node}`);
    check(q.unserved_penalty === 0, `${where}: served at ${q.serving_node} but unserved_penalty = ${q.unserved_penalty}`);
  } else {
    check(q.unserved_penalty > 0, `${where}: no serving node but unserved_penalty = ${q.unserved_penalty}`);
  }
  check(BigInt(q.market_version) === BigInt(version),
    `${where}: market_version ${q.market_version}, expected ${version}`);
}

/**
 * The capacity drop to push: a quote served away from its origin (prefer) at a node that has spare
 * capacity for the class (scarcity 0), so its price is that node's own cost plus the way there. Halving
 * what the node processes of the class forces it to shed load: it turns scarce or the marginal unit
 * moves to a dearer site, so that origin's price rises (short of an exact tie of costs). Nodes already
 * scarce are avoided: their price is pinned by the next site and may not move.
 * The drop also keeps the class's total capacity above its total demand, so the market stays feasible.
 */
function chooseDrop(market, quotes) {
  const processed = new Map(market.result.processing.map((p) => [key(p.node, p.workload_class), p.tokens_per_second]));
  const capacity = new Map(market.capacities.map((c) => [key(c.node, c.workload_class), c.tokens_per_second]));
  const totalCapacity = new Map();
  for (const c of market.capacities) totalCapacity.set(c.workload_class, (totalCapacity.get(c.workload_class) ?? 0) + c.tokens_per_second);
  const totalDemand = new Map();
  for (const d of market.demands) totalDemand.set(d.workload_class, (totalDemand.get(d.workload_class) ?? 0) + d.tokens_per_second);

  const candidates = [];
  for (const q of quotes) {
    if (!q.serving_node || q.scarcity > EPS) continue;
    const k = key(q.serving_node, q.workload_class);
    const load = processed.get(k) ?? 0;
    const cap = capacity.get(k);
    if (!(load > 0) || cap === undefined) continue;
    const newCapacity = load / 2;
    const left = totalCapacity.get(q.workload_class) - cap + newCapacity;
    if (left < 1.1 * (totalDemand.get(q.workload_class) ?? 0)) continue;
    candidates.push({ origin: q.origin, workload_class: q.workload_class, node: q.serving_node,
      remote: q.serving_node !== q.origin, old_capacity: cap, processed: load, new_capacity: newCapacity,
      old_price: q.price_per_m_tokens });
  }
  candidates.sort((a, b) => Number(b.remote) - Number(a.remote));
  return candidates[0] ?? null;
}

async function run(args) {
  const { PricingOracle, Health, ServerReflection } = loadProtos(args.protoDir, args.grpcProtoDir);
  const credentials = grpc.credentials.createInsecure();
  const oracle = new PricingOracle(args.target, credentials);
  const health = new Health(args.target, credentials);
  const reflection = new ServerReflection(args.target, credentials);
  const summary = { target: args.target };
  const deadline = args.deadlineMs;
  try {
    // 1. the market and a quote for every origin x class
    const market = await call(oracle, 'GetMarket', {}, deadline);
    const version0 = BigInt(market.market_version);
    summary.market_version = version0.toString();
    summary.scenario = market.result?.scenario;
    if (!check(market.result && market.result.prices.length > 0, 'GetMarket: no prices in the result')) {
      throw new Fatal('GetMarket returned no prices');
    }
    check(version0 > 0n, `GetMarket: market_version ${version0} is not positive`);
    check(market.result.status === 'CLEARING_STATUS_OPTIMAL', `GetMarket: status ${market.result.status}`);
    check(market.capacities.length > 0, 'GetMarket: no capacities');
    const pairs = market.result.prices.map((p) => [p.node, p.workload_class]);
    const origins = [...new Set(pairs.map(([o]) => o))];
    const classes = [...new Set(pairs.map(([, k]) => k))];
    check(pairs.length === origins.length * classes.length,
      `GetMarket: ${pairs.length} prices for ${origins.length} origins x ${classes.length} classes`);
    const tablePrice = new Map(market.result.prices.map((p) => [key(p.node, p.workload_class), p]));

    const quotes = [];
    for (const origin of origins) {
      for (const cls of classes) {
        const q = await call(oracle, 'Quote', { origin, workload_class: cls }, deadline);
        checkQuote(q, origin, cls, version0);
        const p = tablePrice.get(key(origin, cls));
        check(p !== undefined && Math.abs(p.price_per_m_tokens - q.price_per_m_tokens) <= EPS
            && p.serving_node === q.serving_node && sameIds(p.path, q.path),
          `Quote(${origin}, ${cls}) = ${q.price_per_m_tokens} via ${JSON.stringify(q.path)}, GetMarket has `
            + `${p?.price_per_m_tokens} via ${JSON.stringify(p?.path)}`);
        quotes.push(q);
      }
    }
    summary.origins = origins;
    summary.classes = classes;
    summary.quotes = quotes.length;
    summary.served_remotely = quotes.filter((q) => q.serving_node && q.serving_node !== q.origin).length;

    // 2. a capacity drop that must move a price
    const drop = chooseDrop(market, quotes);
    if (!check(drop !== null, 'no origin x class served at a node with spare capacity: nothing to drop')) {
      throw new Fatal('no capacity drop to test');
    }
    const update = await call(oracle, 'UpdateCapacity', {
      updates: [{ node: drop.node, workload_class: drop.workload_class, tokens_per_second: drop.new_capacity }],
      wait_for_clear: true,
    }, 3 * deadline);
    const version1 = BigInt(update.market_version);
    check(update.cleared === true, `UpdateCapacity(wait_for_clear): cleared = ${update.cleared}`);
    check(version1 > version0, `UpdateCapacity: market_version ${version1} is not newer than ${version0}`);
    const after = await call(oracle, 'Quote', { origin: drop.origin, workload_class: drop.workload_class }, deadline);
    checkQuote(after, drop.origin, drop.workload_class, version1);
    check(Number.isFinite(after.price_per_m_tokens) && Math.abs(after.price_per_m_tokens - drop.old_price) > EPS,
      `Quote(${drop.origin}, ${drop.workload_class}) did not move: ${drop.old_price} before, `
        + `${after.price_per_m_tokens} after ${drop.node}'s ${drop.workload_class} capacity fell `
        + `${drop.old_capacity} -> ${drop.new_capacity} tok/s`);
    const market1 = await call(oracle, 'GetMarket', {}, deadline);
    check(BigInt(market1.market_version) >= version1,
      `GetMarket after the update: market_version ${market1.market_version} < ${version1}`);
    const inForce = market1.capacities.find((c) => c.node === drop.node && c.workload_class === drop.workload_class);
    check(inForce !== undefined && Math.abs(inForce.tokens_per_second - drop.new_capacity) <= EPS * Math.max(1, drop.new_capacity),
      `GetMarket after the update: ${drop.node}/${drop.workload_class} capacity in force `
        + `${inForce?.tokens_per_second}, pushed ${drop.new_capacity}`);
    summary.capacity_drop = {
      ...drop,
      new_price: after.price_per_m_tokens,
      new_serving_node: after.serving_node,
      market_version_before: version0.toString(),
      market_version_after: version1.toString(),
    };

    // 3. health
    summary.health = {};
    for (const service of ['', SERVICE]) {
      try {
        const h = await unary(health, 'Check', { service }, deadline);
        summary.health[service || '(server)'] = h.status;
        check(h.status === 'SERVING', `Health/Check("${service}"): ${h.status}, expected SERVING`);
      } catch (err) {
        summary.health[service || '(server)'] = describeError(err);
        check(false, `Health/Check("${service}") failed: ${describeError(err)}`);
      }
    }

    // 4. reflection
    summary.reflection = await checkReflection(reflection, args.target, credentials, version1, deadline);

    // 5. an error status
    try {
      const q = await unary(oracle, 'Quote', { origin: 'no-such-origin', workload_class: classes[0] }, deadline);
      check(false, `Quote(no-such-origin, ${classes[0]}) answered ${JSON.stringify(q)}, expected NOT_FOUND`);
    } catch (err) {
      summary.not_found = describeError(err);
      check(err.code === grpc.status.NOT_FOUND, `Quote(no-such-origin): ${describeError(err)}, expected NOT_FOUND (5)`);
      check(String(err.details).includes('no-such-origin'),
        `Quote(no-such-origin): the message "${err.details}" does not name the id`);
    }
  } catch (err) {
    if (!(err instanceof Fatal)) throw err;
    check(false, err.message);
  } finally {
    oracle.close();
    health.close();
    reflection.close();
  }
  return summary;
}

/** One ServerReflectionInfo stream: sends the requests in order, resolves with the responses. */
function reflect(client, requests, deadlineMs) {
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo({ deadline: new Date(Date.now() + deadlineMs) });
    const responses = [];
    stream.on('data', (r) => {
      responses.push(r);
      if (responses.length === requests.length) stream.end();
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(responses));
    for (const r of requests) stream.write(r);
  });
}

/** A FileDescriptorSet (field 1, repeated FileDescriptorProto) around serialized file descriptors. */
function fileDescriptorSet(files) {
  const chunks = [];
  for (const file of files) {
    const buf = Buffer.from(file);
    let n = buf.length;
    const header = [0x0a];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      header.push(b);
    } while (n);
    chunks.push(Buffer.from(header), buf);
  }
  return Buffer.concat(chunks);
}

async function checkReflection(client, target, credentials, version, deadline) {
  const result = {};
  let responses;
  try {
    responses = await reflect(client, [{ list_services: '' }, { file_containing_symbol: SERVICE }], deadline);
  } catch (err) {
    check(false, `ServerReflectionInfo failed: ${describeError(err)}`);
    return result;
  }
  const [list, files] = responses;
  const names = list?.list_services_response?.service?.map((s) => s.name) ?? [];
  result.services = names;
  check(names.includes(SERVICE), `reflection list_services: ${JSON.stringify(names)} lacks ${SERVICE}`);
  if (list?.error_response) check(false, `reflection list_services: error ${JSON.stringify(list.error_response)}`);

  const descriptors = files?.file_descriptor_response?.file_descriptor_proto ?? [];
  if (!check(descriptors.length > 0,
    `reflection file_containing_symbol(${SERVICE}): no descriptors (${JSON.stringify(files?.error_response ?? null)})`)) {
    return result;
  }
  result.files_for_service = descriptors.length;
  // Build a client from the reflected descriptors alone, as grpcurl would, and use it.
  try {
    const definition = protoLoader.loadFileDescriptorSetFromBuffer(fileDescriptorSet(descriptors), LOADER_OPTIONS);
    check(definition[SERVICE] !== undefined && definition[SERVICE].Quote !== undefined,
      `reflection: the reflected descriptors define no ${SERVICE}.Quote`);
    const Reflected = grpc.loadPackageDefinition(definition).tokenflow.v1.PricingOracle;
    const reflected = new Reflected(target, credentials);
    try {
      const m = await unary(reflected, 'GetMarket', {}, deadline);
      result.reflected_client_market_version = m.market_version;
      check(BigInt(m.market_version) >= version,
        `reflection: GetMarket through the reflected descriptors gave version ${m.market_version} < ${version}`);
    } finally {
      reflected.close();
    }
  } catch (err) {
    check(false, `reflection: a client from the reflected descriptors failed: ${err.code !== undefined ? describeError(err) : err.message}`);
  }
  return result;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  let summary;
  try {
    summary = await run(args);
  } catch (err) {
    summary = { target: args.target };
    check(false, `unexpected error: ${err.stack ?? err}`);
  }
  summary.elapsed_ms = Date.now() - started;
  summary.checks_passed = checksPassed;
  summary.failures = failures;
  summary.ok = failures.length === 0;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.ok ? 0 : 1;
}
