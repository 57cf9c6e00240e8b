// `stepgate start --watch`: when the template or a file it refers to changes (an AWS::Include location,
// a DefinitionUri, an OpenAPI file, anything under a function's CodeUri), the template is loaded and
// checked again and deployed into the running server; a template that no longer loads or checks is
// reported and the previous version keeps serving.
//
// Watching uses node:fs.watch on directories, one non-recursive watcher per directory, not
// `fs.watch(dir, { recursive: true })`: on Linux, Node 20 implements recursion by walking the tree in
// JavaScript and has known bugs there (nodejs/node#48437 "Node 20 recursive file watching is misbehaving
// on Linux"; #52018 crashes when files are deleted), and it would walk node_modules too. Directories,
// not files, are watched because editors save by writing a new file and renaming it over the old one,
// which ends a watch on the old file.
import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { StackPlan } from '../template/load.js';
import { parseTemplateText } from '../template/yaml-cfn.js';

/** Directories never watched inside a function's code (dependencies, VCS, stepgate's own store). */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.stepgate']);

/** Editor scratch files: saving with vim / emacs / JetBrains creates and deletes these. */
const SCRATCH = /(^\.#|^#.*#$|~$|\.sw[a-p]x?$|^4913$|\.tmp$|___jb_(tmp|old)___$)/;

export interface WatchSet {
  /** files whose change triggers a reload */
  files: Set<string>;
  /** directories (with their subdirectories) whose changes trigger a reload: functions' code */
  trees: Set<string>;
}

/** Every relative path string of the template (parameter defaults and overrides included) that names an existing file. */
function referencedFiles(template: unknown, baseDir: string, extra: string[]): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v === '' || v.length > 1024 || v.includes('\n') || v.includes('://') || isAbsolute(v) || v.includes('${')) return;
      const p = resolve(baseDir, v);
      try {
        if (statSync(p).isFile()) out.push(p);
      } catch {
        // not a path
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(template);
  extra.forEach(visit);
  return out;
}

/**
 * What to watch for a template: itself, every local file its text names (AWS::Include locations,
 * DefinitionUri, OpenAPI files, parameter defaults such as a `SwaggerS3File`), and the code directory of
 * every function of the loaded plan.
 */
export function watchSet(templateFile: string, plan: StackPlan | undefined, parameterValues: string[] = []): WatchSet {
  const file = resolve(templateFile);
  const files = new Set<string>([file]);
  let parsed: unknown;
  try {
    parsed = parseTemplateText(readFileSync(file, 'utf8'), file).template;
  } catch {
    // unreadable or broken for now: the template itself is still watched
  }
  // The loader's own list is exact; scanning the text also covers a template that does not load now.
  for (const f of plan?.files ?? []) files.add(f);
  for (const f of referencedFiles(parsed, dirname(file), parameterValues)) files.add(f);
  const trees = new Set<string>();
  for (const f of plan?.functions ?? []) if (f.codeDir !== undefined && existsSync(f.codeDir)) trees.add(f.codeDir);
  return { files, trees };
}

/** A directory and its subdirectories, without the skipped ones. */
function directoriesOf(root: string): string[] {
  const out = [root];
  try {
    for (const e of readdirSync(root, { withFileTypes: true })) {
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) out.push(...directoriesOf(join(root, e.name)));
    }
  } catch {
    // vanished meanwhile
  }
  return out;
}

const inside = (file: string, dir: string): boolean => file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);

export interface WatcherOptions {
  /** called once the changes have settled, with the changed paths */
  onChange: (changed: string[]) => void;
  /** quiet period before a burst of events counts as one change (default 200 ms) */
  debounceMs?: number;
}

/** Watches a WatchSet; `update` swaps it for a new one (a reloaded template may name other files). */
export class FileWatcher {
  private watchers = new Map<string, FSWatcher>();
  private set: WatchSet = { files: new Set(), trees: new Set() };
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: WatcherOptions) {}

  update(set: WatchSet): void {
    if (this.closed) return;
    this.set = set;
    const dirs = new Set<string>();
    for (const f of set.files) dirs.add(dirname(f));
    for (const t of set.trees) for (const d of directoriesOf(t)) dirs.add(d);
    for (const [dir, w] of this.watchers) {
      if (!dirs.has(dir)) { w.close(); this.watchers.delete(dir); }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.event(dir, name === null ? undefined : String(name)));
        // A watched directory that disappears ends its watcher with an error; the next update re-adds it.
        w.on('error', () => { w.close(); this.watchers.delete(dir); });
        this.watchers.set(dir, w);
      } catch {
        // the directory is gone; the template's next load reports what is missing
      }
    }
  }

  /** the directories watched now (for messages and tests) */
  get directories(): string[] {
    return [...this.watchers.keys()].sort();
  }

  private event(dir: string, name: string | undefined): void {
    if (name === undefined || SCRATCH.test(name) || SKIPPED_DIRS.has(name)) return;
    const path = join(dir, name);
    const relevant = this.set.files.has(path) || [...this.set.trees].some((t) => inside(path, t));
    if (!relevant) return;
    this.pending.add(path);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Editors' temporary files (written, then renamed over the real one) are gone by now: only
      // what still exists, or is a watched file, is named — unless nothing is left (a deletion).
      const all = [...this.pending];
      const named = all.filter((f) => this.set.files.has(f) || existsSync(f));
      const changed = named.length > 0 ? named : all;
      this.pending.clear();
      if (!this.closed) this.options.onChange(changed);
    }, this.options.debounceMs ?? 200);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/** `openapi.yaml`, `functions/price.mjs`: paths as the user sees them, relative to the template. */
export function describePaths(paths: string[], templateFile: string): string {
  const base = dirname(resolve(templateFile));
  return paths.map((p) => {
    const r = relative(base, p);
    return r.startsWith('..') ? p : r || basename(p);
  }).sort().join(', ');
}
