import { Command } from 'commander';

/** `advbench presets list` and `advbench presets show <name>`: the built-in presets, to copy into a config file. */
export function presetsCommand(): Command {
  const presets = new Command('presets').description('list and show the built-in presets (copy one into a config file and edit it)');
  presets
    .command('list')
    .description('list the built-in presets')
    .option('--json', 'print a JSON array')
    .action(async (flags: { json?: boolean }) => {
      const { PRESETS, PRESET_DESCRIPTIONS, DEFAULT_PRESET } = await import('../../config/presets.js');
      const rows = Object.keys(PRESETS).map((name) => ({ name, default: name === DEFAULT_PRESET, description: PRESET_DESCRIPTIONS[name] ?? '' }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3');
      const table = new Table({ head: ['name', 'description'], wordWrap: true, colWidths: [10, 100] });
      for (const row of rows) table.push([row.default ? `${row.name} *` : row.name, row.description]);
      process.stdout.write(`${table.toString()}\n* the default. Show one with: advbench presets show <name> [--json]\n`);
    });
  presets
    .command('show')
    .description('print a preset as a config file that advbench run --config accepts as is')
    .argument('<name>', 'preset name (advbench presets list)')
    .option('--json', 'print only the JSON config on stdout')
    .action(async (name: string, flags: { json?: boolean }) => {
      const { presetConfig, requiredPlaces } = await import('./presets-config.js');
      const config = presetConfig(name);
      const text = `${JSON.stringify(config, null, 2)}\n`;
      if (flags.json) {
        process.stdout.write(text);
        return;
      }
      const { PRESET_DESCRIPTIONS } = await import('../../config/presets.js');
      const required = requiredPlaces(config);
      process.stdout.write(`# preset ${name}: ${PRESET_DESCRIPTIONS[name] ?? ''}\n`);
      process.stdout.write(`# save with: advbench presets show ${name} --json > run.json, edit it, then: advbench run --config run.json\n`);
      if (required.length > 0) process.stdout.write(`# fill in before running: ${required.join(', ')}\n`);
      process.stdout.write(text);
    });
  return presets;
}
