// Time, ids and randomness as parameters (STYLE §2): the pure engine never reads the host clock.

/** Milliseconds since the epoch, as the engine sees "now". */
export interface Clock {
  now(): number;
}

/** Sources of non-determinism the engine needs (UUIDs, States.MathRandom, jitter, task tokens). */
export interface Entropy {
  /** uniform in [0, 1) */
  random(): number;
  /** RFC 4122 version-4 UUID text */
  uuid(): string;
}

/** A clock that only moves when told: tests and virtual time use it. */
export class SimulatedClock implements Clock {
  private t: number;
  constructor(start = Date.UTC(2024, 0, 1)) { this.t = start; }
  now(): number { return this.t; }
  set(ms: number): void { this.t = ms; }
  advance(ms: number): void { this.t += ms; }
}

/** Deterministic entropy for tests (mulberry32). */
export function seededEntropy(seed = 42): Entropy {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex8 = (): string => (Math.floor(random() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
  const uuid = (): string => {
    const a = hex8();
    const b = hex8();
    const c = hex8();
    const d = hex8();
    // version 4, variant 10xx
    const variant = ((parseInt(c.charAt(0), 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  };
  return { random, uuid };
}
