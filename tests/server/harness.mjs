// What every browser test of the console shares: playwright-core from this
// folder's node_modules, the environment the CMake rule sets, ok/FAIL
// lines with a count, waiting for the server's port file, and Debian's
// chromium started headless with a throw-away profile.
import fs from 'node:fs';
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
