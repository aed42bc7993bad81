import { describe, expect, it } from 'vitest';
import { validatePlugin } from '@advbench/core/testkit';
import innDefense, { INN_PRESETS } from './index.js';

describe('the inn plugin object', () => {
  it('passes core validation as a v1 defense with its presets', () => {
    const plugin = validatePlugin(innDefense, '@advbench/defense-inn');
    expect(plugin).toMatchObject({ id: 'inn', kind: 'defense', apiVersion: 'v1' });
    expect(Object.keys(plugin.presets ?? {})).toEqual(['main', 'a0.3-b0.3-g0.4-k4', 'a0.2-b0.3-g0.2-k4', 'a0.1-b0.1-g0.1-k8', 'authors-code']);
    expect(plugin.presets).toBe(INN_PRESETS);
    expect(plugin.parseOptions({})).toMatchObject({ alpha: 0.5, backgrounds: 8 });
  });
});
