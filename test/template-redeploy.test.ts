// Deploying a changed template into a running server (what `stepgate start --watch` does on a reload):
// API keys, usage plans and usage-plan keys the template no longer has are deleted, as a CloudFormation
// stack update deletes removed resources; what stays keeps its id. Checked with the AWS SDK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayClient, GetApiKeysCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { startServer, type StepgateServer } from '../src/index.js';
import { loadTemplate } from '../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'stepgate-redeploy-'));
const file = join(dir, 'template.yaml');
let server: StepgateServer;
let apigw: APIGatewayClient;

const api = `
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody:
        openapi: 3.0.1
        info: { title: redeploy, version: "1" }
        paths:
          /ping:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: { application/json: '{"statusCode": 200}' }
                responses: { default: { statusCode: "200" } }
`;
const key = (name: string): string => `
  ${name}:
    Type: AWS::ApiGateway::ApiKey
    Properties: { Name: ${name}, Enabled: true, Value: ${name}Value0123456789abcdef }
`;
const plan = (name: string, keys: string[]): string => `
  ${name}:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: ApidevStage
    Properties:
      UsagePlanName: ${name}
      ApiStages: [{ ApiId: !Ref Api, Stage: dev }]
${keys.map((k) => `
  ${name}${k}:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: { KeyId: !Ref ${k}, KeyType: API_KEY, UsagePlanId: !Ref ${name} }
`).join('')}`;
const template = (body: string): string => `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:${api}${body}`;

before(async () => {
  writeFileSync(file, template(key('KeyA') + key('KeyB') + plan('Gold', ['KeyA', 'KeyB']) + plan('Silver', ['KeyB'])));
  server = await startServer({ port: 0, store: 'memory', template: file });
  apigw = new APIGatewayClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});

after(async () => {
  apigw.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function state(): Promise<{ keys: string[]; plans: Record<string, string[]> }> {
  const keys = (await apigw.send(new GetApiKeysCommand({}))).items ?? [];
  const plans = (await apigw.send(new GetUsagePlansCommand({}))).items ?? [];
  const byPlan: Record<string, string[]> = {};
  for (const p of plans) {
    const planKeys = (await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: p.id }))).items ?? [];
    byPlan[p.name as string] = planKeys.map((k) => k.name as string).sort();
  }
  return { keys: keys.map((k) => k.name as string).sort(), plans: byPlan };
}

test('a reload without a key, a plan and a plan key deletes them; the rest keeps its ids', async () => {
  assert.deepEqual(await state(), { keys: ['KeyA', 'KeyB'], plans: { Gold: ['KeyA', 'KeyB'], Silver: ['KeyB'] } });
  const before = new Map(((await apigw.send(new GetApiKeysCommand({}))).items ?? []).map((k) => [k.name, k.id]));
  // KeyA goes, Silver goes, and Gold no longer holds KeyB (its UsagePlanKey resource is removed)
  writeFileSync(file, template(key('KeyB') + plan('Gold', [])));
  await server.deploy(loadTemplate(file));
  assert.deepEqual(await state(), { keys: ['KeyB'], plans: { Gold: [] } });
  const after = new Map(((await apigw.send(new GetApiKeysCommand({}))).items ?? []).map((k) => [k.name, k.id]));
  assert.equal(after.get('KeyB'), before.get('KeyB'));
  // and back: they come again with the ids the template resolves to
  writeFileSync(file, template(key('KeyA') + key('KeyB') + plan('Gold', ['KeyA', 'KeyB']) + plan('Silver', ['KeyB'])));
  await server.deploy(loadTemplate(file));
  assert.deepEqual(await state(), { keys: ['KeyA', 'KeyB'], plans: { Gold: ['KeyA', 'KeyB'], Silver: ['KeyB'] } });
  const again = new Map(((await apigw.send(new GetApiKeysCommand({}))).items ?? []).map((k) => [k.name, k.id]));
  assert.equal(again.get('KeyA'), before.get('KeyA'));
});
