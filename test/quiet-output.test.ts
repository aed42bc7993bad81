import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('quiet, honest output (the built CLI)', () => {
  it('prints no tfjs "install tfjs-node" banner where advbench chose its backend, and no ANSI colours when piped or with NO_COLOR', async () => {
    const described = await runCli(['models', 'describe', 'bench-resnet']);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout + described.stderr).not.toContain('looks like you are running TensorFlow.js in Node.js');
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const listed = await runCli(['plugins', 'list'], { env });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('pgd');
      expect(listed.stdout).not.toContain('\x1b[');
    }
  }, 60_000);
});
