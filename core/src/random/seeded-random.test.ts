import { describe, expect, it } from 'vitest';
import { createRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats for the same seed and differs for another', () => {
    const first = Array.from({ length: 5 }, ((r) => () => r.next())(createRandom(7)));
    const again = Array.from({ length: 5 }, ((r) => () => r.next())(createRandom(7)));
    const other = Array.from({ length: 5 }, ((r) => () => r.next())(createRandom(8)));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('forks by label, independent of draws already made', () => {
    const a = createRandom(1);
    const b = createRandom(1);
    b.next();
    b.next();
    expect(a.fork('x').next()).toBe(b.fork('x').next());
    expect(a.fork('x').next()).not.toBe(a.fork('y').next());
  });

  it('is roughly uniform and int stays in range', () => {
    const random = createRandom(3);
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 40_000; index += 1) counts[random.int(4)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(() => random.int(0)).toThrow(RangeError);
  });

  it('shuffles to a permutation', () => {
    const items = Array.from({ length: 50 }, (_, index) => index);
    const shuffled = createRandom(5).shuffle([...items]);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });
});
