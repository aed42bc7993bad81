import { OptionsReader, inputError } from '@advbench/core/plugin-api';

/** One member attack of the ensemble. */
export interface MemberSpec {
  /** Label in reports, for example `apgd-ce`. */
  name: string;
  /** Plugin reference (`apgd`, `square`, a package or a path). */
  use: string;
  /** The member's raw options. */
  options: Record<string, unknown>;
}

/** Resolved options of the AutoAttack-style ensemble. */
export interface AutoAttackOptions {
  /**
   * `auto` (default): `rand` when the surface or the classifier is randomized, else `standard`. `standard`:
   * APGD-CE, APGD-T, Square (FAB-T is not included). `rand`: APGD-CE and APGD-DLR with `eotSamples` EOT draws.
   */
  version: 'auto' | 'standard' | 'rand';
  /** APGD iterations of every APGD member (default 100). */
  iterations: number;
  /** APGD-T's target classes (default 9). */
  targets: number;
  /** Square's query budget (default 5000). */
  queries: number;
  /** EOT draws of the `rand` version (default 20). */
  eotSamples: number;
  /** Later members run only on the examples earlier ones left correct (default true, as AutoAttack). */
  survivorsOnly: boolean;
  /** Explicit members (replace the version's list when given). */
  members?: MemberSpec[];
}

/** Named option sets. */
export const AUTOATTACK_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** AutoAttack's standard budgets. */
  standard: { version: 'standard', iterations: 100, targets: 9, queries: 5000 },
  /** AutoAttack's rand version. */
  rand: { version: 'rand', iterations: 100, eotSamples: 20 },
  /** Tests and the smoke preset: tiny budgets. */
  smoke: { iterations: 5, targets: 2, queries: 20, eotSamples: 2 },
});

/** Validates raw options (after preset expansion) and fills defaults; errors name the key. */
export function parseAutoAttackOptions(raw: unknown, where = 'autoattack options'): AutoAttackOptions {
  const read = new OptionsReader(raw, where);
  const options: AutoAttackOptions = {
    version: read.oneOf('version', ['auto', 'standard', 'rand'] as const, 'auto'),
    iterations: read.number('iterations', { default: 100, min: 1, integer: true }),
    targets: read.number('targets', { default: 9, min: 1, integer: true }),
    queries: read.number('queries', { default: 5000, min: 1, integer: true }),
    eotSamples: read.number('eotSamples', { default: 20, min: 1, integer: true }),
    survivorsOnly: read.boolean('survivorsOnly', true),
  };
  const members = read.raw('members');
  read.done();
  if (members !== undefined) options.members = parseMembers(members, `${where}.members`);
  return options;
}

function parseMembers(raw: unknown, where: string): MemberSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) throw inputError('ADVBENCH_ERR_OPTIONS_TYPE', `${where} must be a non-empty array of { "name", "use", "options" }`, { details: { path: where } });
  const names = new Set<string>();
  return raw.map((entry, index) => {
    const read = new OptionsReader(entry, `${where}[${index}]`);
    const use = read.string('use');
    const name = read.string('name', use);
    const options = read.raw('options') ?? {};
    read.done();
    if (use === 'autoattack') throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${where}[${index}].use cannot be autoattack itself`, { details: { path: `${where}[${index}].use` } });
    if (names.has(name)) throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${where}[${index}].name ${JSON.stringify(name)} is used twice`, { details: { path: `${where}[${index}].name` } });
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw inputError('ADVBENCH_ERR_OPTIONS_TYPE', `${where}[${index}].options must be an object`, { details: { path: `${where}[${index}].options` } });
    names.add(name);
    return { name, use, options: options as Record<string, unknown> };
  });
}

/** The members a version runs, with the options' budgets. */
export function membersOf(options: AutoAttackOptions, version: 'standard' | 'rand'): MemberSpec[] {
  if (options.members) return options.members;
  const { iterations, targets, queries, eotSamples } = options;
  if (version === 'rand') {
    return [
      { name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations, eotSamples } },
      { name: 'apgd-dlr', use: 'apgd', options: { loss: 'dlr', iterations, eotSamples } },
    ];
  }
  return [
    { name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations } },
    { name: 'apgd-t', use: 'apgd', options: { loss: 'dlr-targeted', iterations, targets } },
    { name: 'square', use: 'square', options: { queries } },
  ];
}
