// Picks the store adapter from the `--store` option: `memory`, `sqlite:PATH` (default `.stepgate/state.db`).
import type { Store } from './port.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

export const DEFAULT_SQLITE_PATH = '.stepgate/state.db';

export function openStore(spec: string = `sqlite:${DEFAULT_SQLITE_PATH}`): Store {
  if (spec === 'memory') return new MemoryStore();
  if (spec === 'sqlite') return new SqliteStore(DEFAULT_SQLITE_PATH);
  if (spec.startsWith('sqlite:')) return new SqliteStore(spec.slice('sqlite:'.length) || DEFAULT_SQLITE_PATH);
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) throw new Error('The postgres store is not supported yet');
  throw new Error(`Unknown store '${spec}': use memory or sqlite:PATH`);
}
