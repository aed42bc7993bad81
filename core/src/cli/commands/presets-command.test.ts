import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashRunSpec } from '../../config/hash-run-spec.js';
import { loadRunSpec } from '../../config/load-run-spec.js';
import { PRESETS } from '../../config/presets.js';
import { main } from '../main.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'advbench-presets-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `advbench <args>` in-process; returns the exit code and what went to stdout and stderr. */
async function advbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true));
  try {
    const code = await main(['node', 'advbench', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe('advbench presets', () => {
  it('lists every built-in preset with a description, marking the default', async () => {
    const listed = await advbench('presets', 'list', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ name: string; default: boolean; description: string }>;
    expect(rows.map((row) => row.name)).toEqual(Object.keys(PRESETS));
    expect(rows.filter((row) => row.default).map((row) => row.name)).toEqual(['quick']);
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
    const table = await advbench('presets', 'list');
    expect(table.stdout).toContain('quick *');
  });

  it.each(['quick', 'smoke'])('show %s --json prints a config that run --config accepts as is: the same run spec and hash as --preset', async (name) => {
    const shown = await advbench('presets', 'show', name, '--json');
    expect(shown.code).toBe(0);
    const config = JSON.parse(shown.stdout) as Record<string, unknown>;
    expect(config.preset).toBe(name);
    const path = join(root, `${name}.json`);
    await writeFile(path, shown.stdout);
    const fromFile = await loadRunSpec({ configPath: path, overrides: {}, cwd: root });
    const fromPreset = await loadRunSpec({ preset: name, overrides: {}, cwd: root });
    expect(fromFile).toEqual(fromPreset);
    expect(hashRunSpec(fromFile)).toBe(hashRunSpec(fromPreset));
  });

  it('writes epsilons as k/255, names what the paper preset needs filled in, and refuses unknown presets with exit 2', async () => {
    const quick = JSON.parse((await advbench('presets', 'show', 'quick', '--json')).stdout) as { epsilons: unknown[] };
    expect(quick.epsilons).toEqual([0, '2/255', '4/255', '8/255', '16/255', '32/255']);
    const paper = await advbench('presets', 'show', 'paper');
    expect(paper.code).toBe(0);
    expect(paper.stdout).toContain('# fill in before running: dataset.use, model.weights');
    const unknown = await advbench('presets', 'show', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown preset "nope": the presets are smoke, quick, paper');
  });
});
