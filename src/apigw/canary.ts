// Canary releases of a stage: the settings CreateDeployment/CreateStage accept, the UpdateStage
// patch operations on `/canarySettings/...` (incl. promotion by `copy`), and which deployment a
// request runs. Messages are AWS's as recorded (LocalStack's test_apigateway_canary snapshots,
// recorded against AWS on 30-05-2025).
import { badRequest } from './errors.js';
import type { ApiState, CanarySettings, Stage } from './model.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function percent(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) throw badRequest('Invalid percentTraffic specified. Must be between 0.0 and 100.0');
  return n;
}

function overrides(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/** `canarySettings` of CreateStage (deploymentId defaults to the stage's own deployment [rec]). */
export function canaryFromInput(state: ApiState, input: unknown, stageDeploymentId: string): CanarySettings | undefined {
  if (!isObj(input)) return undefined;
  const deploymentId = typeof input.deploymentId === 'string' ? input.deploymentId : stageDeploymentId;
  if (!state.deployments.has(deploymentId)) throw badRequest('Invalid deployment identifier specified');
  const o = overrides(input.stageVariableOverrides);
  return { deploymentId, percentTraffic: input.percentTraffic === undefined ? 0 : percent(input.percentTraffic), ...(o ? { stageVariableOverrides: o } : {}), useStageCache: input.useStageCache === true };
}

/** CreateDeployment with `canarySettings`: the stage must exist; it keeps its deployment, the canary gets the new one. */
export function checkCanaryDeployment(state: ApiState, stageName: unknown): Stage {
  if (typeof stageName !== 'string' || stageName === '') {
    throw badRequest('Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is null');
  }
  const stage = state.stages.get(stageName);
  if (!stage) throw badRequest(`Invalid deployment content specified.Stage ${stageName} must already be created before making a canary release deployment`);
  return stage;
}

export function attachCanary(stage: Stage, deploymentId: string, input: Json): void {
  const o = overrides(input.stageVariableOverrides);
  stage.canarySettings = {
    deploymentId, percentTraffic: input.percentTraffic === undefined ? 0 : percent(input.percentTraffic),
    ...(o ? { stageVariableOverrides: o } : {}), useStageCache: input.useStageCache === true,
  };
}

/** True for the patch operations this module handles (everything else is the stage's own fields). */
export function isCanaryOp(op: Json): boolean {
  return (typeof op.path === 'string' && op.path.startsWith('/canarySettings')) || (op.op === 'copy' && typeof op.from === 'string' && op.from.startsWith('/canarySettings'));
}

const SETTING_PATHS = '/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, /accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, /{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, /{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit/{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, /{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, /{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, /*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, /tracingEnabled';

/**
 * One UpdateStage operation on the canary. `replace` of a field creates the canary when the stage has
 * none (on the stage's own deployment, 0 %, [rec]); `remove /canarySettings` deletes it; promotion is
 * `copy` from `/canarySettings/deploymentId` to `/deploymentId` and from `.../stageVariableOverrides`
 * to `/variables` (AWS's documented recipe).
 */
export function applyCanaryOp(state: ApiState, stage: Stage, op: Json): void {
  const path = String(op.path ?? '');
  if (op.op === 'copy') {
    const from = String(op.from);
    const c = stage.canarySettings;
    if (from === '/canarySettings/deploymentId' && path === '/deploymentId') {
      if (c) stage.deploymentId = c.deploymentId;
      return;
    }
    if (from === '/canarySettings/stageVariableOverrides' && path === '/variables') {
      if (c?.stageVariableOverrides) stage.variables = { ...(stage.variables ?? {}), ...c.stageVariableOverrides };
      return;
    }
    throw badRequest(`Invalid copy operation with path: ${path}`);
  }
  const field = path.slice('/canarySettings'.length).split('/').filter((p) => p !== '');
  if (op.op === 'remove') {
    if (field.length === 0) { delete stage.canarySettings; return; }
    if (field[0] === 'stageVariableOverrides' && field.length === 2 && stage.canarySettings?.stageVariableOverrides) {
      delete stage.canarySettings.stageVariableOverrides[field[1] as string];
      return;
    }
    throw badRequest(`Cannot remove method setting canarySettings/${field.join('/')} because there is no method setting for this method `);
  }
  if (op.op !== 'replace') throw badRequest(`Invalid ${String(op.op)} operation with path: ${path}`);
  const known = ['deploymentId', 'percentTraffic', 'useStageCache', 'stageVariableOverrides'];
  if (field.length === 0 || !known.includes(field[0] as string) || (field[0] === 'stageVariableOverrides' ? field.length !== 2 : field.length !== 1)) {
    throw badRequest(`Invalid method setting path: ${path}. Must be one of: [${SETTING_PATHS}]`);
  }
  const c = stage.canarySettings ?? { deploymentId: stage.deploymentId, percentTraffic: 0, useStageCache: false };
  switch (field[0]) {
    case 'deploymentId':
      if (typeof op.value !== 'string' || !state.deployments.has(op.value)) throw badRequest('Invalid deployment identifier specified');
      c.deploymentId = op.value;
      break;
    case 'percentTraffic': c.percentTraffic = percent(op.value); break;
    case 'useStageCache': c.useStageCache = op.value === true || op.value === 'true'; break;
    default: c.stageVariableOverrides = { ...(c.stageVariableOverrides ?? {}), [field[1] as string]: String(op.value) };
  }
  stage.canarySettings = c;
}

/** The deployment and stage variables one request runs with; `canary` is undefined when the stage has none. */
export function pickRelease(stage: Stage, random: () => number = Math.random): { deploymentId: string; variables: Record<string, string>; canary?: boolean } {
  const c = stage.canarySettings;
  if (!c) return { deploymentId: stage.deploymentId, variables: stage.variables ?? {} };
  const canary = c.percentTraffic > 0 && random() * 100 < c.percentTraffic;
  if (!canary) return { deploymentId: stage.deploymentId, variables: stage.variables ?? {}, canary: false };
  return { deploymentId: c.deploymentId, variables: { ...(stage.variables ?? {}), ...(c.stageVariableOverrides ?? {}) }, canary: true };
}
