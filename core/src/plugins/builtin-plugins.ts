/** Short ids of the plugins that ship with advbench, and the packages that hold them. */
export const BUILTIN_PLUGINS: Readonly<Record<string, string>> = Object.freeze({
  none: '@advbench/defense-none',
  'adv-training': '@advbench/defense-adv-training',
  iaat: '@advbench/defense-iaat',
  inn: '@advbench/defense-inn',
  pgd: '@advbench/attack-pgd',
  apgd: '@advbench/attack-apgd',
  square: '@advbench/attack-square',
  transfer: '@advbench/attack-transfer',
  autoattack: '@advbench/attack-autoattack',
});
