// ResponseBatcher: answers ended in one event-loop turn are written together, complete and in order,
// and one response whose end throws does not keep the others from leaving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { ResponseBatcher } from './response-batcher.js';

async function serve(handle: (path: string, res: ServerResponse) => void, batcher: ResponseBatcher) {
  const server = createServer((req, res) => {
    batcher.attach(res);
    req.resume();
    req.on('end', () => handle(req.url ?? '/', res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

const get = (port: number, path: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
  request({ host: '127.0.0.1', port, path }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  }).on('error', reject).end();
});

test('many answers ended in one turn all arrive, each on its own connection', async () => {
  let ended = 0;
  const { server, port } = await serve((path, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`answer to ${path}`);
    ended++;
  }, new ResponseBatcher());
  try {
    const paths = Array.from({ length: 40 }, (_, i) => `/r${i}`);
    const answers = await Promise.all(paths.map((p) => get(port, p)));
    assert.equal(ended, 40);
    assert.deepEqual(answers, paths.map((p) => ({ status: 200, body: `answer to ${p}` })));
  } finally {
    server.close();
  }
});

test('pipelined requests on one connection are answered in request order', async () => {
  const { server, port } = await serve((path, res) => {
    // The first request is answered last: HTTP/1.1 still sends its answer first.
    setTimeout(() => res.end(path), path === '/first' ? 30 : 0);
  }, new ResponseBatcher());
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (c: Buffer) => { data += c.toString(); if ((data.match(/HTTP\/1\.1 200/g) ?? []).length === 3 && data.endsWith('/third')) socket.end(); });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\nGET /third HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    const bodies = text.split(/HTTP\/1\.1 200 OK\r\n/).slice(1).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4));
    assert.deepEqual(bodies, ['/first', '/second', '/third']);
  } finally {
    server.close();
  }
});

test('an end that throws is reported and the other answers of the turn still leave', async () => {
  const errors: unknown[] = [];
  const { server, port } = await serve((path, res) => {
    if (path === '/bad') (res.end as (x: unknown) => void)(42); // not a string or buffer: end throws
    else res.end('fine');
  }, new ResponseBatcher((e) => { errors.push(e); }));
  try {
    const good = get(port, '/good');
    const bad = get(port, '/bad').catch(() => 'no answer');
    assert.deepEqual(await good, { status: 200, body: 'fine' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as Error).message), /chunk|argument/i);
    void bad;
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
