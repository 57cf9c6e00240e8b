// ARNs of the Step Functions service (FACTS §1.4): building them for the configured region and
// account, and taking apart the ones clients send.
import { invalidArn } from './errors.js';

export interface ArnScope { region: string; accountId: string }

export const stateMachineArn = (s: ArnScope, name: string): string => `arn:aws:states:${s.region}:${s.accountId}:stateMachine:${name}`;
export const executionArn = (s: ArnScope, machine: string, name: string): string => `arn:aws:states:${s.region}:${s.accountId}:execution:${machine}:${name}`;
export const expressExecutionArn = (s: ArnScope, machine: string, name: string, id: string): string =>
  `arn:aws:states:${s.region}:${s.accountId}:express:${machine}:${name}:${id}`;
export const activityArn = (s: ArnScope, name: string): string => `arn:aws:states:${s.region}:${s.accountId}:activity:${name}`;

export interface ParsedArn {
  region: string;
  accountId: string;
  /** stateMachine, execution, express, activity, mapRun, … */
  resourceType: string;
  /** the parts after the resource type */
  parts: string[];
}

/** Splits `arn:aws:states:{region}:{account}:{type}:…`; anything else is InvalidArn (FACTS §1.3). */
export function parseArn(value: string): ParsedArn {
  const p = value.split(':');
  if (p.length < 7 || p[0] !== 'arn' || !p[1]?.startsWith('aws') || p[2] !== 'states') throw invalidArn(value);
  return { region: p[3] as string, accountId: p[4] as string, resourceType: p[5] as string, parts: p.slice(6) };
}

export interface MachineRef {
  /** unqualified state machine ARN */
  base: string;
  name: string;
  /** version number or alias name */
  qualifier?: string;
}

/** A state machine ARN, optionally qualified by a version (`:3`) or an alias (`:prod`). */
export function parseMachineArn(value: string): MachineRef | undefined {
  const a = parseArn(value);
  if (a.resourceType !== 'stateMachine' || a.parts.length < 1 || a.parts.length > 2 || !a.parts[0]) return undefined;
  const name = a.parts[0];
  const base = `arn:aws:states:${a.region}:${a.accountId}:stateMachine:${name}`;
  return a.parts.length === 2 ? { base, name, qualifier: a.parts[1] as string } : { base, name };
}
