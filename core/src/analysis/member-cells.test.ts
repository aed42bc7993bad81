import { describe, expect, it } from 'vitest';
import type { CellResult } from '../store/result-types.js';
import { memberCells } from './member-cells.js';
import { estimateOutcomes } from './outcome-statistics.js';

function ensembleCell(members: Array<{ name: string; outcomes: Array<number | null> }>): CellResult {
  const estimate = estimateOutcomes([0]);
  return {
    id: 'none|autoattack|full|0.1',
    defense: 'none',
    attack: 'autoattack',
    attackPlugin: 'autoattack',
    surface: 'full',
    epsilon: 0.1,
    status: 'done',
    seconds: 1,
    seed: 1,
    projectionCorrections: 0,
    outcomes: [0, 0, 0, 1],
    attackSettings: {
      version: 'standard',
      members: {
        standard: [
          { name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations: 10 } },
          { name: 'square', use: 'square', options: { queries: 50 } },
        ],
      },
    },
    members: members.map((member) => ({ ...member, result: estimate, resultAfter: estimate, cost: { forwardPasses: 0, backwardPasses: 0, queries: 0, judgeCalls: 0, seconds: 0 } })),
  };
}

describe('memberCells', () => {
  it("gives each member the ensemble's running outcome and the plugin and settings the composite names", () => {
    // Example 0 was wrong at clean (no member ran), 1 fell to APGD-CE, 2 to Square, 3 survived both.
    const cells = memberCells(ensembleCell([
      { name: 'apgd-ce', outcomes: [null, 0, 1, 1] },
      { name: 'square', outcomes: [null, null, 0, 1] },
    ]));
    expect(cells.map((cell) => [cell.attack, cell.attackPlugin, cell.outcomes])).toEqual([
      ['autoattack/apgd-ce', 'apgd', [0, 0, 1, 1]],
      ['autoattack/square', 'square', [0, 0, 0, 1]],
    ]);
    expect(cells[0].attackSettings).toEqual({ loss: 'ce', iterations: 10 });
    expect(cells[1].id).toBe('none|autoattack|full|0.1#square');
  });

  it('falls back to the member name as plugin, and gives nothing for fractional outcomes (randomized defenses)', () => {
    const cells = memberCells(ensembleCell([
      { name: 'apgd-ce', outcomes: [0, 1, 1, 1] },
      { name: 'mystery', outcomes: [null, 0, null, 1] },
    ]));
    expect(cells[1].outcomes).toEqual([0, 0, 1, 1]);
    expect(cells[1].attackPlugin).toBe('mystery');
    expect(cells[1].attackSettings).toEqual({});
    expect(memberCells(ensembleCell([{ name: 'apgd-ce', outcomes: [0.5, 1, 0.25, 1] }]))).toEqual([]);
  });

  it('gives nothing for a cell without members or not done', () => {
    expect(memberCells({ ...ensembleCell([]), members: undefined })).toEqual([]);
    expect(memberCells({ ...ensembleCell([{ name: 'apgd-ce', outcomes: [1, 1, 1, 1] }]), status: 'running' })).toEqual([]);
  });
});
