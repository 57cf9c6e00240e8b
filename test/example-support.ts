// Shared set-up of the example tests: `stepgate start examples/<example>/template.yaml` as a user runs it
// (the real CLI in its own process, a free port, an in-memory store), the banner read for what it
// prints (both invoke URLs of every API, every state machine ARN), and plain-HTTP helpers for both
// URL forms.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

export interface StartedApi { label: string; stage: string; apiId: string; pathUrl: string; hostUrl: string }

export interface Example {
  url: string;
  port: number;
  banner: string;
  apis: StartedApi[];
  /** logical id → ARN, as the banner prints them */
  stateMachines: Map<string, string>;
  sfn: SFNClient;
  stop(): Promise<void>;
}

/** Starts `stepgate start <template> --port 0 --store memory --time-scale 0 …` from the repository root. */
export async function startExample(template: string, args: string[] = []): Promise<Example> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main, 'start', template, '--port', '0', '--store', 'memory', '--time-scale', '0', ...args], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const deadline = Date.now() + 30_000;
  while (!/\n {2}Ctrl-C stops the server\n/.test(stdout)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`stepgate start ${template} did not come up:\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
  const apis = [...stdout.matchAll(/ {4}API (.+), stage (\S+):\n {6}(\S+)\n {6}(\S+)\n/g)].map((m) => ({
    label: m[1] as string, stage: m[2] as string, pathUrl: m[3] as string, hostUrl: m[4] as string,
    apiId: /\/restapis\/(\w+)\//.exec(m[3] as string)?.[1] ?? '',
  }));
  const stateMachines = new Map([...stdout.matchAll(/ {4}state machine (\S+): (arn:\S+)/g)].map((m) => [m[1] as string, m[2] as string]));
  const sfn = new SFNClient({ endpoint: url, region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    url, port: Number(new URL(url).port), banner: stdout, apis, stateMachines, sfn,
    stop: async () => {
      sfn.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface HttpAnswer { status: number; headers: Record<string, string>; text: string; json: Record<string, unknown> }

/**
 * One request over plain HTTP. For `http://{apiId}.execute-api.localhost:PORT/…` the connection goes to
 * 127.0.0.1 with that Host header, as a resolver mapping *.localhost to loopback (curl, browsers) does.
 */
export function call(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: u.port, method, path: `${u.pathname}${u.search}`,
      headers: { host: u.host, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => {
        let json: Record<string, unknown> = {};
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The README of an example, to check that its commands and URLs are the ones that work. */
export const readme = (example: string): string => readFileSync(fileURLToPath(new URL(`../examples/${example}/README.md`, import.meta.url)), 'utf8');
