// Runs every test file (src/**/*.test.ts beside the code, test/**/*.test.ts end to end) with
// Node's own test runner, TypeScript loaded through tsx. Extra arguments filter file paths.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
for (const dir of ['src', 'test']) {
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.test.ts')) continue;
    const path = relative(root, join(entry.parentPath ?? entry.path, entry.name));
    if (filters.length === 0 || filters.some((f) => path.includes(f))) files.push(path);
  }
}
files.sort();
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...flags, ...files], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);
