import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, looksLikePath } from './plugin-registry.js';

/** Writes a plugin package (plain ESM, no imports) into a fresh temp folder outside the repo. */
function writePlugin(fields: Record<string, string>, options: { exportDefault?: boolean } = {}): string {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-plugin-'));
  mkdirSync(join(folder, 'src'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'my-plugin', version: '1.0.0', type: 'module', exports: './src/index.js' }));
  const body = `{
  $$type: 'advbench.plugin', apiVersion: ${fields.apiVersion ?? "'v1'"}, kind: ${fields.kind ?? "'defense'"},
  id: ${fields.id ?? "'my-defense'"}, version: '1.0.0', description: 'test plugin',
  parseOptions: (raw) => raw ?? {},
  create: () => { throw new Error('not used in this test'); },
}`;
  writeFileSync(join(folder, 'src', 'index.js'), options.exportDefault === false ? `export const plugin = ${body};\n` : `export default ${body};\n`);
  return folder;
}

describe('PluginRegistry', () => {
  it('loads a plugin package from a folder outside the repo', async () => {
    const folder = writePlugin({});
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    const loaded = await registry.resolveDefense(folder, 'defenses[0]');
    expect(loaded.plugin.id).toBe('my-defense');
    expect(loaded.source).toBe('path');
    expect(loaded.packageName).toBe('my-plugin');
  });

  it('refuses an unknown API major with an exit-2 error naming the plugin', async () => {
    const folder = writePlugin({ apiVersion: "'v99'" });
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    const error = await registry.resolveDefense(folder, 'defenses[1]').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ADVBENCH_ERR_PLUGIN_API_VERSION', exitCode: 2 });
    expect((error as Error).message).toContain('my-defense');
    expect((error as Error).message).toContain('v99');
    expect((error as Error).message).toContain('defenses[1]');
  });

  it('refuses a module without a default export', async () => {
    const folder = writePlugin({}, { exportDefault: false });
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    await expect(registry.resolve(folder)).rejects.toMatchObject({ code: 'ADVBENCH_ERR_PLUGIN_NO_DEFAULT_EXPORT', exitCode: 2 });
  });

  it('refuses two plugins with the same id', async () => {
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    await registry.resolve(writePlugin({ id: "'twin'" }));
    await expect(registry.resolve(writePlugin({ id: "'twin'" }))).rejects.toMatchObject({ code: 'ADVBENCH_ERR_PLUGIN_DUPLICATE_ID' });
  });

  it('names an unknown plugin and keeps exit code 2', async () => {
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    const error = await registry.resolveDefense('no-such-defense-xyz', 'defenses[3]').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ADVBENCH_ERR_PLUGIN_NOT_FOUND', exitCode: 2 });
    expect((error as Error).message).toContain('no-such-defense-xyz');
    expect((error as Error).message).toContain('defenses[3]');
  });

  it('refuses a defense where an attack is needed', async () => {
    const registry = await PluginRegistry.create({ cwd: process.cwd() });
    await expect(registry.resolveAttack(writePlugin({ id: "'some-defense'" }), 'attacks[0]')).rejects.toMatchObject({ code: 'ADVBENCH_ERR_PLUGIN_KIND' });
  });

  it('tells paths from package names', () => {
    expect(looksLikePath('./x')).toBe(true);
    expect(looksLikePath('/abs/x')).toBe(true);
    expect(looksLikePath('@scope/name')).toBe(false);
    expect(looksLikePath('@scope/name/sub')).toBe(true);
    expect(looksLikePath('some-package')).toBe(false);
    expect(looksLikePath('folder/plugin')).toBe(true);
  });
});
