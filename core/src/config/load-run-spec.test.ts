import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashRunSpec } from './hash-run-spec.js';
import { loadRunSpec } from './load-run-spec.js';
import { parseEpsilon, parseEpsilonList, formatEpsilon } from './parse-epsilon.js';

function writeConfig(config: unknown): string {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-config-'));
  const path = join(folder, 'config.json');
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

describe('loadRunSpec', () => {
  it('defaults to the quick preset with a deterministic out folder', async () => {
    const first = await loadRunSpec({ overrides: {}, cwd: '/work/x' });
    const second = await loadRunSpec({ overrides: {}, cwd: '/work/x' });
    expect(first.preset).toBe('quick');
    expect(first.dataset.reference).toBe('fashion-mnist');
    expect(first.defenses.map((entry) => entry.name)).toEqual(['none', 'adv-training', 'inn']);
    expect(first.out).toBe(second.out);
    expect(first.out.startsWith('/work/x/runs/quick-')).toBe(true);
    expect(hashRunSpec(first)).toBe(hashRunSpec(second));
  });

  it('lets the file override the preset and flags override the file', async () => {
    const path = writeConfig({ preset: 'smoke', seed: 5, epsilons: [0, '4/255'], out: 'results' });
    const spec = await loadRunSpec({ configPath: path, overrides: { seed: 9 }, cwd: '/elsewhere' });
    expect(spec.seed).toBe(9);
    expect(spec.epsilons).toEqual([0, 4 / 255]);
    expect(spec.out).toBe(join(path, '..', 'results'));
    expect(spec.dataset.testSamples).toBe(32);
  });

  it('names a wrong-typed key, an unknown key and an unknown preset (exit 2)', async () => {
    await expect(loadRunSpec({ configPath: writeConfig({ seed: 'seven' }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_CONFIG_TYPE', message: expect.stringContaining('seed must be an integer') });
    await expect(loadRunSpec({ configPath: writeConfig({ defenses: [{ use: 'inn', option: {} }] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('defenses[0].option is not a known key') });
    await expect(loadRunSpec({ configPath: writeConfig({ epsilon: [] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_CONFIG_UNKNOWN_KEY' });
    await expect(loadRunSpec({ preset: 'fast', overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_CONFIG_PRESET' });
    await expect(loadRunSpec({ configPath: writeConfig('{ not json'), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_CONFIG_JSON' });
  });

  it("reads an attack entry's adaptiveOptions and adaptiveOnly, and refuses them where they do not belong (exit 2)", async () => {
    const spec = await loadRunSpec({ configPath: writeConfig({ attacks: [{ use: 'pgd', adaptiveOptions: { steps: 10 } }, { use: 'autoattack', adaptiveOnly: true }] }), overrides: {}, cwd: '/' });
    expect(spec.attacks.map((entry) => [entry.name, entry.adaptiveOptions, entry.adaptiveOnly])).toEqual([['pgd', { steps: 10 }, undefined], ['autoattack', undefined, true]]);
    await expect(loadRunSpec({ configPath: writeConfig({ attacks: [{ use: 'autoattack', adaptiveOnly: 'yes' }] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('attacks[0].adaptiveOnly must be true or false') });
    await expect(loadRunSpec({ configPath: writeConfig({ attacks: [{ use: 'pgd', adaptiveOptions: 3 }] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('attacks[0].adaptiveOptions must be an object') });
    await expect(loadRunSpec({ configPath: writeConfig({ defenses: [{ use: 'inn', adaptiveOnly: true }] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('defenses[0].adaptiveOnly is not a known key') });
  });

  it('requires the paper preset paths', async () => {
    await expect(loadRunSpec({ preset: 'paper', overrides: {}, cwd: '/' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('dataset.use must be set') });
    const spec = await loadRunSpec({ preset: 'paper', overrides: { dataset: 'imagenet:/data/imagenet', weights: '/models/resnet152' }, cwd: '/' });
    expect(spec.model).toEqual({ name: 'resnet152', weights: '/models/resnet152' });
    expect(spec.dataset.reference).toBe('imagenet:/data/imagenet');
    expect(spec.defenses.map((entry) => entry.use)).toEqual(['none', 'adv-training', 'iaat', 'inn']);
    expect(spec.epsilons.at(-1)).toBeCloseTo(96 / 255);
  });

  it('numbers repeated plugin entries and refuses duplicate names', async () => {
    const spec = await loadRunSpec({ configPath: writeConfig({ defenses: ['inn', { use: 'inn', options: { preset: 'main' } }] }), overrides: {}, cwd: '/' });
    expect(spec.defenses.map((entry) => entry.name)).toEqual(['inn', 'inn-2']);
    await expect(loadRunSpec({ configPath: writeConfig({ defenses: [{ use: 'inn', name: 'a' }, { use: 'none', name: 'a' }] }), overrides: {}, cwd: '/' })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_CONFIG_DUPLICATE_NAME' });
  });
});

describe('epsilons', () => {
  it('parses numbers and k/255 strings and refuses the 0-255 scale', () => {
    expect(parseEpsilon('8/255', 'e')).toBeCloseTo(8 / 255);
    expect(parseEpsilon(0.5, 'e')).toBe(0.5);
    expect(parseEpsilonList('0, 1/255,2/255', 'e')).toEqual([0, 1 / 255, 2 / 255]);
    expect(() => parseEpsilon(8, 'epsilons[1]')).toThrow(/epsilons\[1\] must be within \[0, 1\]/);
    expect(() => parseEpsilon('eight', 'e')).toThrow(/fraction/);
    expect(formatEpsilon(8 / 255)).toBe('8/255');
  });
});

describe('entry names', () => {
  it('derives short names from package names and paths', async () => {
    const spec = await loadRunSpec({ configPath: writeConfig({ defenses: ['./plugins/advbench-defense-bit-depth', '@someone/defense-jpeg', 'none'] }), overrides: {}, cwd: '/' });
    expect(spec.defenses.map((entry) => entry.name)).toEqual(['bit-depth', 'jpeg', 'none']);
  });
});
