import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isZombie, processAlive } from './process-alive.js';

describe('processAlive', () => {
  it('is true for a running process and false for an unused pid', () => {
    expect(processAlive(process.pid)).toBe(true);
    // 2^22 + 1 is above Linux's pid_max ceiling, so no process has it.
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is false for a zombie (exited, not reaped by its parent)', async () => {
    // sh starts a short sleep in the background, prints its pid and becomes `sleep 30`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number((await new Promise<Buffer>((resolve) => parent.stdout!.once('data', resolve))).toString().trim());
      const deadline = Date.now() + 10_000;
      while (!isZombie(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(isZombie(pid)).toBe(true);
      // kill(pid, 0) still succeeds on a zombie: the check must not stop there.
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(processAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
