// What the CLI writes to a terminal besides its results: ANSI colours (only on a TTY, never with
// NO_COLOR or --json) and a one-line progress spinner on stderr for anything that runs longer than a second.

/** ANSI colours, only when `enabled` (see `colours`). */
export function painter(enabled: boolean) {
  const wrap = (code: string) => (s: string): string => (enabled ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36') };
}
export type Paint = ReturnType<typeof painter>;

/** Colours for stdout: a terminal, NO_COLOR unset, not --json. */
export const colours = (json: boolean | undefined): Paint => painter(!json && process.stdout.isTTY === true && !process.env.NO_COLOR);

/** What a progress line needs from its stream and timers (tests pass fakes). */
export interface ProgressHost {
  stream: { isTTY?: boolean; write(text: string): unknown };
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export interface Progress {
  /** the step now running, e.g. "deploying 2 APIs" */
  update(label: string): void;
  /** removes the line (the caller prints its result next) */
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** the line appears only once the work has taken this long, so quick commands never flicker */
export const PROGRESS_DELAY_MS = 1000;
const TICK_MS = 100;

const realHost: ProgressHost = {
  stream: process.stderr,
  // unref: a forgotten spinner never keeps the process alive
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

const NONE: Progress = { update: () => undefined, done: () => undefined };

/**
 * A single updating line on stderr (`⠹ deploying 2 APIs… 3s`) while work runs. Nothing at all off a TTY
 * (logs and pipes get only results) or with --json.
 */
export function progress(label: string, options: { json?: boolean; host?: ProgressHost } = {}): Progress {
  const host = options.host ?? realHost;
  if (options.json || host.stream.isTTY !== true) return NONE;
  const started = host.now();
  let current = label;
  let frame = 0;
  let shown = false;
  const render = (): void => {
    const elapsed = host.now() - started;
    if (elapsed < PROGRESS_DELAY_MS) return;
    shown = true;
    frame = (frame + 1) % FRAMES.length;
    // \r + erase-line keeps it one line, whatever the previous label's length.
    host.stream.write(`\r\x1b[2K${FRAMES[frame]} ${current}… ${Math.floor(elapsed / 1000)}s`);
  };
  const timer = host.setInterval(render, TICK_MS);
  let finished = false;
  return {
    update: (next) => { current = next; },
    done: () => {
      if (finished) return;
      finished = true;
      host.clearInterval(timer);
      if (shown) host.stream.write('\r\x1b[2K');
    },
  };
}
