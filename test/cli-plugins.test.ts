import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { readmePluginExample } from './support/readme-blocks.js';

function writeReadmePlugin(): string {
  const files = readmePluginExample();
  expect(Object.keys(files).sort()).toEqual(['index.js', 'package.json']);
  const folder = join(mkdtempSync(join(tmpdir(), 'advbench-readme-')), 'advbench-defense-bit-depth');
  mkdirSync(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

function writeConfig(config: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'advbench-cli-config-')), 'run.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('advbench plugins list (built CLI)', () => {
  it('lists every built-in plugin with kind, version and apiVersion', async () => {
    const result = await runCli(['plugins', 'list', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout) as Array<Record<string, string>>;
    const byId = Object.fromEntries(listing.map((row) => [row.id, row]));
    expect(Object.keys(byId).sort()).toEqual(['adv-training', 'apgd', 'autoattack', 'iaat', 'inn', 'none', 'pgd', 'square', 'transfer']);
    expect(byId.inn).toMatchObject({ kind: 'defense', apiVersion: 'v1', package: '@advbench/defense-inn' });
    expect(byId.pgd).toMatchObject({ kind: 'attack', apiVersion: 'v1', package: '@advbench/attack-pgd' });
    for (const row of listing) expect(row.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('loads the README example plugin from a folder outside the repo', async () => {
    const folder = writeReadmePlugin();
    const result = await runCli(['plugins', 'list', '--json', '--plugin', folder]);
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout) as Array<Record<string, string>>;
    expect(listing.find((row) => row.id === 'bit-depth')).toMatchObject({ kind: 'defense', source: 'path', package: 'advbench-defense-bit-depth' });
  });

  it('exits 2 naming an unknown plugin in a config', async () => {
    const config = writeConfig({ preset: 'smoke', defenses: ['none', 'defense-that-does-not-exist'] });
    const result = await runCli(['plugins', 'list', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('defense-that-does-not-exist');
  });

  it('exits 2 naming a plugin folder that declares apiVersion v99', async () => {
    const folder = writeReadmePlugin();
    const index = join(folder, 'index.js');
    const { readFileSync } = await import('node:fs');
    writeFileSync(index, readFileSync(index, 'utf8').replace("apiVersion: 'v1'", "apiVersion: 'v99'"));
    const result = await runCli(['plugins', 'list', '--plugin', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ADVBENCH_ERR_PLUGIN_API_VERSION');
    expect(result.stderr).toContain('bit-depth');
    expect(result.stderr).toContain('v99');
  });

  it('exits 2 naming a wrong-typed config key', async () => {
    const config = writeConfig({ preset: 'smoke', evalBatchSize: 'many' });
    const result = await runCli(['run', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('evalBatchSize must be an integer');
  });

  it('prints help and version, and exits 2 on an unknown flag', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('plugins');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await runCli(['plugins', 'list', '--no-such-flag']);
    expect(unknown.code).toBe(2);
  });
});
