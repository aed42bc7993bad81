import { describe, expect, it } from 'vitest';
import { belongsToRun, cellJobId, releaseJobId, shardRanges, trainJobId } from './queue-jobs.js';

describe('shardRanges', () => {
  it('covers every test position once, in shards that start on batch boundaries', () => {
    expect(shardRanges(24, 0, 8)).toEqual([{ start: 0, end: 24 }]);
    expect(shardRanges(24, 100, 8)).toEqual([{ start: 0, end: 24 }]);
    expect(shardRanges(24, 8, 8)).toEqual([{ start: 0, end: 8 }, { start: 8, end: 16 }, { start: 16, end: 24 }]);
    // 10 rounds up to 16, two batches of 8; the last shard is what is left.
    expect(shardRanges(40, 10, 8)).toEqual([{ start: 0, end: 16 }, { start: 16, end: 32 }, { start: 32, end: 40 }]);
    expect(shardRanges(40, 3, 8)[0]).toEqual({ start: 0, end: 8 });
  });
});

describe('job ids', () => {
  it('are deterministic, distinct, free of ":" and carry the run id', () => {
    const run = '20261201T000000Z-abcdef12';
    const ids = [trainJobId(run, 'inn:main'), releaseJobId(run, 'inn:main'), cellJobId(run, 'inn|pgd|inn1|0.031', { start: 0, end: 8 }), cellJobId(run, 'inn|pgd|inn1|0.031', { start: 8, end: 16 }), cellJobId(run, 'inn|pgd|inn1|0.03', { start: 0, end: 8 })];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => !id.includes(':') && belongsToRun(id, run) && !belongsToRun(id, `${run}x`))).toBe(true);
    expect(cellJobId(run, 'a|b', { start: 0, end: 8 })).toBe(cellJobId(run, 'a|b', { start: 0, end: 8 }));
    // Names that sanitise alike still get distinct ids.
    expect(trainJobId(run, 'a b')).not.toBe(trainJobId(run, 'a_b'));
  });
});
