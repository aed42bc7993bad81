import type { Logger } from '../plugin-api/index.js';

/** A logger writing `advbench: message` lines to stderr (stdout stays free for `--json`); debug only when verbose. */
export function createConsoleLogger(options: { verbose?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    debug: (message) => {
      if (options.verbose) write(`advbench: ${message}`);
    },
    info: (message) => write(`advbench: ${message}`),
    warn: (message) => write(`advbench: warning: ${message}`),
  };
}
