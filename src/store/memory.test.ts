// Runs the shared store suite against the in-memory adapter.
import { MemoryStore } from './memory.js';
import { runStoreSuite } from './store-suite.js';

runStoreSuite('memory', { open: async () => new MemoryStore(), cleanup: async () => undefined });
