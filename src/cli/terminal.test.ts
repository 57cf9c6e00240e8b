// The progress line: shown on a terminal once work has run a second, one updating line, erased at the
// end; nothing at all off a terminal or with --json. Time and timers are fakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progress, PROGRESS_DELAY_MS, type ProgressHost } from './terminal.js';

function fakeHost(isTTY: boolean): ProgressHost & { written: string[]; tick(): void; advance(ms: number): void; timers: number } {
  let now = 0;
  let fn: (() => void) | undefined;
  const host = {
    written: [] as string[],
    timers: 0,
    stream: { isTTY, write: (t: string) => { host.written.push(t); return true; } },
    setInterval: (f: () => void) => { fn = f; host.timers++; return 1; },
    clearInterval: () => { fn = undefined; host.timers--; },
    now: () => now,
    tick: () => fn?.(),
    advance: (ms: number) => { now += ms; },
  };
  return host;
}

test('on a terminal: nothing during the first second, then one line rewritten in place with the current step, erased by done()', () => {
  const host = fakeHost(true);
  const p = progress('starting stepgate', { host });
  host.advance(PROGRESS_DELAY_MS - 1);
  host.tick();
  assert.deepEqual(host.written, []);
  host.advance(1);
  host.tick();
  assert.equal(host.written.length, 1);
  assert.match(host.written[0] ?? '', /^\r\x1b\[2K\S starting stepgate… 1s$/);
  p.update('deploying 2 API(s)');
  host.advance(2000);
  host.tick();
  assert.match(host.written[1] ?? '', /^\r\x1b\[2K\S deploying 2 API\(s\)… 3s$/);
  assert.ok(!host.written.join('').includes('\n'), 'never more than one line');
  p.done();
  assert.equal(host.written[2], '\r\x1b[2K');
  assert.equal(host.timers, 0);
  p.done();
  assert.equal(host.written.length, 3, 'done() twice erases once');
});

test('quick work on a terminal writes nothing, not even the erase', () => {
  const host = fakeHost(true);
  const p = progress('waiting', { host });
  host.advance(10);
  host.tick();
  p.done();
  assert.deepEqual(host.written, []);
  assert.equal(host.timers, 0);
});

test('off a terminal, or with --json: no output and no timer', () => {
  for (const [host, json] of [[fakeHost(false), false], [fakeHost(true), true]] as const) {
    const p = progress('waiting', { host, json });
    host.advance(5000);
    host.tick();
    p.update('still waiting');
    p.done();
    assert.deepEqual(host.written, []);
    assert.equal(host.timers, 0);
  }
});
