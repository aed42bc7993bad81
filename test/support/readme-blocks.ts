import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The code blocks of README.md marked `<!-- plugin-example: FILE -->`, by file name: the plugin a newcomer
 * writes from the README, taken verbatim so the test fails when the README's example stops working.
 */
export function readmePluginExample(): Record<string, string> {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const files: Record<string, string> = {};
  const pattern = /<!-- plugin-example: (\S+) -->\s*```\w*\n([\s\S]*?)```/g;
  for (const match of readme.matchAll(pattern)) files[match[1]] = match[2];
  return files;
}
