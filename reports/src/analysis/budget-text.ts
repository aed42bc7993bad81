import type { DefenseResult, TrainingWork } from '@advbench/core';

/** A count with thousands separators. */
function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `12.0 s · 6,000 examples · 6,000 fwd · 6,000 bwd · 2 epochs`. */
export function workText(work: TrainingWork): string {
  return `${work.seconds.toFixed(1)} s · ${count(work.examples)} examples · ${count(work.forwardPasses)} fwd · ${count(work.backwardPasses)} bwd${work.epochs === undefined ? '' : ` · ${work.epochs} epoch${work.epochs === 1 ? '' : 's'}`}`;
}

/**
 * A defense's training budget in words: own training, what it inherited from the base model and the total, so that
 * "fine-tuned from base" is not read as cheaper. Undefined for a defense with no recorded budget.
 */
export function budgetLines(defense: DefenseResult): { own: string; inherited?: string; total: string } | undefined {
  const budget = defense.budget;
  if (budget === undefined) return undefined;
  return { own: workText(budget.own), ...(budget.inherited ? { inherited: workText(budget.inherited) } : {}), total: workText(budget.total) };
}

/** The terminal's cost column: total seconds, and `(own + base)` when part of it was inherited. */
export function budgetSeconds(defense: DefenseResult): string {
  const budget = defense.budget;
  if (budget === undefined) return defense.cost === undefined ? '—' : `${defense.cost.seconds.toFixed(1)}${defense.cost.cached ? ' (cached)' : ''}`;
  const cached = defense.cost?.cached ? ' (cached)' : '';
  if (budget.inherited === undefined) return `${budget.total.seconds.toFixed(1)}${cached}`;
  return `${budget.total.seconds.toFixed(1)} = ${budget.own.seconds.toFixed(1)} + base ${budget.inherited.seconds.toFixed(1)}${cached}`;
}
