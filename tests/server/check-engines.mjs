// Every package pinned in package-lock.json must accept the Node.js of
// Debian 12 (bookworm released with 18.13.0; later point releases are
// newer): the test command has to run on a fresh Debian 12 machine.
// Usage: node check-engines.mjs [MIN_NODE_VERSION]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
let semver;
try {
  semver = require(path.join(here, 'node_modules', 'semver'));
} catch (e) {
  console.error('check-engines: node_modules/semver is missing; run `npm ci` in tests/server first');
  process.exit(1);
}
const min = process.argv[2] || '18.13.0';
const lock = JSON.parse(fs.readFileSync(path.join(here, 'package-lock.json'), 'utf8'));
let bad = 0, n = 0;
for (const [where, p] of Object.entries(lock.packages || {})) {
  if (!where) continue;
  n++;
  const want = p.engines && (Array.isArray(p.engines) ? null : p.engines.node);
  if (want && !semver.satisfies(min, want)) {
    console.error(`FAIL ${where} ${p.version} needs node ${want}`);
    bad++;
  }
}
console.log(`${n} pinned packages, ${bad} refuse Node.js ${min}`);
process.exit(bad ? 1 : 0);
