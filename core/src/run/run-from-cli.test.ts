import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specFromFlags } from './run-from-cli.js';
import { resumeCommand } from './execute-run.js';

const folder = mkdtempSync(join(tmpdir(), 'advbench-run-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('advbench run flags', () => {
  it('refuses config flags with --resume, naming them', async () => {
    await expect(specFromFlags({ resume: folder, seed: 3, preset: 'smoke' }, folder)).rejects.toMatchObject({
      exitCode: 2,
      code: 'ADVBENCH_ERR_RESUME_FLAGS',
      message: expect.stringContaining('--preset, --seed'),
    });
  });

  it('refuses to resume a folder that holds no run', async () => {
    await expect(specFromFlags({ resume: folder }, folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_RESULTS_MISSING' });
  });

  it('builds the spec from the preset and flags', async () => {
    const spec = await specFromFlags({ preset: 'smoke', out: 'here', seed: 9, backend: 'cpu' }, folder);
    expect(spec).toMatchObject({ preset: 'smoke', out: join(folder, 'here'), seed: 9, backend: 'cpu' });
  });

  it('takes --seeds into the spec', async () => {
    const spec = await specFromFlags({ preset: 'smoke', out: 'many', seeds: [0, 1, 2] }, folder);
    expect(spec.seeds).toEqual([0, 1, 2]);
  });

  it('quotes out folders the shell would split', () => {
    expect(resumeCommand('runs/a')).toBe('advbench run --resume runs/a');
    expect(resumeCommand('my runs/a')).toBe('advbench run --resume "my runs/a"');
  });
});
