import { describe, expect, it } from 'vitest';
import type { AttackReport } from '../../plugin-api/index.js';
import { cellMembers, foldAttackReport, joinAttackReports } from './attack-reports.js';

const cost = (queries: number) => ({ forwardPasses: 2, backwardPasses: 1, queries, judgeCalls: 1, seconds: 0.5 });

describe('attack reports of a cell', () => {
  it('adds costs, lays member outcomes out by position across batches and shards, and gives member accuracies', () => {
    const batch = (first: number[], second: number[]): AttackReport => ({
      cost: cost(3),
      members: [
        { name: 'apgd-ce', correct: Float32Array.from(first), cost: cost(0) },
        { name: 'square', correct: Float32Array.from(second), cost: cost(3) },
      ],
    });
    // Shard A: positions 0..3 in two batches; shard B: positions 4..5 with no report (an attack that reports nothing).
    let reported = foldAttackReport(undefined, batch([1, 0], [1, Number.NaN]), [0, 1], 4);
    reported = foldAttackReport(reported, batch([0, 1], [Number.NaN, 0]), [2, 3], 4);
    expect(reported.cost).toEqual({ forwardPasses: 4, backwardPasses: 2, queries: 6, judgeCalls: 2, seconds: 1 });
    expect(reported.members.map((member) => member.outcomes)).toEqual([[1, 0, 0, 1], [1, null, null, 0]]);
    const joined = joinAttackReports([{ reported, size: 4 }, { size: 2 }])!;
    expect(joined.members[1].outcomes).toEqual([1, null, null, 0, null, null]);
    const members = cellMembers(joined);
    expect(members.map((member) => [member.name, member.result.correct, member.result.samples])).toEqual([['apgd-ce', 2, 4], ['square', 1, 2]]);
    // After APGD-CE: positions 0 and 3 correct; after Square: only 0 (3 fell to Square); 4 and 5 never ran: wrong.
    expect(members.map((member) => member.resultAfter.correct)).toEqual([2, 1]);
    expect(members[1].cost.queries).toBe(6);
    expect(joinAttackReports([{ size: 3 }])).toBeUndefined();
  });
});
