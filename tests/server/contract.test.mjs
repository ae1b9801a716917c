// The real kiosk-server against its OpenAPI description (docs/api/openapi.yaml):
// boundary cases of every limit the description states, and every answer's
// status, Content-Type, headers and body checked against what the
// description says for that operation and status (or, for answers any path
// can give, its x-any-path-responses). Real TLS on loopback, the
// development PKI's device and administrator certificates.
//
// Tools: js-yaml and @redocly/ajv (JSON Schema 2020-12, as OpenAPI 3.1
// uses), both installed by `npm ci` here as dependencies of @redocly/cli;
// runs on Debian 12's Node.js 18.
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// SUBMIT_SAMPLE, SRV_PKI, SRV_WORK, OPENAPI.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { testStore } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
let yaml, Ajv2020;
try {
  yaml = require(path.join(here, 'node_modules', 'js-yaml'));
  Ajv2020 = require(path.join(here, 'node_modules', '@redocly', 'ajv', 'dist', '2020')).default;
} catch (e) {
  console.error('contract test: node_modules is missing js-yaml or @redocly/ajv; run `npm ci` in tests/server first');
  process.exit(1);
}

const env = (k) => {
  if (!process.env[k]) { console.error(`contract test: ${k} not set`); process.exit(1); }
  return process.env[k];
};
const SERVER = env('KIOSK_SERVER'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK'), SPEC = env('OPENAPI');
const DEV = 'KIOSK-140500-001', ADMIN = 'admin-140500';

let failures = 0;
function check(cond, what) {
  if (cond) { console.log('ok   ' + what); } else { failures++; console.error('FAIL ' + what); }
}

// ---- the description ----

const spec = yaml.load(fs.readFileSync(SPEC, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
ajv.addSchema(spec, 'openapi.json');

function deref(o) {
  while (o && o.$ref) {
    const parts = o.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    o = parts.reduce((a, k) => a[k], spec);
  }
  return o;
}

// A schema from inside the description, its local references pointed at it.
function rebase(schema) {
  return JSON.parse(JSON.stringify(schema), (k, v) =>
    (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) ? 'openapi.json' + v : v);
}

const compiled = new Map();
function validator(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rebase(schema)));
  return compiled.get(key);
}

// Checks res against the description of (method, template) and returns the
// parsed body. what names the case.
function conforms(what, method, template, res) {
  const op = spec.paths[template] && spec.paths[template][method.toLowerCase()];
  if (!op) { check(false, `${what}: ${method} ${template} is in the description`); return null; }
  const code = String(res.status);
  const described = (op.responses && op.responses[code]) || spec['x-any-path-responses'][code];
  if (!described) {
    check(false, `${what}: status ${code} is described for ${method} ${template} (body ${res.body.slice(0, 200)})`);
    return null;
  }
  const d = deref(described);
  let body = null;
  for (const [name, h] of Object.entries(d.headers || {})) {
    let v = res.headers[name.toLowerCase()];
    if (Array.isArray(v)) v = v[0]; // Set-Cookie
    const schema = deref(h.schema) || {};
    const value = schema.type === 'integer' ? Number(v) : v;
    const ok = v !== undefined && validator(schema)(value);
    check(ok, `${what}: ${code} has header ${name} as described (${v})`);
  }
  if (d.content) {
    const [type, media] = Object.entries(d.content)[0];
    const ct = res.headers['content-type'] || '';
    check(ct.startsWith(type), `${what}: ${code} Content-Type ${ct} is ${type}`);
    if (type === 'application/json') {
      try { body = JSON.parse(res.body); } catch (e) { body = undefined; }
      const v = validator(media.schema);
      const ok = body !== undefined && v(body);
      check(ok, `${what}: ${code} body matches the description` +
        (ok ? '' : ` — ${JSON.stringify(v.errors)} in ${res.body.slice(0, 300)}`));
    }
  } else {
    check(res.body.length === 0, `${what}: ${code} has no body, as described`);
  }
  return body;
}

// ---- HTTP ----

const tls = (cert) => {
  const o = { ca: fs.readFileSync(path.join(PKI, 'ca.crt')), servername: 'localhost' };
  if (cert) {
    const dir = cert.startsWith('admin-') ? 'admins' : 'devices';
    o.cert = fs.readFileSync(path.join(PKI, dir, cert + '.crt'));
    o.key = fs.readFileSync(path.join(PKI, dir, cert + '.key'));
  }
  return o;
};

let PORT = 0;
function request(method, p, { cert = null, json, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = json !== undefined ? Buffer.from(JSON.stringify(json)) :
      body !== undefined ? Buffer.from(body) : null;
    const h = Object.assign({}, headers);
    if (json !== undefined) h['Content-Type'] = 'application/json';
    if (data && h['Content-Length'] === undefined) h['Content-Length'] = data.length;
    const req = https.request(Object.assign({
      host: '127.0.0.1', port: PORT, path: p, method, headers: h, agent: false,
    }, tls(cert)), (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(data || undefined);
  });
}

async function waitForFile(f, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('server did not start');
}

// ---- content signing (Ed25519 with the PKI's admin.key: seed || public) ----

function adminSigner() {
  const sk = Buffer.from(fs.readFileSync(path.join(PKI, 'admin.key'), 'utf8').trim(), 'base64');
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), sk.subarray(0, 32)]);
  const key = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  sk.fill(0);
  return (data) => crypto.sign(null, data, key);
}

