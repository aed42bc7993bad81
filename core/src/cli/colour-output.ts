/**
 * True when output to `stream` may carry ANSI colours: it is a terminal and `NO_COLOR` is not set (any non-empty
 * value, https://no-color.org). Piped or redirected output, logs and CI files get plain text.
 */
export function colourAllowed(stream: { isTTY?: boolean } = process.stdout, environment: NodeJS.ProcessEnv = process.env): boolean {
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** cli-table3's `style` for `stream`: its default colours on a colour terminal, none otherwise. */
export function tableStyle(stream: { isTTY?: boolean } = process.stdout): { head: string[]; border: string[] } | undefined {
  return colourAllowed(stream) ? undefined : { head: [], border: [] };
}
