import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import type { Logger } from '../core/src/plugin-api/index.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { testSweepConfig, writeTestDefensePackage, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { openStore } from '../core/src/store/result-store.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-plugin-change-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a plugin edited between two runs into the same out folder', () => {
  it('has its cells and its cached model computed again, and the log says which cells and why', async () => {
    const plugins = writeTestPlugins(join(root, 'plugins'));
    const defense = writeTestDefensePackage(join(root, 'defense-package'));
    const config = testSweepConfig(plugins, { cacheDirectory: join(root, 'cache'), defenses: [{ use: defense, name: 'trained' }], epsilons: [0, 0.05], extra: { eotSamples: 0 } });
    const configPath = join(root, 'run.json');
    writeFileSync(configPath, JSON.stringify(config));
    const spec = await loadRunSpec({ configPath, overrides: { out: join(root, 'out') }, cwd: root });
    const run = async () => {
      const warnings: string[] = [];
      const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message) };
      const results = await executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [], resume: false, signal: new AbortController().signal, logger });
      return { results, warnings };
    };
    const first = await run();
    expect(first.results.status).toBe('completed');
    expect(first.results.cells[1].plugins).toMatchObject({ defense: { id: 'test-trained', version: '0.0.1', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) }, attack: { id: 'test-fgsm' } });
    // Unchanged: nothing is computed again.
    const same = await run();
    expect(same.warnings.filter((message) => message.includes('computed again'))).toEqual([]);
    expect(same.results.defenses[0].cost?.cached).toBe(false);

    appendFileSync(join(defense, 'index.js'), '\n// a behaviour-neutral edit still counts as new code\n');
    const edited = await run();
    expect(edited.results.status).toBe('completed');
    const stale = edited.warnings.filter((message) => message.includes('computed again'));
    // Every cell of the run (the sweep's two and the evaluation checks' extra one) is computed again.
    expect(stale).toHaveLength(first.results.cells.length);
    expect(stale[0]).toMatch(/^trained\|clean\|decision-rule\|0: computed again: defense plugin test-trained 0\.0\.1: its code changed \(content hash [0-9a-f]{12} -> [0-9a-f]{12}\)/);
    // Its model is trained again (the cache key holds the plugin's code hash), not loaded from the cache.
    expect(edited.results.defenses[0].cost?.cached).toBe(false);
    expect(edited.results.cells[0].plugins?.defense.contentHash).not.toBe(first.results.cells[0].plugins?.defense.contentHash);
    const store = openStore(spec.out);
    expect([...store.completionCounts().values()]).toEqual(first.results.cells.map(() => 2));
    store.close();
  });
});
