import { Command } from 'commander';
import { tableStyle } from '../colour-output.js';

/** `advbench plugins list [--json]`: every plugin the config can see. */
export function pluginsCommand(): Command {
  const plugins = new Command('plugins').description('list and inspect plugins');
  plugins
    .command('list')
    .description('list the built-in plugins, the config\'s plugins and any --plugin references')
    .option('--config <file>', 'also list the plugins this config file references')
    .option('--plugin <reference...>', 'also load these plugin references (package names or paths)')
    .option('--json', 'print a JSON array')
    .action(async (options: { config?: string; plugin?: string[]; json?: boolean }) => {
      const { listPlugins } = await import('./plugins-list.js');
      const listing = await listPlugins({ configPath: options.config, references: options.plugin ?? [], cwd: process.cwd() });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3');
      const table = new Table({ head: ['id', 'kind', 'version', 'api', 'package', 'description'], wordWrap: true, colWidths: [16, 9, 9, 5, 32, 60] , style: tableStyle() });
      for (const row of listing) table.push([row.id, row.kind, row.version, row.apiVersion, row.package, row.description]);
      process.stdout.write(`${table.toString()}\n`);
    });
  return plugins;
}
