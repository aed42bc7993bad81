import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../core/src/store/result-types.js';
import { runCli } from './support/cli.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Runs `advbench run --preset smoke` through the built CLI in a fresh folder (so with a fresh model cache). */
async function smokeRun(): Promise<{ results: RunResults; seconds: number; stderr: string; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-smoke-'));
  folders.push(folder);
  const started = Date.now();
  const run = await runCli(['run', '--preset', 'smoke', '--out', 'out'], { cwd: folder, timeoutMs: 180_000 });
  const seconds = (Date.now() - started) / 1000;
  expect(run.code, run.stderr).toBe(0);
  const results = JSON.parse(readFileSync(join(folder, 'out', 'results.json'), 'utf8')) as RunResults;
  return { results, seconds, stderr: run.stderr, folder };
}

describe('advbench run --preset smoke (slow: two real runs through the CLI)', () => {
  it('finishes in under 2 minutes with every cell, the metadata, and the same numbers on a second run', async () => {
    const first = await smokeRun();
    expect(first.seconds).toBeLessThan(120);
    const { results } = first;
    expect(results.status).toBe('completed');
    expect(results.seed).toBe(0);
    expect(results.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(results.backend.name).toBe('wasm');
    expect(results.versions.plugins).toMatchObject({ none: expect.any(String), 'adv-training': expect.any(String), inn: expect.any(String), pgd: expect.any(String), transfer: expect.any(String), autoattack: expect.any(String) });
    const planned = results.cells.filter((cell) => !cell.extra).map((cell) => `${cell.defense}|${cell.attack}|${cell.surface}|${cell.epsilon}`).sort();
    // One clean cell per defense; each white-box attack of the suite once per surface and positive epsilon (apgd and
    // square as autoattack's members); transfer, which never reads a surface, once per defense on the decision rule;
    // and, for the randomized INN, each attack that takes eotSamples once more on its full surface (the adaptive
    // `+eot` cells).
    const attacks = ['pgd', 'autoattack'];
    const epsilons = [8 / 255, 32 / 255];
    const expected = [
      ...['none', 'adv-training', 'inn'].map((defense) => `${defense}|clean|decision-rule|0`),
      ...['none', 'adv-training', 'inn'].flatMap((defense) => epsilons.map((epsilon) => `${defense}|transfer|decision-rule|${epsilon}`)),
      ...['none|full', 'adv-training|full'].flatMap((prefix) => {
        const [defense, surface] = prefix.split('|');
        return attacks.flatMap((attack) => epsilons.map((epsilon) => `${defense}|${attack}|${surface}|${epsilon}`));
      }),
      // autoattack is adaptive-only: on INN it runs only as autoattack+eot on full (its inn1/inn2 cells left the plan).
      ...['inn1', 'inn2'].flatMap((surface) => epsilons.map((epsilon) => `inn|pgd|${surface}|${epsilon}`)),
      ...['pgd', 'autoattack'].flatMap((attack) => epsilons.map((epsilon) => `inn|${attack}+eot|full|${epsilon}`)),
    ].sort();
    expect(planned).toEqual(expected);
    // The ensemble's cells record their members and every suite attack its cost.
    const ensemble = results.cells.filter((cell) => cell.attack === 'autoattack');
    for (const cell of ensemble) expect(cell.members?.map((member) => member.name).length).toBeGreaterThanOrEqual(2);
    for (const cell of ensemble) expect(cell.attackCost?.judgeCalls).toBeGreaterThan(0);
    expect(ensemble.filter((cell) => cell.defense === 'none').flatMap((cell) => cell.members!.map((member) => member.name))).toContain('square');
    const adaptiveEnsemble = results.cells.filter((cell) => cell.attack === 'autoattack+eot');
    expect(adaptiveEnsemble.flatMap((cell) => cell.members!.map((member) => member.name))).toContain('apgd-dlr');
    for (const cell of results.cells) {
      expect(cell.status).toBe('done');
      expect(cell.result?.samples).toBe(32);
      expect(cell.result?.low).toBeLessThanOrEqual(cell.result?.accuracy ?? -1);
      expect(cell.outcomes).toHaveLength(32);
    }
    for (const defense of results.defenses) expect(defense.cost?.seconds).toBeGreaterThan(0);

    // Same seed and config, fresh cache, same backend: the same per-example outcomes.
    const second = await smokeRun();
    const outcomes = (run: RunResults) => Object.fromEntries(run.cells.map((cell) => [cell.id, cell.outcomes]));
    expect(outcomes(second.results)).toEqual(outcomes(results));
    expect(second.results.configHash).toBe(results.configHash);

    // Running again into the same folder computes nothing: every cell and model is reused.
    const again = await runCli(['run', '--preset', 'smoke', '--out', 'out'], { cwd: first.folder, timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
    const reread = JSON.parse(readFileSync(join(first.folder, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(outcomes(reread)).toEqual(outcomes(results));
    expect(reread.runId).toBe(results.runId);
    expect(again.stderr).not.toMatch(/train \w+ .*epoch/);
  }, 420_000);
});
