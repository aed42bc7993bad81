import { OptionsReader, inputError } from '@advbench/core/plugin-api';

/** Resolved options of the transfer attack. */
export interface TransferOptions {
  /** Where examples are crafted: `base`, the run's undefended base model (the only source today). */
  source: 'base';
  /** The white-box attack run on the source (a plugin reference, default `apgd`). */
  attack: string;
  /** Its options (default `{ "loss": "ce", "iterations": 100 }`). */
  attackOptions: Record<string, unknown>;
}

/** Named option sets: `{ "preset": "fast" }`. */
export const TRANSFER_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** APGD-CE, 100 iterations, on the base model. */
  standard: { attack: 'apgd', attackOptions: { loss: 'ce', iterations: 100 } },
  /** APGD-CE, 20 iterations (quick runs). */
  fast: { attack: 'apgd', attackOptions: { loss: 'ce', iterations: 20 } },
  /** PGD-10 (tests and the smoke preset). */
  smoke: { attack: 'pgd', attackOptions: { steps: 5 } },
});

/** Validates raw transfer options (after preset expansion) and fills defaults; errors name the key. */
export function parseTransferOptions(raw: unknown, where = 'transfer options'): TransferOptions {
  const read = new OptionsReader(raw, where);
  const source = read.oneOf('source', ['base'] as const, 'base');
  const attack = read.string('attack', 'apgd');
  if (attack === 'transfer') throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${where}.attack cannot be transfer itself`, { details: { path: `${where}.attack` } });
  const attackOptions = read.raw('attackOptions') ?? { loss: 'ce', iterations: 100 };
  if (attackOptions === null || typeof attackOptions !== 'object' || Array.isArray(attackOptions)) {
    throw inputError('ADVBENCH_ERR_OPTIONS_TYPE', `${where}.attackOptions must be an object of the source attack's options`, { details: { path: `${where}.attackOptions` } });
  }
  read.done();
  return { source, attack, attackOptions: attackOptions as Record<string, unknown> };
}
