import { Command } from 'commander';

/** `advbench create defense|attack <name>`: a new plugin package that passes its own test as generated. */
export function createCommand(): Command {
  return new Command('create')
    .description('create a plugin package (package.json, index, README with the options table, a conformance test)')
    .argument('<kind>', 'defense or attack')
    .argument('<name>', 'plugin id, lowercase kebab-case (for example bit-depth)')
    .option('--dir <folder>', 'folder to create (default ./advbench-<kind>-<name>; must be missing or empty)')
    .option('--typescript', 'write src/index.ts and a tsconfig.json instead of one index.js')
    .addHelpText('after', '\nThen: cd <folder> && npm test   (runs advbench check-plugin on it, offline)')
    .action(async (kind: string, name: string, flags: { dir?: string; typescript?: boolean }) => {
      const { createPluginPackage } = await import('../../scaffold/create-plugin.js');
      const created = createPluginPackage({ kind: kind as 'defense' | 'attack', name, directory: flags.dir, typescript: flags.typescript, cwd: process.cwd() });
      process.stdout.write(`created ${created.directory}\n${created.files.map((file) => `  ${file}\n`).join('')}`);
      process.stdout.write(`linked from this advbench install: ${created.linked.join(', ')}\n`);
      if (created.missing.length > 0) process.stdout.write(`not available offline here (run npm install in the folder): ${created.missing.join(', ')}\n`);
      process.stdout.write(`next: cd ${created.directory} && npm test\n`);
    });
}
