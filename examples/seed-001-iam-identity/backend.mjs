#!/usr/bin/env node
// The asker's HTTP endpoint: logs and echoes back the method, path, headers and body it receives, so
// you can see what API Gateway forwards. Usage: node examples/seed-001-iam-identity/backend.mjs [port]
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4600);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let body = text;
    try { body = JSON.parse(text); } catch { /* not JSON: echoed as text */ }
    const echo = { method: req.method, path: req.url, headers: req.headers, body };
    console.error(`backend received ${req.method} ${req.url} with headers ${Object.keys(req.headers).join(', ')}`);
    const out = JSON.stringify(echo);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`echo backend listening on http://127.0.0.1:${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
