import { describe, expect, it } from 'vitest';
import { applyPreset } from '@advbench/core/plugin-api';
import pgdAttack from './index.js';
import { PGD_PRESETS, parsePgdOptions, resolveStepSize } from './pgd-options.js';

describe('pgd options', () => {
  it('fills the documented defaults', () => {
    expect(parsePgdOptions(undefined)).toEqual({ steps: 10, stepSizeFactor: 2.5, randomStart: true, restarts: 1, eotSamples: 1, eotStacked: true, eotStackLimit: 2 ** 24, judgeCheckpoints: 2, progressEvery: 10, keep: 'best' });
  });

  it('resolves the step size: 2.5 * eps / steps by default, or the absolute stepSize', () => {
    expect(resolveStepSize(parsePgdOptions({ steps: 20 }), 0.1)).toBeCloseTo(0.0125, 10);
    expect(resolveStepSize(parsePgdOptions({ steps: 20, stepSize: 0.01 }), 0.1)).toBe(0.01);
  });

  it('expands the paper and fgsm presets', () => {
    const paper = parsePgdOptions(applyPreset({ preset: 'paper' }, PGD_PRESETS, 'attacks[0].options'));
    expect(paper).toMatchObject({ steps: 500, stepSizeFactor: 2.5, randomStart: true });
    expect(resolveStepSize(paper, 8 / 255)).toBeCloseTo((2.5 * 8) / 255 / 500, 12);
    const fgsm = parsePgdOptions(applyPreset({ preset: 'fgsm' }, PGD_PRESETS, 'attacks[0].options'));
    expect(fgsm).toMatchObject({ steps: 1, randomStart: false });
    expect(resolveStepSize(fgsm, 0.03)).toBeCloseTo(0.03, 12);
  });

  it('refuses bad options naming the key', () => {
    expect(() => parsePgdOptions({ steps: 0 })).toThrow(/pgd options\.steps must be >= 1/);
    expect(() => parsePgdOptions({ restarts: 1.5 })).toThrow(/restarts must be an integer/);
    expect(() => parsePgdOptions({ stepSize: 0 })).toThrow(/step size is 0/);
    expect(() => parsePgdOptions({ keep: 'last', restarts: 2 })).toThrow(/restarts must be 1 with keep "last"/);
    expect(() => parsePgdOptions({ stepsize: 3 })).toThrow(/stepsize is not a known option/);
    expect(() => parsePgdOptions({ randomStart: 'yes' })).toThrow(expect.objectContaining({ exitCode: 2, code: 'ADVBENCH_ERR_OPTIONS_TYPE' }));
  });

  it('is a v1 attack plugin with id pgd', () => {
    expect(pgdAttack).toMatchObject({ kind: 'attack', id: 'pgd', apiVersion: 'v1', $$type: 'advbench.plugin' });
    expect(pgdAttack.parseOptions({ steps: 3 }).steps).toBe(3);
  });
});
