import type { RandomSource } from '../plugin-api/index.js';

/** Hashes a string to a 32-bit unsigned integer (FNV-1a). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Mixes a 32-bit value (the murmur3 finaliser), so nearby seeds give unrelated streams. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seeded {@link RandomSource} (sfc32 generator). `fork(label)` derives a child from this source's seed and the
 * label only, so adding a draw in one place never shifts the randomness of another.
 */
export class SeededRandom implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seedValue - any 32-bit integer */
  constructor(private readonly seedValue: number) {
    this.a = mix(seedValue ^ 0x9e3779b9);
    this.b = mix(seedValue ^ 0x243f6a88);
    this.c = mix(seedValue ^ 0xb7e15162);
    this.d = 1;
    for (let index = 0; index < 12; index += 1) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) throw new RangeError(`int() needs a positive integer bound, got ${maxExclusive}`);
    return Math.floor(this.next() * maxExclusive);
  }

  seed(): number {
    return this.nextUint32();
  }

  fork(label: string): RandomSource {
    return new SeededRandom(mix((this.seedValue ^ hashString(label)) >>> 0) ^ hashString(`${label}#${this.seedValue}`));
  }

  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index -= 1) {
      const other = this.int(index + 1);
      [items[index], items[other]] = [items[other], items[index]];
    }
    return items;
  }
}

/** Creates the run's root random source from the master seed. */
export function createRandom(seed: number): RandomSource {
  return new SeededRandom(seed >>> 0);
}
