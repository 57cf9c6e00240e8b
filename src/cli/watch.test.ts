// What `start --watch` watches for a template (the files its text names, parameter defaults included,
// and the functions' code folders), and that changes arrive as one debounced batch naming only the
// watched paths. Real files in a scratch folder, real fs.watch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate } from '../template/load.js';
import { describePaths, FileWatcher, watchSet } from './watch.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

test('orders-sam: the template, its AWS::Include and DefinitionUri files, and the function\'s CodeUri folder', () => {
  const template = join(examples, 'orders-sam', 'template.yaml');
  const set = watchSet(template, loadTemplate(template));
  assert.deepEqual([...set.files].sort(), ['openapi.yaml', 'template.yaml', 'workflow.asl.json'].map((f) => join(examples, 'orders-sam', f)));
  assert.deepEqual([...set.trees], [join(examples, 'orders-sam', 'functions')]);
  assert.equal(describePaths([...set.files, ...set.trees], template), 'functions, openapi.yaml, template.yaml, workflow.asl.json');
});

test('seed 002: the OpenAPI file named only by a parameter default (AWS::Include Location: !Ref SwaggerS3File) is watched', () => {
  const template = join(examples, 'seed-002-json-payload', 'template.yaml');
  const set = watchSet(template, loadTemplate(template));
  assert.ok(set.files.has(join(examples, 'seed-002-json-payload', 'openapi.yaml')));
  assert.deepEqual([...set.trees], [join(examples, 'seed-002-json-payload', 'functions')]);
});

test('a template that does not parse is still watched itself; a parameter override naming a file is watched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-watchset-'));
  writeFileSync(join(dir, 'template.yaml'), 'Resources: [\n');
  writeFileSync(join(dir, 'other.yaml'), 'openapi: 3.0.1\n');
  const set = watchSet(join(dir, 'template.yaml'), undefined, ['other.yaml', 'not-a-file']);
  assert.deepEqual([...set.files].sort(), [join(dir, 'other.yaml'), join(dir, 'template.yaml')]);
  assert.deepEqual([...set.trees], []);
});

test('FileWatcher: a burst of changes is one batch of the watched paths; other files and editor scratch files are left out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-watch-'));
  const code = join(dir, 'code');
  mkdirSync(join(code, 'lib'), { recursive: true });
  const template = join(dir, 'template.yaml');
  writeFileSync(template, 'Resources: {}\n');
  const batches: string[][] = [];
  let arrived!: () => void;
  const done = new Promise<void>((resolve) => { arrived = resolve; });
  // The watcher does not keep the process alive (the server does): this timer does, and fails a lost event.
  const keepAlive = setTimeout(() => assert.fail('no change reported within 10 s'), 10_000);
  const watcher = new FileWatcher({ debounceMs: 100, onChange: (changed) => { batches.push(changed); arrived(); } });
  try {
    watcher.update({ files: new Set([template]), trees: new Set([code]) });
    assert.deepEqual(watcher.directories, [dir, code, join(code, 'lib')].sort());
    writeFileSync(join(dir, 'notes.txt'), 'not watched');
    writeFileSync(join(dir, '.template.yaml.swp'), 'vim');
    writeFileSync(join(code, 'lib', 'util.js'), 'export const x = 1;');
    // An editor's save: a new file renamed over the old one.
    writeFileSync(join(dir, 'template.yaml.tmp'), 'Resources: {A: {Type: AWS::SQS::Queue}}\n');
    renameSync(join(dir, 'template.yaml.tmp'), template);
    await done;
    assert.equal(batches.length, 1);
    assert.deepEqual([...(batches[0] ?? [])].sort(), [join(code, 'lib', 'util.js'), template].sort());
  } finally {
    clearTimeout(keepAlive);
    watcher.close();
  }
});
