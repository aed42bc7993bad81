import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-cache-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugins = writeTestPlugins(join(root, 'plugins'));
const cacheDirectory = join(root, 'cache');
const configPath = join(root, 'config.json');
writeFileSync(configPath, JSON.stringify(testSweepConfig(plugins, { cacheDirectory, epsilons: [0, 0.1], testSamples: 16 })));

async function run(name: string) {
  const warnings: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message) };
  const spec = await loadRunSpec({ configPath, overrides: { out: join(root, name) }, cwd: root });
  const results = await executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [], resume: false, signal: new AbortController().signal, logger });
  return { results, warnings };
}

/** The weight shards of the one cache entry. */
function shards(): string[] {
  const entries = readdirSync(cacheDirectory).filter((name) => /^[0-9a-f]{64}$/.test(name));
  expect(entries).toHaveLength(1);
  return readdirSync(join(cacheDirectory, entries[0])).filter((name) => name.endsWith('.bin')).map((name) => join(cacheDirectory, entries[0], name));
}

describe('model cache under damage (fault injection)', () => {
  it('detects an entry corrupted in place or truncated, reports it, moves it aside and rebuilds the same model', async () => {
    const first = await run('first');
    expect(first.results.status).toBe('completed');
    const accuracies = first.results.cells.map((cell) => cell.result?.correct);

    // Same size, different content: today's cache loaded it silently and reported the accuracies of garbage.
    const [shard] = shards();
    writeFileSync(shard, randomBytes(statSync(shard).size));
    const corrupted = await run('corrupted');
    expect(corrupted.warnings.some((line) => line.includes(shard) && line.includes('content changed'))).toBe(true);
    expect(corrupted.results.status).toBe('completed');
    expect(corrupted.results.defenses[0].cost?.cached).toBe(false);
    expect(corrupted.results.cells.map((cell) => cell.result?.correct)).toEqual(accuracies);

    // Truncated: today every dependent cell failed, on every rerun.
    truncateSync(shards()[0], 100);
    const truncated = await run('truncated');
    expect(truncated.warnings.some((line) => line.includes('bytes, recorded') && line.includes('truncated'))).toBe(true);
    expect(truncated.results.status).toBe('completed');
    expect(truncated.results.cells.map((cell) => cell.result?.correct)).toEqual(accuracies);
    expect(readdirSync(cacheDirectory).filter((name) => name.startsWith('.damaged-'))).toHaveLength(2);

    // Rebuilt entries are whole again: the next run hits.
    const again = await run('again');
    expect(again.warnings).toEqual([]);
    expect(again.results.defenses[0].cost?.cached).toBe(true);
  }, 120_000);
});
