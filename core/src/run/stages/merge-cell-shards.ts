import type { CellResult } from '../../store/result-types.js';
import { estimateAccuracy } from '../../training/accuracy.js';
import { cellMembers, joinAttackReports } from './attack-reports.js';
import type { CellShard } from './compute-cell.js';

/**
 * Merges the shards of one cell into the finished cell: the shards must cover the test positions `0..examples-1`
 * exactly once (in any order); the outcomes are laid out by position, the accuracy is estimated over all of them,
 * corrections, seconds and the attack's reported cost add up, a composite attack's member outcomes are laid out by
 * position and given accuracies. Throws naming the gap or overlap otherwise.
 */
export function mergeCellShards(planned: CellResult, shards: CellShard[], examples: number): CellResult {
  if (shards.length === 0) throw new Error(`${planned.id}: no shard to merge`);
  const sorted = [...shards].sort((a, b) => a.start - b.start);
  let next = 0;
  for (const shard of sorted) {
    if (shard.cellId !== planned.id) throw new Error(`${planned.id}: a shard of another cell (${shard.cellId})`);
    if (shard.start !== next) throw new Error(`${planned.id}: shards ${shard.start < next ? 'overlap' : 'leave a gap'} at test position ${Math.min(shard.start, next)}`);
    if (shard.outcomes.length !== shard.end - shard.start) throw new Error(`${planned.id}: shard [${shard.start}, ${shard.end}) holds ${shard.outcomes.length} outcomes`);
    next = shard.end;
  }
  if (next !== examples) throw new Error(`${planned.id}: shards cover test positions up to ${next}, not ${examples}`);
  const outcomes = sorted.flatMap((shard) => shard.outcomes);
  const correct = outcomes.reduce((sum, value) => sum + value, 0);
  const reported = joinAttackReports(sorted.map((shard) => ({ reported: shard.reported, size: shard.end - shard.start })));
  return {
    ...planned,
    status: 'done',
    error: undefined,
    attackSettings: sorted[0].attackSettings,
    result: estimateAccuracy(correct, examples),
    outcomes,
    projectionCorrections: sorted.reduce((sum, shard) => sum + shard.corrections, 0),
    seconds: sorted.reduce((sum, shard) => sum + shard.seconds, 0),
    ...(reported ? { attackCost: reported.cost, ...(reported.members.length > 0 ? { members: cellMembers(reported) } : {}) } : {}),
  };
}
