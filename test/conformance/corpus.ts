// Locates the AWS-recorded conformance corpus (../shared/conformance, or STEPGATE_CONFORMANCE_DIR).
// Under CI=true a missing corpus is a failure, never a silent skip.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function conformanceDir(): string | undefined {
  const dir = process.env.STEPGATE_CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance');
  if (existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`conformance corpus not found at ${dir} (set STEPGATE_CONFORMANCE_DIR)`);
  return undefined;
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export async function importFrom<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(file).href)) as T;
}
