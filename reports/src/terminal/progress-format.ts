import type { CellProgressEvent, TrainProgressEvent } from '@advbench/core';
import { cellLabel } from '../analysis/evaluation-text.js';

/** A text progress bar `[#####-----]` of `width` cells for a fraction in [0, 1]. */
export function progressBar(fraction: number, width = 20): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`;
}

/** Seconds as `42s`, `3m05s` or `1h02m`; `?` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** Fraction of a training done. */
export function trainingFraction(progress: TrainProgressEvent): number {
  return ((progress.epoch - 1) * progress.steps + progress.step) / Math.max(1, progress.epochs * progress.steps);
}

/** One line of training progress: epoch, step, loss, examples/s, ETA. */
export function formatTrainProgress(progress: TrainProgressEvent): string {
  return (
    `train ${progress.defense} ${progress.phase}: epoch ${progress.epoch}/${progress.epochs} step ${progress.step}/${progress.steps}` +
    ` loss ${progress.loss.toFixed(4)} ${Math.round(progress.examplesPerSecond)} ex/s ETA ${formatDuration(progress.etaSeconds)}`
  );
}

/** Fraction of a cell done. */
export function cellFraction(progress: CellProgressEvent): number {
  if (progress.examples <= 0) return 0;
  return Math.min(1, progress.examplesDone / progress.examples);
}

/** One line of attack progress: step, restart, examples, success rate, ETA. */
export function formatCellProgress(progress: CellProgressEvent, position: string): string {
  return (
    `cell ${position} ${cellLabel(progress.cellId)}: step ${progress.step}/${progress.steps}` +
    (progress.restarts > 1 ? ` restart ${progress.restart}/${progress.restarts}` : '') +
    ` examples ${progress.examplesDone}/${progress.examples} success ${(progress.successRate * 100).toFixed(1)}% ETA ${formatDuration(progress.etaSeconds)}`
  );
}
