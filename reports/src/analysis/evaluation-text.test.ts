import { describe, expect, it } from 'vitest';
import type { DefenseResult } from '@advbench/core';
import { cellLabel, evaluationText, optionsText } from './evaluation-text.js';

const defense = (evaluation: DefenseResult['evaluation']): DefenseResult => ({ name: 'inn', plugin: 'inn', pluginVersion: '1', options: {}, description: {}, surfaces: [], status: 'done', evaluation });

describe('evaluation text', () => {
  it('marks a randomized defense with its surfaces, EOT samples and judge draws', () => {
    expect(evaluationText(defense({ randomized: true, judgeDraws: 8, surfaces: ['inn1', 'inn2', 'full'], adaptive: { surface: 'full', attacks: ['pgd+eot'], eotSamples: 4 } }))).toBe(
      'randomized: attacked on inn1, inn2, full (EOT-4); judged over 8 paired draws',
    );
    expect(evaluationText(defense({ randomized: false, judgeDraws: 1, surfaces: ['full'] }))).toBe('deterministic: attacked on full');
    expect(evaluationText(defense(undefined))).toBe('');
  });

  it('prints epsilon-valued options as fractions of 255 and cell ids as labels', () => {
    expect(optionsText({ mode: 'fast', epsilon: 8 / 255, epochs: 3, trainEpsilons: [2 / 255, 4 / 255] })).toBe('mode=fast, epsilon=8/255, epochs=3, trainEpsilons=[2/255, 4/255]');
    expect(cellLabel('inn|pgd+eot|full|0.00784313725490196')).toBe('inn · pgd+eot · full · ε=2/255');
    expect(cellLabel('none|clean|decision-rule|0')).toBe('none · clean · decision-rule · ε=0');
  });
});
