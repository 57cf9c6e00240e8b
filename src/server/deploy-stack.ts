// Brings a SAM / CloudFormation stack up locally (`stepgate start template.yaml`): Lambda functions in
// the local runtime, state machines through the Step Functions API, REST APIs (imported and/or built
// step by step, then deployed) and API keys / usage plans with the ids the template resolves to.
// Creating again on restart updates what the store kept. An API Gateway error while deploying is
// reported, as CloudFormation reports a CREATE_FAILED resource, with the file, line and logical id.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlannedApi, StackPlan } from '../template/load.js';
import { TemplateError } from '../template/errors.js';
import type { SfnService } from '../sfn/api.js';
import { SfnError } from '../sfn/errors.js';
import { LocalLambdaRuntime } from '../lambda/runtime.js';
import type { LambdaService } from '../lambda/service.js';
import type { ApiGateway } from '../apigw/gateway.js';
import { deployApiKey, deployRestApi, deployUsagePlan, deployUsagePlanKey, type DeployStep, type RestApiSpec } from '../apigw/deploy.js';
import { ApiGatewayError } from '../apigw/errors.js';

export interface DeployedStack {
  stateMachines: { logicalId: string; arn: string }[];
  functions: { logicalId: string; name: string }[];
  apis: { logicalId: string; apiId: string; stageName: string; stages: string[]; warnings: string[] }[];
  apiKeys: { logicalId: string; id: string }[];
  usagePlans: { logicalId: string; id: string }[];
  usagePlanKeys: { logicalId: string; usagePlanId: string; keyId: string }[];
  /** resource types not run locally, for the start-up banner */
  unsupported: string[];
}

/** Inline code (Code.ZipFile / InlineCode) becomes a file the runtime can load. */
function inlineDirectory(name: string, handler: string, code: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stepgate-${name}-`));
  const module = handler.includes('.') ? handler.slice(0, handler.lastIndexOf('.')) : 'index';
  writeFileSync(join(dir, `${module}.js`), code);
  return dir;
}

export async function deployStack(plan: StackPlan, deps: { service: SfnService; lambda: LambdaService; apigw: ApiGateway }): Promise<DeployedStack> {
  const out: DeployedStack = { stateMachines: [], functions: [], apis: [], apiKeys: [], usagePlans: [], usagePlanKeys: [], unsupported: plan.unsupported.map((u) => `${u.logicalId} (${u.type}${u.line !== undefined ? `, line ${u.line}` : ''})`) };
  for (const f of plan.functions) {
    if (!(deps.lambda instanceof LocalLambdaRuntime)) throw new Error(`cannot create function ${f.logicalId}: the server was given its own Lambda service`);
    if (deps.lambda.getFunction(f.name)) deps.lambda.deleteFunction(f.name);
    deps.lambda.createFunction({
      name: f.name, directory: f.codeDir ?? inlineDirectory(f.name, f.handler, f.inlineCode ?? ''), handler: f.handler,
      runtime: f.runtime, timeout: f.timeout, memorySize: f.memorySize, environment: f.environment,
    });
    out.functions.push({ logicalId: f.logicalId, name: f.name });
  }
  for (const sm of plan.stateMachines) {
    const definition = JSON.stringify(sm.definition);
    try {
      await deps.service.handle('CreateStateMachine', { name: sm.name, definition, roleArn: sm.roleArn, type: sm.type });
    } catch (e) {
      // Kept by the store from an earlier start: bring it up to date with the template.
      if (!(e instanceof SfnError) || e.code !== 'StateMachineAlreadyExists') throw e;
      await deps.service.handle('UpdateStateMachine', { stateMachineArn: sm.arn, definition, roleArn: sm.roleArn });
    }
    out.stateMachines.push({ logicalId: sm.logicalId, arn: sm.arn });
  }
  const registry = deps.apigw.registry;
  const lines = new Map<string, number>();
  const note = (x: { logicalId: string; line?: number }): void => { if (x.line !== undefined) lines.set(x.logicalId, x.line); };
  for (const api of plan.apis) {
    note(api);
    for (const list of Object.values(api.parts)) for (const x of list) note(x);
  }
  for (const x of [...plan.apiKeys, ...plan.usagePlans, ...plan.usagePlanKeys]) note(x);
  const step: DeployStep = (tag, fn) => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ApiGatewayError)) throw e;
      const line = tag !== undefined ? lines.get(tag) : undefined;
      throw new TemplateError(`Resource handler returned message: "${e.message} (Service: ApiGateway, Status Code: ${e.status})"`, { file: plan.file, ...(tag !== undefined ? { logicalId: tag } : {}), ...(line !== undefined ? { line } : {}) });
    }
  };
  for (const api of plan.apis) {
    const warnings = deployRestApi(registry, restApiSpec(api), step);
    out.apis.push({ logicalId: api.logicalId, apiId: api.apiId, stageName: api.stageName, stages: [...registry.api(api.apiId).stages.keys()], warnings });
  }
  for (const k of plan.apiKeys) {
    step(k.logicalId, () => deployApiKey(registry, {
      id: k.id, name: k.name, enabled: k.enabled, stageKeys: k.stageKeys,
      ...(k.value !== undefined ? { value: k.value } : {}), ...(k.description !== undefined ? { description: k.description } : {}), ...(k.customerId !== undefined ? { customerId: k.customerId } : {}),
    }));
    out.apiKeys.push({ logicalId: k.logicalId, id: k.id });
  }
  for (const u of plan.usagePlans) {
    step(u.logicalId, () => deployUsagePlan(registry, {
      id: u.id, name: u.name, apiStages: u.apiStages,
      ...(u.description !== undefined ? { description: u.description } : {}), ...(u.throttle ? { throttle: u.throttle } : {}), ...(u.quota ? { quota: u.quota } : {}),
    }));
    out.usagePlans.push({ logicalId: u.logicalId, id: u.id });
  }
  for (const k of plan.usagePlanKeys) {
    step(k.logicalId, () => deployUsagePlanKey(registry, k.usagePlanId, k.keyId));
    out.usagePlanKeys.push({ logicalId: k.logicalId, usagePlanId: k.usagePlanId, keyId: k.keyId });
  }
  return out;
}

/** The plan of one API as the deployer takes it (`tag` = the logical id a step belongs to). */
function restApiSpec(api: PlannedApi): RestApiSpec {
  const tagged = <T extends { logicalId: string; line?: number }>(list: T[]): (Omit<T, 'logicalId' | 'line'> & { tag: string })[] =>
    list.map(({ logicalId, line: _line, ...rest }) => ({ ...rest, tag: logicalId }));
  return {
    id: api.apiId, name: api.name, rootResourceId: api.rootResourceId, create: api.create, body: api.body, tag: api.logicalId,
    ...(api.policy !== undefined ? { policy: api.policy } : {}),
    models: tagged(api.parts.models), validators: tagged(api.parts.validators), authorizers: tagged(api.parts.authorizers),
    gatewayResponses: tagged(api.parts.gatewayResponses), resources: tagged(api.parts.resources), methods: tagged(api.parts.methods),
    deployments: tagged(api.parts.deployments), stages: tagged(api.parts.stages),
  };
}
