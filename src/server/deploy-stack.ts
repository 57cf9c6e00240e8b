// Brings a SAM / CloudFormation stack up locally (`stepgate start template.yaml`): Lambda functions in
// the local runtime, state machines through the Step Functions API, REST APIs imported and deployed
// with the ids the template resolves to. Creating again on restart updates what the store kept.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackPlan } from '../template/load.js';
import type { SfnService } from '../sfn/api.js';
import { SfnError } from '../sfn/errors.js';
import { LocalLambdaRuntime } from '../lambda/runtime.js';
import type { LambdaService } from '../lambda/service.js';
import type { ApiGateway } from '../apigw/gateway.js';
import { deployApi } from '../apigw/deploy.js';

export interface DeployedStack {
  stateMachines: { logicalId: string; arn: string }[];
  functions: { logicalId: string; name: string }[];
  apis: { logicalId: string; apiId: string; stageName: string; warnings: string[] }[];
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
  const out: DeployedStack = { stateMachines: [], functions: [], apis: [], unsupported: plan.unsupported.map((u) => `${u.logicalId} (${u.type}${u.line !== undefined ? `, line ${u.line}` : ''})`) };
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
  for (const api of plan.apis) {
    const warnings = deployApi(deps.apigw.registry, { id: api.apiId, name: api.name, body: api.body, stageName: api.stageName, variables: api.variables });
    out.apis.push({ logicalId: api.logicalId, apiId: api.apiId, stageName: api.stageName, warnings });
  }
  return out;
}
