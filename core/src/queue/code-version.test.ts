import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { writeTestPlugins } from '../run/testing/sweep-fixture.js';
import { codeVersionDifferences, codeVersionOf, hashPluginCode } from './code-version.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-code-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('codeVersionOf', () => {
  it('hashes each plugin\'s code, so an edited plugin gives another version and the difference is named', async () => {
    const plugins = writeTestPlugins(join(root, 'plugins'));
    const registry = await PluginRegistry.create({ cwd: root });
    const loaded = [await registry.resolve(plugins.defense), await registry.resolve('pgd')];
    const before = await codeVersionOf(loaded, 'wasm', root);
    expect(Object.keys(before.plugins)).toEqual(['pgd', 'test-trained']);
    expect(before.plugins['test-trained']).toMatch(/^0\.0\.1 sha256:[0-9a-f]{16}$/);
    expect(before.plugins.pgd).toMatch(/sha256:[0-9a-f]{16}$/);
    expect(codeVersionDifferences(before, await codeVersionOf(loaded, 'wasm', root))).toEqual([]);

    writeFileSync(plugins.defense, `// edited\n${readFileSync(plugins.defense, 'utf8')}`);
    const after = await codeVersionOf(loaded, 'cpu', root);
    const differences = codeVersionDifferences(before, after);
    expect(differences).toHaveLength(2);
    expect(differences[0]).toBe('backend cpu here, wasm on the coordinator');
    expect(differences[1]).toMatch(/^plugin test-trained 0\.0\.1 sha256:\w+ here, 0\.0\.1 sha256:\w+ on the coordinator$/);
  });

  it('hashes a package folder by the files it publishes, ignoring node_modules', async () => {
    const folder = join(root, 'package');
    mkdirSync(join(folder, 'dist'), { recursive: true });
    mkdirSync(join(folder, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'p', files: ['dist'] }));
    writeFileSync(join(folder, 'dist', 'index.js'), 'export default 1;');
    const first = await hashPluginCode(folder);
    writeFileSync(join(folder, 'node_modules', 'x', 'noise.js'), 'noise');
    writeFileSync(join(folder, 'notes.txt'), 'not published');
    expect(await hashPluginCode(folder)).toBe(first);
    writeFileSync(join(folder, 'dist', 'index.js'), 'export default 2;');
    expect(await hashPluginCode(folder)).not.toBe(first);
  });
});
