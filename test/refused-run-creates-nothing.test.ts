import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-refused-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugins = writeTestPlugins(join(root, 'plugins'));

async function run(config: Record<string, unknown>, out: string) {
  const configPath = join(root, 'run.json');
  writeFileSync(configPath, JSON.stringify(config));
  const spec = await loadRunSpec({ configPath, overrides: { out }, cwd: root });
  return executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [], resume: false, signal: new AbortController().signal, logger: silentLogger });
}

describe('a run refused at validation', () => {
  it('--out naming an existing file: exit 2 naming the flag, the file untouched', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(run(testSweepConfig(plugins, { cacheDirectory: join(root, 'cache') }), file)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_OUT_NOT_FOLDER', message: expect.stringContaining('--out') });
  });

  it('an unknown plugin or bad options: exit 2 and no out folder, no results.sqlite', async () => {
    const out = join(root, 'never');
    const unknown = testSweepConfig(plugins, { cacheDirectory: join(root, 'cache'), defenses: [{ use: './no-such-plugin' }] });
    await expect(run(unknown, out)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_PLUGIN_NOT_FOUND' });
    expect(existsSync(out)).toBe(false);
    const badOptions = testSweepConfig(plugins, { cacheDirectory: join(root, 'cache'), defenses: [{ use: plugins.defense, options: { wings: 2 } }] });
    await expect(run(badOptions, out)).rejects.toMatchObject({ exitCode: 2 });
    expect(existsSync(out)).toBe(false);
  });
});
