import { describe, expect, it } from 'vitest';
import { applyPreset } from '@advbench/core/plugin-api';
import transferAttack, { TRANSFER_PRESETS, parseTransferOptions } from './index.js';

// Crafting once per epsilon and batch, on the trained base model, is tested in test/attack-suite-undefended.test.ts.
describe('transfer options', () => {
  it('defaults to APGD-CE 100 on the base model and expands presets', () => {
    expect(parseTransferOptions({})).toEqual({ source: 'base', attack: 'apgd', attackOptions: { loss: 'ce', iterations: 100 } });
    expect(parseTransferOptions(applyPreset({ preset: 'smoke' }, TRANSFER_PRESETS, 'transfer'))).toMatchObject({ attack: 'pgd' });
    expect(transferAttack).toMatchObject({ kind: 'attack', id: 'transfer' });
  });

  it('refuses bad options naming the key', () => {
    expect(() => parseTransferOptions({ source: 'inn' })).toThrow(/transfer options\.source must be one of "base"/);
    expect(() => parseTransferOptions({ attack: 'transfer' })).toThrow(/cannot be transfer itself/);
    expect(() => parseTransferOptions({ attackOptions: [] })).toThrow(/attackOptions must be an object/);
    expect(() => parseTransferOptions({ steps: 2 })).toThrow(/steps is not a known option/);
  });
});
