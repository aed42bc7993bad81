import { describe, expect, it } from 'vitest';
import { applyPreset, isAdvbenchError } from '@advbench/core/plugin-api';
import { INN_PRESETS, parseInnOptions, trainingOptions } from './inn-options.js';

function errorOf(run: () => unknown): { code: string; exitCode: number; message: string } {
  try {
    run();
  } catch (error) {
    if (isAdvbenchError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('INN options', () => {
  it('defaults to the paper main setting with CPU-sized batches', () => {
    const options = parseInnOptions({});
    expect(options).toMatchObject({ alpha: 0.5, beta: 0.4, gamma: 0.4, backgrounds: 8, epochs: 4, attackCheckpoint: 3 });
    expect(options).toMatchObject({ momentum: 0.9, weightDecay: 5e-4, batchSize: 128, learningRate: 0.01, init: 'base' });
    expect(options).toMatchObject({ testNoise: true, mapping: 'sum', vote: 'soft', draws: 1 });
    expect(options.backgroundFolder).toBeUndefined();
  });

  it('has the four paper settings and the authors-code rule as presets', () => {
    const expand = (name: string, extra: Record<string, unknown> = {}) => parseInnOptions(applyPreset({ preset: name, ...extra }, INN_PRESETS, 'defenses[0].options'));
    expect(expand('main')).toMatchObject({ alpha: 0.5, beta: 0.4, gamma: 0.4, backgrounds: 8 });
    expect(expand('a0.3-b0.3-g0.4-k4')).toMatchObject({ alpha: 0.3, beta: 0.3, gamma: 0.4, backgrounds: 4 });
    expect(expand('a0.2-b0.3-g0.2-k4')).toMatchObject({ alpha: 0.2, beta: 0.3, gamma: 0.2, backgrounds: 4 });
    expect(expand('a0.1-b0.1-g0.1-k8')).toMatchObject({ alpha: 0.1, beta: 0.1, gamma: 0.1, backgrounds: 8 });
    expect(expand('authors-code')).toMatchObject({ testNoise: false, mapping: 'argmax-mod', vote: 'hard', draws: 5, alpha: 0.5 });
    expect(expand('main', { epochs: 2 })).toMatchObject({ epochs: 2, attackCheckpoint: 2 });
  });

  it('clamps the default attack checkpoint to the epochs but refuses an explicit one beyond them', () => {
    expect(parseInnOptions({ epochs: 2 }).attackCheckpoint).toBe(2);
    expect(parseInnOptions({ epochs: 6, attackCheckpoint: 5 }).attackCheckpoint).toBe(5);
    const error = errorOf(() => parseInnOptions({ epochs: 2, attackCheckpoint: 3 }, 'defenses[1].options'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('defenses[1].options.attackCheckpoint must be <= epochs (2)');
  });

  it('refuses bad values naming the key', () => {
    expect(errorOf(() => parseInnOptions({ gamma: 1.5 })).message).toContain('inn options.gamma must be <= 1');
    expect(errorOf(() => parseInnOptions({ backgrounds: 9 })).message).toContain('inn options.backgrounds must be <= 8');
    expect(errorOf(() => parseInnOptions({ backgrounds: 2.5 })).message).toContain('backgrounds must be an integer');
    expect(errorOf(() => parseInnOptions({ vote: 'majority' })).message).toContain('inn options.vote must be one of "soft", "hard"');
    expect(errorOf(() => parseInnOptions({ mapping: 'max' })).code).toBe('ADVBENCH_ERR_OPTIONS_VALUE');
    expect(errorOf(() => parseInnOptions({ alpah: 0.5 })).code).toBe('ADVBENCH_ERR_OPTIONS_UNKNOWN_KEY');
    expect(errorOf(() => parseInnOptions({ draws: 0 })).exitCode).toBe(2);
  });

  it('lets the last checkpoints vote and allows the authors-code alpha and squashing', () => {
    expect(parseInnOptions({ epochs: 5 }).votingCheckpoints).toBe(5);
    expect(parseInnOptions({ epochs: 5, votingCheckpoints: 3 }).votingCheckpoints).toBe(3);
    expect(errorOf(() => parseInnOptions({ epochs: 2, votingCheckpoints: 3 })).message).toContain('inn options.votingCheckpoints must be <= 2');
    expect(parseInnOptions({ alpha: -0.2, squash: 'tanh' })).toMatchObject({ alpha: -0.2, squash: 'tanh' });
    expect(parseInnOptions({}).squash).toBe('none');
    expect(errorOf(() => parseInnOptions({ alpha: 1.5 })).message).toContain('inn options.alpha must be <= 1');
  });

  it('allows more backgrounds from a folder', () => {
    expect(parseInnOptions({ backgroundFolder: '/tmp/backgrounds', backgrounds: 12 }).backgrounds).toBe(12);
  });

  it('keys the cache on training options only', () => {
    const paper = parseInnOptions({});
    const authors = parseInnOptions(applyPreset({ preset: 'authors-code' }, INN_PRESETS, 'inn'));
    expect(trainingOptions(paper)).toEqual(trainingOptions(authors));
    expect(trainingOptions(paper)).not.toEqual(trainingOptions(parseInnOptions({ alpha: 0.3 })));
    expect(trainingOptions(paper)).not.toEqual(trainingOptions(parseInnOptions({ squash: 'tanh' })));
    expect(trainingOptions(paper)).toEqual(trainingOptions(parseInnOptions({ votingCheckpoints: 2, attackCheckpoint: 1 })));
  });
});
