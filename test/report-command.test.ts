import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleRunResults } from '@advbench/reports';
import { main } from '../core/src/cli/main.js';
import { writeRunReport } from '../core/src/cli/commands/report-command.js';
import { loadReports } from '../core/src/cli/load-reports.js';
import { writeResultsJson } from '../core/src/store/results-json.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function runFolder(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'advbench-report-command-'));
  folders.push(out);
  await writeResultsJson(out, sampleRunResults());
  return out;
}

describe('advbench report', () => {
  it('loads @advbench/reports through the dynamic import', async () => {
    const reports = await loadReports();
    expect(typeof reports.renderReport).toBe('function');
    expect(typeof reports.startLiveServer).toBe('function');
  });

  it('re-renders report.html from the stored results', async () => {
    const out = await runFolder();
    const path = await writeRunReport(out);
    expect(path).toBe(join(out, 'report.html'));
    const html = await readFile(path, 'utf8');
    expect(html.match(/class="leaderboard-row"/g)).toHaveLength(4);
    expect(html).toContain('id="chart-accuracy"');
  });

  it('exits 0 through the CLI, and 2 naming the folder when it holds no results', async () => {
    const out = await runFolder();
    expect(await main(['node', 'advbench', 'report', out, '--json'])).toBe(0);
    const empty = await mkdtemp(join(tmpdir(), 'advbench-report-empty-'));
    folders.push(empty);
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'advbench', 'report', empty])).toBe(2);
    } finally {
      process.stderr.write = original;
    }
    expect(written.join('')).toContain('ADVBENCH_ERR_RESULTS_MISSING');
    expect(written.join('')).toContain(empty);
  });
});
