import type { AttackReport } from '../../plugin-api/index.js';
import type { CellAttackCost, CellMember } from '../../store/result-types.js';
import { estimateAccuracy } from '../../training/accuracy.js';

/** What the attack reported over a cell's (or a shard's) batches, laid out by test position. */
export interface ReportedAttack {
  /** Summed cost. */
  cost: CellAttackCost;
  /** Members by name, in the order they first ran: per position of the range, the outcome or null. */
  members: Array<{ name: string; outcomes: Array<number | null>; cost: CellAttackCost }>;
}

const zeroCost = (): CellAttackCost => ({ forwardPasses: 0, backwardPasses: 0, queries: 0, judgeCalls: 0, seconds: 0 });

function addCost(into: CellAttackCost, cost: CellAttackCost): void {
  for (const key of ['forwardPasses', 'backwardPasses', 'queries', 'judgeCalls', 'seconds'] as const) into[key] += cost[key];
}

/**
 * Folds one batch's attack report into `reported` (created on the first report): costs add up, member outcomes go to
 * the batch's positions (`offsets`, relative to the range's start) in a range of `size` positions.
 */
export function foldAttackReport(reported: ReportedAttack | undefined, report: AttackReport, offsets: ArrayLike<number>, size: number): ReportedAttack {
  const into = reported ?? { cost: zeroCost(), members: [] };
  addCost(into.cost, report.cost);
  for (const member of report.members ?? []) {
    let entry = into.members.find((candidate) => candidate.name === member.name);
    if (!entry) {
      entry = { name: member.name, outcomes: new Array<number | null>(size).fill(null), cost: zeroCost() };
      into.members.push(entry);
    }
    addCost(entry.cost, member.cost);
    for (let index = 0; index < offsets.length; index += 1) {
      const value = member.correct[index];
      entry.outcomes[offsets[index]] = Number.isNaN(value) ? null : value;
    }
  }
  return into;
}

/** Joins the reports of a cell's shards (sorted by start; a shard without a report adds nothing). */
export function joinAttackReports(parts: Array<{ reported?: ReportedAttack; size: number }>): ReportedAttack | undefined {
  if (parts.every((part) => !part.reported)) return undefined;
  const joined: ReportedAttack = { cost: zeroCost(), members: [] };
  let offset = 0;
  const total = parts.reduce((sum, part) => sum + part.size, 0);
  for (const part of parts) {
    if (part.reported) {
      addCost(joined.cost, part.reported.cost);
      for (const member of part.reported.members) {
        let entry = joined.members.find((candidate) => candidate.name === member.name);
        if (!entry) {
          entry = { name: member.name, outcomes: new Array<number | null>(total).fill(null), cost: zeroCost() };
          joined.members.push(entry);
        }
        addCost(entry.cost, member.cost);
        member.outcomes.forEach((value, index) => (entry!.outcomes[offset + index] = value));
      }
    }
    offset += part.size;
  }
  return joined;
}

/**
 * The cell's members with their accuracies: each member's own accuracy over the examples it ran on, and the
 * ensemble's accuracy after it (per example the minimum over the members so far that ran on it; 0 where none ran,
 * since a composite only skips examples already broken). Outcomes that are fractions (randomized judges) are
 * summed and rounded to a whole count for the Wilson interval.
 */
export function cellMembers(reported: ReportedAttack): CellMember[] {
  const size = reported.members[0]?.outcomes.length ?? 0;
  const running = new Array<number | null>(size).fill(null);
  return reported.members.map((member) => {
    const ran = member.outcomes.filter((value): value is number => value !== null);
    member.outcomes.forEach((value, index) => {
      if (value !== null) running[index] = running[index] === null ? value : Math.min(running[index]!, value);
    });
    const after = running.map((value) => value ?? 0);
    const count = (values: number[]) => Math.round(values.reduce((sum, value) => sum + value, 0));
    return {
      name: member.name,
      outcomes: [...member.outcomes],
      result: estimateAccuracy(count(ran), ran.length),
      resultAfter: estimateAccuracy(count(after), size),
      cost: { ...member.cost },
    };
  });
}
