/**
 * advbench attack plugin `transfer`: adversarial examples crafted on the run's undefended base model with a
 * white-box attack, once per epsilon and batch, judged on every target defense.
 * @packageDocumentation
 */
import { defineAttack } from '@advbench/core/plugin-api';
import { createTransferAttack } from './transfer-attack.js';
import { TRANSFER_PRESETS, parseTransferOptions, type TransferOptions } from './transfer-options.js';

export type { TransferOptions } from './transfer-options.js';
export { TRANSFER_PRESETS, parseTransferOptions } from './transfer-options.js';
export { createTransferAttack } from './transfer-attack.js';

/** The `transfer` attack plugin. */
const transferAttack = defineAttack<TransferOptions>({
  id: 'transfer',
  version: '0.1.0',
  description: 'Transfer attack: a white-box attack on the undefended base model, crafted once per epsilon and batch, judged on each defense',
  presets: TRANSFER_PRESETS,
  parseOptions: (raw) => parseTransferOptions(raw),
  create: (context, options) => createTransferAttack(context, options),
});

export default transferAttack;
