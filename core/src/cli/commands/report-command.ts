import { Command } from 'commander';

/** Flags of `advbench report`. */
interface ReportFlags {
  open?: boolean;
  json?: boolean;
}

/**
 * Re-renders `<out>/report.html` from the run's results (results.sqlite, else results.json), atomically.
 * Resolves with the report's path. Bad or missing results throw exit-2 errors naming the folder.
 */
export async function writeRunReport(out: string): Promise<string> {
  const { resolve, join } = await import('node:path');
  const { loadRunResults } = await import('../../store/results-json.js');
  const { loadReports } = await import('../load-reports.js');
  const folder = resolve(out);
  const [results, reports] = await Promise.all([loadRunResults(folder), loadReports()]);
  const path = join(folder, 'report.html');
  await reports.writeFileAtomic(path, reports.renderReport(results));
  return path;
}

/** Opens a file with the desktop's default program, without waiting for it; failures are only reported. */
async function openFile(path: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', (error) => process.stderr.write(`advbench: could not open ${path} with ${opener}: ${error.message}\n`));
  child.unref();
}

/** `advbench report <out> [--open] [--json]`: re-renders the run's self-contained report.html. */
export function reportCommand(): Command {
  return new Command('report')
    .description('re-render <out>/report.html (self-contained, opens offline) from the run\'s results.sqlite')
    .argument('<out>', 'the run\'s out folder')
    .option('--open', 'open the report in the default browser')
    .option('--json', 'print only JSON on stdout')
    .action(async (out: string, flags: ReportFlags) => {
      const path = await writeRunReport(out);
      if (flags.json) process.stdout.write(`${JSON.stringify({ report: path })}\n`);
      else process.stderr.write(`advbench: report written to ${path}\n`);
      if (flags.open) await openFile(path);
    });
}
