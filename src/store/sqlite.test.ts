// Runs the shared store suite against the SQLite adapter on a real temporary file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.js';
import { runStoreSuite } from './store-suite.js';

let dir = '';
const file = (): string => join(dir, 'state.db');
runStoreSuite('sqlite', {
  open: async () => { dir = mkdtempSync(join(tmpdir(), 'stepgate-store-')); return new SqliteStore(file()); },
  reopen: async () => new SqliteStore(file()),
  cleanup: async () => { rmSync(dir, { recursive: true, force: true }); },
});
