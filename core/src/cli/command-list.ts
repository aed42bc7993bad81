import type { Command } from 'commander';

/**
 * Every subcommand of `advbench`, in help order. Each module exports a factory returning a commander `Command`
 * whose definition is cheap: heavy modules (tfjs, training, sqlite) are imported inside the action, so
 * `advbench plugins list` and `--help` stay fast.
 */
export const commandFactories: Array<() => Promise<Command>> = [
  async () => (await import('./commands/run-command.js')).runCommand(),
  async () => (await import('./commands/worker-command.js')).workerCommand(),
  async () => (await import('./commands/plugins-command.js')).pluginsCommand(),
  async () => (await import('./commands/data-command.js')).dataCommand(),
  async () => (await import('./commands/report-command.js')).reportCommand(),
  async () => (await import('./commands/serve-command.js')).serveCommand(),
  async () => (await import('./commands/models-command.js')).modelsCommand(),
  async () => (await import('./commands/bench-command.js')).benchCommand(),
  async () => (await import('./commands/presets-command.js')).presetsCommand(),
  async () => (await import('./commands/create-command.js')).createCommand(),
  async () => (await import('./commands/check-plugin-command.js')).checkPluginCommand(),
];
