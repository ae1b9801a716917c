// What every browser test of the console shares: playwright-core from this
// folder's node_modules, the environment the CMake rule sets, ok/FAIL
// lines with a count, waiting for the server's port file, Debian's
// chromium started headless with a throw-away profile, and the store the
// test's server runs on: a SQLite file, or a fresh PostgreSQL database when
// KIOSK_TEST_PG_STATE names the running throwaway cluster (pgtest.sh).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const CHROMIUM = '/usr/bin/chromium';

// playwright-core's chromium; exits with a plain message when `npm ci` has
// not run (name: the test's name for messages).
export function loadChromium(name) {
  try {
    return require(path.join(here, 'node_modules', 'playwright-core')).chromium;
  } catch (e) {
    console.error(`${name}: node_modules/playwright-core is missing; run \`npm ci\` in tests/server first`);
    process.exit(1);
  }
}

// A required environment variable, or exit saying which.
export function requireEnv(name, k) {
  if (!process.env[k]) { console.error(`${name}: ${k} not set`); process.exit(1); }
  return process.env[k];
}

// check(cond, what) prints ok/FAIL; failures() counts the FAILs.
let failed = 0;
export function check(cond, what) {
  if (cond) { console.log('ok   ' + what); } else { failed++; console.error('FAIL ' + what); }
}
export const failures = () => failed;

// The port kiosk-server wrote (--port-file), waited for.
export async function waitForFile(f, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('server did not start');
}

// Debian's chromium, headless, in userDir; extra goes into the launch
// options (bypassCSP, downloads).
export function launchChromium(chromium, userDir, extra = {}) {
  return chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM, headless: true, ignoreHTTPSErrors: true,
    viewport: { width: 1366, height: 768 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    ...extra,
  });
}

// The store a test's kiosk-server runs on, as --db takes it. file is the
// SQLite file the test would use (its stale -wal, -shm and .port files are
// removed); the port file is file + '.port' on both stores. With
// KIOSK_TEST_PG_STATE set (the _pg tests: the server_pg fixture), the store
// is instead a fresh, empty database on that cluster named after tag
// (letters, digits, '-' and '_'; default: file's name without .db), made
// by `pgtest.sh createdb` and dropped by drop() or when the test exits
// (on SQLite, drop() removes the file and its companions). If
// the cluster is not there or does not answer, the test fails saying so:
// it is never skipped. Returns { db, portFile, pg, drop }.
export function testStore(name, file, tag = path.basename(file, '.db')) {
  const portFile = file + '.port';
  const rmFiles = () => {
    for (const f of [file, file + '-wal', file + '-shm', portFile]) fs.rmSync(f, { force: true });
  };
  rmFiles();
  const state = process.env.KIOSK_TEST_PG_STATE;
  if (!state) return { db: file, portFile, pg: false, drop: rmFiles };
  const dbName = 'kiosk_' + tag.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const pgtest = (cmd) => spawnSync('bash', [path.join(here, 'pgtest.sh'), cmd, state, dbName],
    { encoding: 'utf8' });
  const made = pgtest('createdb');
  if (made.status !== 0 || !made.stdout.trim().startsWith('postgresql://')) {
    console.error(`${name}: no PostgreSQL database for this test (KIOSK_TEST_PG_STATE=${state}):\n` +
      (made.stderr || made.error || '').toString().trim());
    process.exit(1);
  }
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    fs.rmSync(portFile, { force: true });
    const r = pgtest('dropdb');
    if (r.status !== 0) console.error(`${name}: dropping ${dbName}: ${r.stderr.trim()}`);
  };
  process.on('exit', drop);
  return { db: made.stdout.trim(), portFile, pg: true, drop };
}
