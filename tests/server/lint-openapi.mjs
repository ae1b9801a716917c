// Lints docs/api/openapi.yaml with @redocly/cli (recommended rules, every
// warning an error). Usage: node lint-openapi.mjs path/to/openapi.yaml
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('openapi lint: node_modules/@redocly/cli is missing; run `npm ci` in tests/server first');
  process.exit(1);
}
const spec = process.argv[2];
if (!spec || !fs.existsSync(spec)) {
  console.error('openapi lint: no such file: ' + spec);
  process.exit(1);
}
const r = spawnSync(process.execPath, [cli, 'lint', '--config',
  path.join(here, 'redocly.yaml'), '--format', 'stylish', spec], {
  stdio: 'inherit',
  env: Object.assign({}, process.env, { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }),
});
process.exit(r.status === null ? 1 : r.status);
