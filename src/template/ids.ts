// Physical ids and names for template resources, derived from the stack name and logical id so that
// they are the same from one start to the next (URLs, keys and references do not move on a restart).
import { createHash } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function digest(stackName: string, key: string, length: number, alphabet: string): string {
  const h = createHash('sha256').update(`${stackName}/${key}`).digest();
  return Array.from(h.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

/** API Gateway style id: lower-case alphanumerics (REST APIs, API keys and root resources 10, the rest 6). */
export function stableId(stackName: string, key: string, length = 10): string {
  return digest(stackName, key, length, LOWER);
}

/** Deterministic 10-character API id, so URLs stay the same from one start to the next. */
export function apiIdFor(stackName: string, logicalId: string): string {
  return stableId(stackName, logicalId, 10);
}

/**
 * The name CloudFormation gives a resource whose name property is left out: stack name, logical id and a
 * random suffix (AWS "Name type"). The suffix is a hash here, so the name survives a restart. The exact
 * length of AWS's suffix (12–13 upper-case alphanumerics in observed stacks) is unverified.
 */
export function generatedName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}-${digest(stackName, `name/${logicalId}`, 12, UPPER)}`;
}
