import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunSpec } from '@advbench/core';
import { parseIaatOptions } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('examples/figure-2.json (the paper Figure 2 comparison at the quick scale)', () => {
  it('is a valid config comparing PGD adversarial training, IAAT and INN with the undefended model', async () => {
    const spec = await loadRunSpec({ configPath: '../examples/figure-2.json', overrides: { out: '/tmp/advbench-figure-2' }, cwd: here });
    expect(spec.defenses.map((entry) => entry.use)).toEqual(['none', 'adv-training', 'iaat', 'inn']);
    const iaatEntry = spec.defenses.find((entry) => entry.use === 'iaat')!;
    expect(parseIaatOptions(iaatEntry.options)).toMatchObject({ epsilon: 8 / 255, warmupEpochs: 1, epochs: 2 });
    expect(spec.epsilons.at(-1)).toBeCloseTo(32 / 255, 12);
  });
});