function publication(sign, version) {
  const file = Buffer.from(`{"standard":${version.length}}`);
  const sha = crypto.createHash('sha256').update(file).digest('hex');
  const manifest = Buffer.from(JSON.stringify({ version, region: { code: '140500', name: '晋城市' },
    files: [{ path: 'policies/dibao.json', sha256: sha, size: file.length }] }));
  return { manifest: manifest.toString('base64'), signature: sign(manifest).toString('base64'),
    files: [{ sha256: sha, data: file.toString('base64') }] };
}

// ---- the cases ----

async function cases() {
  const login = { id: 'S0031', password: 'window pass 31' };
  let r = await request('POST', '/api/console/login', { json: login });
  const staff = conforms('sign-in', 'POST', '/api/console/login', r);
  check(r.status === 200 && staff && staff.id === 'S0031', 'staff signs in');
  const cookie = (r.headers['set-cookie'] || [''])[0].split(';')[0];
  const asStaff = { headers: { Cookie: cookie } };

  // Password: 256 characters is a password (wrong: 401), 257 is a bad request.
  r = await request('POST', '/api/console/login', { json: { id: 'S0031', password: '密'.repeat(256) } });
  conforms('password of 256 Chinese characters', 'POST', '/api/console/login', r);
  check(r.status === 401, 'password of 256 Chinese characters is judged (401), not refused as too long');
  r = await request('POST', '/api/console/login', { json: { id: 'S0031', password: '密'.repeat(257) } });
  conforms('password of 257 characters', 'POST', '/api/console/login', r);
  check(r.status === 400, 'password of 257 characters is 400');
  r = await request('POST', '/api/console/login', { json: { id: 'S'.repeat(33), password: 'x' } });
  conforms('staff id of 33 characters', 'POST', '/api/console/login', r);
  check(r.status === 400, 'staff id of 33 characters is 400');

  // An application to write notes on.
  const sub = spawnSync(SUBMIT, [String(PORT), DEV, '41'], { env: process.env });
  const app = JSON.parse(sub.stdout.toString());
  check(app.status === 201, 'a kiosk submits a sealed application');
  const statusPath = `/api/console/applications/${app.uuid}/status`;
  const T = '/api/console/applications/{uuid}/status';

  // The status note: 1000 characters, not bytes.
  // Each accepted note goes with a legal next step of every item.
  for (const [n, ch, want, what, status] of [
    [334, '中', 200, '334 Chinese characters (1002 bytes)', 'accepted'],
    [1000, '中', 200, 'exactly 1000 Chinese characters', 'returned'],
    [1000, '😀', 200, '1000 characters of 4 bytes each', 'accepted'],
    [1001, '中', 400, '1001 Chinese characters', 'reviewing'],
    [1001, 'a', 400, '1001 ASCII characters', 'reviewing'],
  ]) {
    r = await request('POST', statusPath, Object.assign({ json: { status, note: ch.repeat(n) } }, asStaff));
    const b = conforms(`note of ${what}`, 'POST', T, r);
    check(r.status === want, `note of ${what}: ${want}` + (r.status === want ? '' : ` (got ${r.status})`));
    if (want === 200 && b) check(b.timeline[b.timeline.length - 1].note === ch.repeat(n), `note of ${what} stored whole`);
  }
  r = await request('POST', statusPath, Object.assign({ json: { status: 'closed' } }, asStaff));
  conforms('unknown status', 'POST', T, r);
  check(r.status === 400, 'an unknown status is 400');
  // One item; a move the rules do not allow; the same status twice.
  r = await request('POST', statusPath, Object.assign({ json: { status: 'reviewing', item: 'medical' } }, asStaff));
  conforms('one item', 'POST', T, r);
  check(r.status === 200, 'one item moves (200)');
  r = await request('POST', statusPath, Object.assign({ json: { status: 'paid', item: 'dibao' } }, asStaff));
  conforms('an illegal move', 'POST', T, r);
  check(r.status === 409, 'an illegal move is 409');
  r = await request('POST', statusPath, Object.assign({ json: { status: 'reviewing', item: 'medical' } }, asStaff));
  conforms('the same status twice', 'POST', T, r);
  check(r.status === 409, 'the same status twice is 409');
  r = await request('POST', statusPath, Object.assign({ json: { status: 'reviewing', item: 'housing' } }, asStaff));
  conforms('an item the application does not have', 'POST', T, r);
  check(r.status === 404, 'an item the application does not have is 404');
  r = await request('POST', statusPath, Object.assign({ json: { status: 'reviewing', item: 'Not An Id' } }, asStaff));
  conforms('a malformed item', 'POST', T, r);
  check(r.status === 400, 'a malformed item is 400');
  for (const [p, what] of [['/api/console/queue?department=yibao', 'queue'],
    ['/api/console/departments', 'departments'], ['/api/console/me', 'me'],
    [`/api/console/applications/${app.uuid}`, 'one application']]) {
    const tpl = p.startsWith('/api/console/applications/') ? '/api/console/applications/{uuid}'
      : p.split('?')[0];
    r = await request('GET', p, asStaff);
    conforms(what, 'GET', tpl, r);
    check(r.status === 200, `${what}: 200`);
  }
  r = await request('GET', '/api/console/queue?department=nowhere', asStaff);
  conforms('queue of an unknown department', 'GET', '/api/console/queue', r);
  check(r.status === 404, 'queue of an unknown department: 404');
  // The audit log is for administrators only.
  r = await request('GET', '/api/console/audit', asStaff);
  conforms('audit as window staff', 'GET', '/api/console/audit', r);
  check(r.status === 403, 'audit as window staff: 403');
  r = await request('GET', '/api/console/staff', asStaff);
  conforms('staff accounts as window staff', 'GET', '/api/console/staff', r);
  check(r.status === 403, 'staff accounts as window staff: 403');

  // Progress queries: malformed check 400, wrong check 404, right one 200.
  const S = '/v1/status/{reference}';
  const sp = (check) => `/v1/status/${app.reference}` + (check === null ? '' : `?check=${encodeURIComponent(check)}`);
  for (const [c, want, what] of [
    [null, 400, 'no check'], ['12', 400, 'a check of 2 characters'], ['12345', 400, 'a check of 5 characters'],
    ['1*34', 400, 'a check with a symbol'], ['中中中中', 400, 'a check of Chinese characters'],
    [app.last4 === '0000' ? '1111' : '0000', 404, 'a wrong check'], [app.last4, 200, 'the right check'],
    [app.last4.toLowerCase(), 200, 'the right check in lower case'],
  ]) {
    r = await request('GET', sp(c), { cert: DEV });
    conforms(`progress with ${what}`, 'GET', S, r);
    check(r.status === want, `progress with ${what}: ${want}` + (r.status === want ? '' : ` (got ${r.status})`));
  }
  r = await request('GET', `/v1/status/${'A'.repeat(33)}?check=1234`, { cert: DEV });
  conforms('progress of a reference of 33 characters', 'GET', S, r);
  check(r.status === 404, 'a reference of 33 characters is 404 (no such application)');
  r = await request('GET', sp(app.last4));
  conforms('progress without a client certificate', 'GET', S, r);
  check(r.status === 401, 'no client certificate: 401');

  // Console search by reference: at most 32 characters.
  r = await request('GET', `/api/console/applications?reference=${'A'.repeat(33)}`, asStaff);
  conforms('search by a reference of 33 characters', 'GET', '/api/console/applications', r);
  check(r.status === 400, 'search by a reference of 33 characters is 400');
  r = await request('GET', `/api/console/applications?date=2026-02-30`, asStaff);
  conforms('list of a day that does not exist', 'GET', '/api/console/applications', r);
  check(r.status === 400, 'a day that does not exist is 400');

  // Daily work: a filtered, sorted page with its total; a search by name;
  // the CSV export of the same filters; bad filters.
  r = await request('GET', '/api/console/applications?backlog=1&kind=application&assisted=no&sort=oldest&limit=1', asStaff);
  let pb = conforms('a filtered page of the backlog', 'GET', '/api/console/applications', r);
  check(r.status === 200 && pb && pb.applications.length === 1 && pb.total >= 1 &&
    pb.limit === 1 && (pb.total > 1 ? pb.next_offset === 1 : pb.next_offset === null),
    'a page of one with the total and the next offset');
  r = await request('GET', `/api/console/applications?q=${encodeURIComponent('测试申请人41')}`, asStaff);
  pb = conforms('a search by name', 'GET', '/api/console/applications', r);
  check(r.status === 200 && pb && pb.total === 1 && pb.applications[0].uuid === app.uuid, 'a search by name finds it');
  r = await request('GET', '/api/console/applications.csv', asStaff);
  conforms('the CSV export', 'GET', '/api/console/applications.csv', r);
  check(r.status === 200 && r.body.startsWith('\uFEFF"受理编号"') && r.body.includes(app.reference),
    'the CSV has its BOM, header and the application');
  for (const [q, what] of [['sort=up', 'an unknown sort'], ['limit=501', 'a page of 501'],
    ['backlog=1&date=2026-11-22', 'backlog with a day']]) {
    r = await request('GET', `/api/console/applications?${q}`, asStaff);
    conforms(`list with ${what}`, 'GET', '/api/console/applications', r);
    check(r.status === 400, `${what} is 400`);
  }
  r = await request('GET', '/api/console/applications.csv?kind=x', asStaff);
  conforms('CSV with a bad kind', 'GET', '/api/console/applications.csv', r);
  check(r.status === 400, 'the CSV with a bad filter is 400');

  // Urgent: an application marked urgent, the lists and the detail with
  // their urgent fields, and the urgent filter's refusals.
  const usub = spawnSync(SUBMIT, [String(PORT), DEV, '44', 'true'], { env: process.env });
  const uapp = JSON.parse(usub.stdout.toString());
  check(uapp.status === 201, 'a kiosk submits an urgent application');
  const L = '/api/console/applications';
  r = await request('GET', L, asStaff);
  let lb = conforms("today's list with an urgent application", 'GET', L, r);
  check(r.status === 200 && lb && lb.applications[0].uuid === uapp.uuid && lb.applications[0].urgent === true &&
    lb.urgent_waiting === 1, "today's list: the urgent application first, counted");
  r = await request('GET', `${L}?urgent=waiting`, asStaff);
  lb = conforms('the waiting urgent list', 'GET', L, r);
  check(r.status === 200 && lb && lb.applications.length === 1 && lb.applications[0].uuid === uapp.uuid,
    'the waiting urgent list has exactly it');
  for (const [q, what] of [['urgent=maybe', 'another value'], ['urgent=waiting&date=2026-11-22', 'with a date'],
    ['urgent=waiting&reference=AB', 'with a reference']]) {
    r = await request('GET', `${L}?${q}`, asStaff);
    conforms(`the urgent filter ${what}`, 'GET', L, r);
    check(r.status === 400, `the urgent filter ${what} is 400`);
  }
  r = await request('GET', `${L}/${uapp.uuid}`, asStaff);
  lb = conforms('an urgent application opened', 'GET', '/api/console/applications/{uuid}', r);
  check(r.status === 200 && lb && lb.urgent === true, 'an urgent application opened says urgent');

  // Heartbeats: last_errors up to 16 entries of 200 characters.
  const H = '/v1/devices/heartbeat';
  const hb = (errors) => ({ device_id: DEV, content_version: '2026.1.1', outbox_depth: 0,
    quarantined: 0, uptime_s: 60, last_errors: errors });
  for (const [errors, want, what] of [
    [Array(16).fill('错'.repeat(200)), 204, '16 errors of 200 Chinese characters'],
    [['错'.repeat(201)], 400, 'an error of 201 characters'],
    [Array(17).fill('x'), 400, '17 errors'],
  ]) {
    r = await request('POST', H, { cert: DEV, json: hb(errors) });
    conforms(`heartbeat with ${what}`, 'POST', H, r);
    check(r.status === want, `heartbeat with ${what}: ${want}` + (r.status === want ? '' : ` (got ${r.status})`));
  }
  r = await request('POST', H, { cert: DEV, body: JSON.stringify(hb([])), headers: { 'Content-Type': 'text/plain' } });
  conforms('heartbeat as text/plain', 'POST', H, r);
  check(r.status === 415, 'heartbeat as text/plain is 415');
  r = await request('POST', H, { cert: DEV, json: hb([]), headers: { 'Content-Length': String(64 * 1024 + 1) } });
  conforms('heartbeat declaring 64 KiB + 1', 'POST', H, r);
  check(r.status === 413, 'a body declared over 64 KiB is 413');
  r = await request('POST', H, { cert: 'KIOSK-410600-001', json: hb([]) });
  conforms('heartbeat as another device', 'POST', H, r);
  check(r.status === 403, 'a heartbeat for another device is 403');

  // Paths and methods nobody described: 404, 405 with Allow, 414.
  for (const [m, p, cert, want, allow] of [
    ['GET', '/v1/nothing-here', DEV, 404], ['GET', '/api/console/nothing', null, 404],
    ['GET', '/v1/applications', DEV, 405, 'POST'], ['DELETE', '/v1/content', ADMIN, 405, 'GET, POST'],
    ['POST', '/v1/devices/heartbeat/x', DEV, 404], ['PUT', '/api/console/me', null, 405, 'GET'],
    ['GET', '/v1/' + 'x'.repeat(300), DEV, 414],
  ]) {
    r = await request(m, p, { cert });
    const template = Object.keys(spec.paths).find((t) => t === p) || '/v1/applications';
    conforms(`${m} ${p.slice(0, 40)}`, Object.keys(spec.paths[template])[0].toUpperCase(), template, r);
    check(r.status === want, `${m} ${p.slice(0, 40)}: ${want}` + (r.status === want ? '' : ` (got ${r.status})`));
    if (allow) {
      const got = (r.headers.allow || '').split(', ').sort().join(', ');
      check(got === allow, `${m} ${p}: Allow names ${allow} (got ${r.headers.allow})`);
    }
  }

  // Content: publishing and the published list need an administrator.
  const sign = adminSigner();
  const C = '/v1/content';
  r = await request('POST', C, { cert: DEV, json: publication(sign, '2026.1.1') });
  let b = conforms('publish with a device certificate', 'POST', C, r);
  check(r.status === 403 && b && b.error === 'not_administrator' && /管理员证书/.test(b.message),
    'publish with a device certificate: 403 not_administrator, in Chinese');
  r = await request('GET', C, { cert: DEV });
  conforms('published list with a device certificate', 'GET', C, r);
  check(r.status === 403, 'published list with a device certificate: 403');
  r = await request('POST', C, { cert: ADMIN, json: publication(sign, '2027.1.1') });
  conforms('publish 2027.1.1', 'POST', C, r);
  check(r.status === 201, 'an administrator publishes 2027.1.1');
  r = await request('POST', C, { cert: ADMIN, json: publication(sign, '2026.12.1') });
  b = conforms('publish an older 2026.12.1', 'POST', C, r);
  check(r.status === 409 && b && b.current_version === '2027.1.1',
    'an older version: 409 naming the backend\'s 2027.1.1');
  r = await request('POST', C, { cert: ADMIN, json: publication(() => Buffer.alloc(64, 7), '2027.2.1') });
  conforms('publish with a bad signature', 'POST', C, r);
  check(r.status === 403, 'a bad signature: 403');
  r = await request('GET', `${C}?region=140500`, { cert: ADMIN });
  b = conforms('published list', 'GET', C, r);
  check(r.status === 200 && b && b.published.length === 1 && b.published[0].published_by === ADMIN,
    'the published list names the administrator');
  r = await request('GET', `${C}?region=1405`, { cert: ADMIN });
  conforms('published list of a malformed region', 'GET', C, r);
  check(r.status === 400, 'a malformed region: 400');
  r = await request('GET', '/v1/content/140500/manifest', { cert: DEV });
  conforms('manifest', 'GET', '/v1/content/{region}/manifest', r);
  check(r.status === 200, 'a kiosk gets the manifest');
  r = await request('GET', '/v1/content/files/' + '0'.repeat(64), { cert: DEV });
  conforms('unknown file', 'GET', '/v1/content/files/{sha256}', r);
  check(r.status === 404, 'an unknown file: 404');
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore('contract test', path.join(WORK, `contract-${process.pid}.db`));
  const { db, portFile } = store;
  const add = spawnSync(SERVER, ['adduser', '--db', db, 'S0031', '王测试'], { input: 'window pass 31\n' });
  check(add.status === 0, 'adduser creates a staff account');
  const server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db, '--port', '0',
    '--port-file', portFile, '--log-level', 'error', '--status-burst', '1000', '--fail-burst', '1000'],
  { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  try {
    PORT = parseInt(await waitForFile(portFile, 15000), 10);
    await cases();
  } finally {
    server.kill('SIGTERM');
  }
  check(await exited === 0, 'server exits cleanly on SIGTERM');
  store.drop();
}

const guard = setTimeout(() => { console.error('contract test: timed out'); process.exit(1); }, 150000);
main().then(() => {
  clearTimeout(guard);
  console.log(failures ? `${failures} failed` : 'all passed');
  process.exit(failures ? 1 : 0);
}, (e) => {
  clearTimeout(guard);
  console.error('contract test:', e);
  process.exit(1);
});
