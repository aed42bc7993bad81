import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@advbench\/core\/plugin-api$/, replacement: here('./core/src/plugin-api/index.ts') },
      { find: /^@advbench\/core\/testkit$/, replacement: here('./core/src/testkit/index.ts') },
      { find: /^@advbench\/core\/accuracy$/, replacement: here('./core/src/training/accuracy.ts') },
      { find: /^@advbench\/core$/, replacement: here('./core/src/index.ts') },
      { find: /^@advbench\/reports$/, replacement: here('./reports/src/index.ts') },
      { find: /^@advbench\/(defense-none|defense-adv-training|defense-iaat|defense-inn|attack-pgd|attack-apgd|attack-square|attack-transfer|attack-autoattack)$/, replacement: here('./plugins/$1/src/index.ts') },
    ],
  },
  test: {
    include: ['core/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'reports/src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: [here('./test/setup/vitest-setup.ts')],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
