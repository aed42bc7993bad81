import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const run = promisify(execFile);

/**
 * `npm test` in a generated folder as a user outside this repository runs it: offline (no registry request
 * allowed), and without the repository's node_modules/.bin on PATH (the test runner puts it there).
 */
async function npmTest(folder: string): Promise<{ stdout: string; stderr: string }> {
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter);
  return run('npm', ['test'], { cwd: folder, env: { ...process.env, PATH: path, npm_config_offline: 'true' }, timeout: 300_000 });
}

describe('advbench create (built CLI)', () => {
  it('writes a JavaScript defense whose npm test (the conformance check) passes as generated, offline', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'advbench-create-')), 'demo');
    const created = await runCli(['create', 'defense', 'demo', '--dir', folder]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    for (const file of ['package.json', 'index.js', 'README.md', 'test/plugin.test.js']) expect(existsSync(join(folder, file)), file).toBe(true);
    expect(lstatSync(join(folder, 'node_modules/@advbench/core')).isSymbolicLink()).toBe(true);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.devDependencies['@advbench/core']).toMatch(/^file:\/.+core$/);
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(readme).toContain('| `contrast` | number in (0, 1] | `0.8` |');
    const { stdout } = await npmTest(folder);
    expect(stdout).toMatch(/# pass 1\n# fail 0/);
  });

  it('writes a TypeScript attack that compiles and passes its npm test, and refuses bad names and used folders', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'advbench-create-')), 'iterative');
    const created = await runCli(['create', 'attack', 'iterative-sign', '--dir', folder, '--typescript']);
    expect(created.code).toBe(0);
    expect(existsSync(join(folder, 'src/index.ts'))).toBe(true);
    const { stdout } = await npmTest(folder);
    expect(stdout).toMatch(/# pass 1\n# fail 0/);
    expect(existsSync(join(folder, 'dist/index.js'))).toBe(true);

    const badName = await runCli(['create', 'defense', 'Bad_Name', '--dir', join(folder, 'other')]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('the name must be a lowercase kebab-case plugin id');
    const used = mkdtempSync(join(tmpdir(), 'advbench-create-used-'));
    writeFileSync(join(used, 'keep.txt'), 'mine');
    const occupied = await runCli(['create', 'defense', 'demo', '--dir', used]);
    expect(occupied.code).toBe(2);
    expect(occupied.stderr).toContain('already exists and is not empty');
    expect(existsSync(join(used, 'package.json'))).toBe(false);
    const badKind = await runCli(['create', 'reporter', 'demo', '--dir', join(used, 'x')]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('the kind must be "defense" or "attack"');
  });
});
