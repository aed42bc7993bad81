import type { Logger } from '../plugin-api/index.js';

/** A logger that adds `fields` (for example `{ defense: 'inn' }`) to every record of `logger`. */
export function scopedLogger(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (message, extra) => logger.debug(message, { ...fields, ...extra }),
    info: (message, extra) => logger.info(message, { ...fields, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...fields, ...extra }),
  };
}

/** A logger that drops everything (the default of test contexts). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {} };
