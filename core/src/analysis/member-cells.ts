import type { CellResult } from '../store/result-types.js';

/** A member as a composite attack's settings describe it (AutoAttack: `members: { standard: [...], rand: [...] }`). */
interface MemberSetting {
  name: string;
  use: string;
  options: Record<string, unknown>;
}

/**
 * The members of a finished composite attack's cell (AutoAttack) as cells of their own, for the checks that compare
 * attack families. Member k's per-example outcome is the ensemble's running outcome after members 1..k: AutoAttack
 * runs each member on the survivors of those before it, so a later member can only lower it, and an example that no
 * member so far ran on was already misclassified (0). Comparing the running accuracy after a black-box member
 * (Square) with the one after the white-box members before it is AutoAttack's own sign of gradient masking; the
 * same holds for a margin-loss member after a cross-entropy one. Each member cell takes its plugin id and settings
 * from the composite's `members` settings when they name it (so the checks classify it like a cell of that attack),
 * else its name; id `<cell id>#<member>`, attack `<attack>/<member>`. Only for 0/1 outcomes (a deterministic
 * defense): a randomized defense's members are judged with other draws than its cells, so they give none.
 */
export function memberCells(cell: CellResult): CellResult[] {
  const members = cell.members ?? [];
  if (members.length === 0 || cell.status !== 'done') return [];
  // A randomized defense's member outcomes are fractions judged with the attack's own judge draws, not the cell's
  // paired ones: a running minimum over them would sink by draw noise alone, so they give no member cells.
  if (members.some((member) => member.outcomes.some((value) => value !== null && value !== 0 && value !== 1))) return [];
  const settings = memberSettings(cell.attackSettings);
  const size = members[0].outcomes.length;
  const running = new Array<number | null>(size).fill(null);
  return members.map((member) => {
    member.outcomes.forEach((value, index) => {
      if (value === null) return;
      const before = running[index];
      running[index] = before === null ? value : Math.min(before, value);
    });
    const setting = settings.find((candidate) => candidate.name === member.name);
    return {
      ...cell,
      id: `${cell.id}#${member.name}`,
      attack: `${cell.attack}/${member.name}`,
      attackPlugin: setting?.use ?? member.name,
      attackSettings: setting?.options ?? {},
      result: member.resultAfter,
      outcomes: running.map((value) => value ?? 0),
      members: undefined,
    };
  });
}

/** Every member setting a composite's settings list, across its versions. */
function memberSettings(settings: Record<string, unknown>): MemberSetting[] {
  const listed = settings.members;
  const lists = Array.isArray(listed) ? [listed] : typeof listed === 'object' && listed !== null ? Object.values(listed) : [];
  const found: MemberSetting[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const { name, use, options } = item as Record<string, unknown>;
      if (typeof name !== 'string' || typeof use !== 'string') continue;
      if (found.some((candidate) => candidate.name === name)) continue;
      found.push({ name, use, options: typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {} });
    }
  }
  return found;
}
