import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPreset } from '@advbench/core/plugin-api';
import { loadRunSpec } from '@advbench/core';
import innDefense from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('examples/figure-3.json (the paper Figure 3 comparison)', () => {
  it('is a valid config whose four INN entries parse to the four paper settings', async () => {
    const spec = await loadRunSpec({ configPath: '../examples/figure-3.json', overrides: { out: '/tmp/advbench-figure-3' }, cwd: here });
    const inn = spec.defenses.filter((entry) => entry.use === 'inn');
    expect(inn.map((entry) => entry.name)).toEqual(['inn-main', 'inn-a0.3-b0.3-g0.4-k4', 'inn-a0.2-b0.3-g0.2-k4', 'inn-a0.1-b0.1-g0.1-k8']);
    const settings = inn.map((entry) => {
      const options = innDefense.parseOptions(applyPreset(entry.options, innDefense.presets, `defenses.${entry.name}.options`));
      return [options.alpha, options.beta, options.gamma, options.backgrounds];
    });
    expect(settings).toEqual([
      [0.5, 0.4, 0.4, 8],
      [0.3, 0.3, 0.4, 4],
      [0.2, 0.3, 0.2, 4],
      [0.1, 0.1, 0.1, 8],
    ]);
  });
});
