import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPluginReference, formatCheckReport, type ConformanceReport } from '@advbench/core/testkit';
import { repositoryRoot, runCli } from './support/cli.js';
import { readmePluginExample } from './support/readme-blocks.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** A smaller kit than the default keeps each check to a few seconds. */
const kit = { trainSamples: 128, testSamples: 16, baseEpochs: 2 };

async function check(reference: string, options?: Record<string, unknown>): Promise<ConformanceReport> {
  return checkPluginReference(reference, { cwd: repositoryRoot, kit, ...(options ? { options } : {}) });
}

function failed(report: ConformanceReport): string[] {
  return report.failures.map((failure) => failure.check);
}

describe('advbench check-plugin on the fixtures: each fails exactly its check, with what was expected and seen', () => {
  it('predict returning logits', async () => {
    const report = await check(fixture('check-plugin-logits-defense'));
    expect(failed(report)).toEqual(['predict-probabilities']);
    const [failure] = report.failures;
    expect(failure.message).toMatch(/^classifier\.predict on a batch of 1 must return probabilities \(rows of 10 non-negative values summing to 1\), but a row sums to -?[\d.]+ and the smallest entry is -[\d.]+: this looks like logits; return tf\.softmax\(logits\)$/);
    expect(failure.expected).toBe('rows of 10 values >= 0 summing to 1 (± 0.001)');
    const text = formatCheckReport(report);
    expect(text).toContain('FAIL  predict-probabilities: classifier.predict on a batch of 1 must return probabilities');
    expect(text).toContain('        expected: rows of 10 values >= 0 summing to 1 (± 0.001)');
    expect(text).toMatch(/checks: \d+ passed, 1 failed, 0 warnings/);
  });

  it('an attack returning half the batch', async () => {
    const report = await check(fixture('check-plugin-half-batch-attack'));
    expect(failed(report)).toEqual(['attack-output-shape']);
    expect(report.failures[0]).toMatchObject({
      message: 'attack.run on a batch of 3 [3, 28, 28, 1] returned shape [2, 28, 28, 1], expected [3, 28, 28, 1]',
      expected: 'shape [3, 28, 28, 1]',
      seen: 'shape [2, 28, 28, 1]',
    });
  });

  it('a defense claiming to be deterministic while its predict is random', async () => {
    const report = await check(fixture('check-plugin-random-claimed-deterministic'));
    expect(failed(report)).toEqual(['predict-randomized']);
    expect(report.failures[0].message).toMatch(/^classifier\.randomized is false, but predict on the same batch with two different rngs gave probabilities differing by up to 0\.\d+: declare randomized: true/);
    expect(report.failures[0].expected).toBe('identical probabilities whatever the rng');
  });

  it('a surface with no gradient', async () => {
    const report = await check(fixture('check-plugin-no-gradient-surface'));
    expect(failed(report)).toEqual(['surface-gradient:full']);
    expect(report.failures[0].message).toContain("surface 'full': the gradient of its cross-entropy loss w.r.t. the input is zero everywhere on a batch of 8 of a trained model");
    expect(report.failures[0].seen).toBe('all 6272 entries are 0');
  });
});

describe('advbench check-plugin on a defense that leaks tensors', () => {
  it('fails the predict leak check and the dispose check, counting the tensors', async () => {
    const report = await check(fixture('check-plugin-leaky-defense'));
    expect(failed(report)).toEqual(['predict-no-leak', 'dispose']);
    expect(report.failures[0]).toMatchObject({ message: "3 predict calls (each result disposed) left 6 more tensors allocated: wrap predict's work in tf.tidy", seen: '+6 tensors' });
    expect(report.failures[1].message).toMatch(/^after dispose\(\), \d+ tensors the defense made are still allocated/);
  });
});

describe('advbench check-plugin on the built-in plugins', () => {
  it.each(['none', 'adv-training', 'inn', 'pgd'])('%s passes every check', async (id) => {
    const report = await check(id);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.results.filter((result) => result.status === 'pass').length).toBeGreaterThanOrEqual(10);
  });
});

describe('advbench check-plugin on the attack suite (small budgets)', () => {
  it.each([
    ['apgd', { iterations: 5 }],
    ['square', { preset: 'smoke' }],
    ['transfer', { preset: 'smoke' }],
    ['autoattack', { preset: 'smoke' }],
  ] as const)('%s passes every check', async (id, options) => {
    const report = await check(id, options);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
  });
});

describe('advbench check-plugin on the README example plugin', () => {
  it('passes every check', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'advbench-readme-check-')), 'advbench-defense-bit-depth');
    mkdirSync(folder);
    for (const [name, text] of Object.entries(readmePluginExample())) writeFileSync(join(folder, name), text);
    const report = await check(folder);
    expect(report.failures).toEqual([]);
    expect(report.plugin).toEqual({ id: 'bit-depth', kind: 'defense', version: '1.0.0' });
  });
});

describe('advbench check-plugin (built CLI)', () => {
  it('exits 1 and prints the JSON report with --json', async () => {
    const json = await runCli(['check-plugin', fixture('check-plugin-half-batch-attack'), '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as ConformanceReport;
    expect(report.plugin).toEqual({ id: 'fixture-half-batch', kind: 'attack', version: '1.0.0' });
    expect(report.failures.map((failure) => failure.check)).toEqual(['attack-output-shape']);
  });

  it('exits 2 when the plugin cannot be loaded, and 1 when the module is not a plugin', async () => {
    const missing = await runCli(['check-plugin', './no/such/plugin']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('plugin path "./no/such/plugin" does not exist');
    const folder = mkdtempSync(join(tmpdir(), 'advbench-not-a-plugin-'));
    writeFileSync(join(folder, 'index.js'), 'export default { hello: "world" };\n');
    const notPlugin = await runCli(['check-plugin', join(folder, 'index.js'), '--json']);
    expect(notPlugin.code).toBe(1);
    expect((JSON.parse(notPlugin.stdout) as ConformanceReport).failures[0].check).toBe('validates');
    const badOptions = await runCli(['check-plugin', 'none', '--options', '{oops']);
    expect(badOptions.code).toBe(2);
    expect(badOptions.stderr).toContain('--options: not valid JSON');
  });
});
