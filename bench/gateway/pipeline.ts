// bench/gateway, in-process part: the CPU cost of one API Gateway invocation without HTTP — the stepgate
// pipeline (route → request template → StartSyncExecution of the 5-state Express machine → response
// template) called directly, and StartSyncExecution alone, each back to back ("hot") and with 2 MiB of
// other memory touched before each call ("cold": a server's caches after the kernel, the HTTP stack and
// the load generator's wake-ups have run; it explains why a call costs more in the server than here).
// Prints one JSON line; run.ts runs it as a child process. Components are wired as src/server does.
import { openStore } from '../../src/store/open.js';
import { Runner } from '../../src/sfn/runner.js';
import { SfnService } from '../../src/sfn/api.js';
import { ApiGateway } from '../../src/apigw/gateway.js';
import { importDefinition } from '../../src/apigw/openapi.js';
import { sfnBackend } from '../../src/server/apigw-sfn-backend.js';
import { LocalLambdaRuntime } from '../../src/lambda/runtime.js';
import { BODY, EXPECTED, MACHINE, MACHINE_ARN, MACHINE_NAME, OPENAPI } from './fixture.js';

const region = 'us-east-1';
const accountId = '000000000000';
const store = openStore('memory');
const runner = new Runner({ store, timeScale: 0, region, accountId });
const service = new SfnService({ store, runner, timeScale: 0, region, accountId, dispatchers: [] });
const lambda = new LocalLambdaRuntime({ region, accountId });
const gateway = new ApiGateway({ lambda, stepFunctions: sfnBackend(service), region, accountId });
await service.handle('CreateStateMachine', { name: MACHINE_NAME, type: 'EXPRESS', roleArn: `arn:aws:iam::${accountId}:role/bench`, definition: JSON.stringify(MACHINE) });
const state = gateway.registry.createApi({ name: 'bench' });
importDefinition(gateway.registry, state, OPENAPI, { mode: 'overwrite' });
gateway.registry.createDeployment(state, { stageName: 'bench' });
const stage = state.stages.get('bench');
const compiled = stage ? gateway.compiledFor(state, stage) : undefined;
if (!stage || !compiled) throw new Error('the bench API did not deploy');

const body = Buffer.from(BODY);
const viaGateway = async (): Promise<void> => {
  const out = await gateway.pipeline.invoke(compiled, stage, {
    method: 'POST', path: '/orders', rawQuery: '', body, sourceIp: '127.0.0.1', domainName: 'bench.execute-api.localhost',
    headers: [['Host', 'bench.execute-api.localhost'], ['Content-Type', 'application/json'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']],
  });
  if (out.status !== 200 || out.body.toString() !== EXPECTED) throw new Error(`unexpected answer ${out.status}: ${out.body.toString()}`);
};
const sfnInput = JSON.stringify({ data: JSON.parse(BODY) as unknown });
const direct = async (): Promise<void> => {
  const out = await service.handle('StartSyncExecution', { stateMachineArn: MACHINE_ARN, input: sfnInput });
  if (out.status !== 'SUCCEEDED') throw new Error(`unexpected execution: ${JSON.stringify(out)}`);
  JSON.stringify(out); // what the JSON 1.0 endpoint sends
};

const junk = new Uint8Array(2 * 1024 * 1024);
/** Writes to every cache line of 2 MiB (the L2 cache per core of the machines here), evicting what the last call left. */
function evict(): void {
  for (let i = 0; i < junk.length; i += 64) junk[i] = ((junk[i] ?? 0) + 1) & 0xff;
}

/** Median over rounds of the mean µs per call, timing only the calls. */
async function measure(call: () => Promise<void>, cold: boolean, calls: number, rounds = 5): Promise<number> {
  for (let i = 0; i < 2000; i++) await call();
  const means: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ns = 0n;
    for (let i = 0; i < calls; i++) {
      if (cold) evict();
      const t0 = process.hrtime.bigint();
      await call();
      ns += process.hrtime.bigint() - t0;
    }
    means.push(Number(ns) / 1000 / calls);
  }
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)] as number;
}

const result = {
  gatewayHot: await measure(viaGateway, false, 10_000), gatewayCold: await measure(viaGateway, true, 2_000),
  sfnHot: await measure(direct, false, 10_000), sfnCold: await measure(direct, true, 2_000),
};
console.log(JSON.stringify(result));
await runner.close();
await lambda.close();
await gateway.usage.close();
await store.close();
