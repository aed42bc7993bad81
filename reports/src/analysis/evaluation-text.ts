import type { DefenseResult } from '@advbench/core';
import { formatEpsilon } from './epsilon-format.js';

/**
 * How a defense was evaluated, in one line: for a randomized decision rule, that it is randomized, the surfaces it
 * was attacked on with the adaptive one's EOT samples, and the judge draws (`randomized: attacked on inn1, inn2,
 * full (EOT-8); judged over 8 paired draws`); for a deterministic one, `deterministic: attacked on full`. Empty
 * until the defense was prepared.
 */
export function evaluationText(defense: DefenseResult): string {
  const evaluation = defense.evaluation;
  if (!evaluation) return '';
  const surfaces = evaluation.surfaces.map((surface) => (evaluation.adaptive?.surface === surface ? `${surface} (EOT-${evaluation.adaptive.eotSamples})` : surface)).join(', ');
  if (!evaluation.randomized) return `deterministic: attacked on ${surfaces}`;
  return `randomized: attacked on ${surfaces}; judged over ${evaluation.judgeDraws} paired draw${evaluation.judgeDraws === 1 ? '' : 's'}`;
}

/** True for option keys whose values are Linf budgets (`epsilon`, `trainEpsilon`, `epsilons`...). */
export function isEpsilonKey(key: string): boolean {
  return /epsilon/i.test(key);
}

/** An option value as text, epsilon-valued numbers as fractions of 255 (`8/255`). */
export function optionValueText(key: string, value: unknown): string {
  if (isEpsilonKey(key)) {
    if (typeof value === 'number' && Number.isFinite(value)) return formatEpsilon(value);
    if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return `[${value.map((item) => formatEpsilon(item as number)).join(', ')}]`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Compact `key=value` text of options, epsilons as fractions of 255. */
export function optionsText(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([key, value]) => `${key}=${optionValueText(key, value)}`)
    .join(', ');
}

/** A cell id (`defense|attack|surface|epsilon`) as people read it: `inn · pgd · inn1 · ε=2/255`. */
export function cellLabel(cellId: string): string {
  const parts = cellId.split('|');
  if (parts.length < 4) return cellId;
  const epsilon = Number(parts[parts.length - 1]);
  const [defense, attack, ...surface] = parts.slice(0, -1);
  return `${defense} · ${attack} · ${surface.join('|')} · ε=${Number.isFinite(epsilon) ? formatEpsilon(epsilon) : parts[parts.length - 1]}`;
}
