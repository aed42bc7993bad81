import type { CellResult } from '../store/result-types.js';

/** How an attack gets its information about the defense. */
export type ThreatModel = 'clean' | 'white-box' | 'black-box' | 'transfer' | 'ensemble';

/** The loss a white-box attack follows. */
export type LossFamily = 'cross-entropy' | 'margin' | 'other';

/** What the checks need to know about the attack of a cell. */
export interface AttackKind {
  /** White-box (gradients of a surface), black-box (queries of the decision rule), transfer, an ensemble, or none. */
  threatModel: ThreatModel;
  /** White-box only: true for one gradient step from the clean image (FGSM). */
  singleStep: boolean;
  /** White-box only: the loss followed. */
  loss: LossFamily;
}

const BLACK_BOX_PLUGINS = new Set(['square']);
const TRANSFER_PLUGINS = new Set(['transfer']);
const ENSEMBLE_PLUGINS = new Set(['autoattack']);

/**
 * Classifies a cell's attack from its plugin id and recorded settings. An attack may state it in its settings
 * (`threatModel: 'white-box' | 'black-box' | 'transfer' | 'ensemble'`); otherwise the built-in ids decide (`square` is
 * black-box, `transfer` transfer, `autoattack` an ensemble) and every other attack counts as white-box. A white-box
 * attack is single-step when its settings say `steps` (or `iterations`) 1 with at most one restart; its loss family
 * comes from `loss` (`ce`/`cross-entropy` vs margin losses `dlr`, `dlr-targeted`, `cw`, `margin`).
 */
export function attackKindOf(cell: CellResult): AttackKind {
  if (cell.epsilon === 0 || (cell.attackPlugin === 'none' && cell.attack === 'clean')) return { threatModel: 'clean', singleStep: false, loss: 'other' };
  return attackPluginKind(cell.attackPlugin, cell.attackSettings ?? {});
}

/** {@link attackKindOf} from a plugin id and its settings (resolved options or `describe()`), before any cell ran. */
export function attackPluginKind(plugin: string, settings: Record<string, unknown>): AttackKind {
  const stated = typeof settings.threatModel === 'string' ? settings.threatModel : undefined;
  const threatModel: ThreatModel =
    stated === 'white-box' || stated === 'black-box' || stated === 'transfer' || stated === 'ensemble'
      ? stated
      : BLACK_BOX_PLUGINS.has(plugin)
        ? 'black-box'
        : TRANSFER_PLUGINS.has(plugin)
          ? 'transfer'
          : ENSEMBLE_PLUGINS.has(plugin)
            ? 'ensemble'
            : 'white-box';
  const steps = typeof settings.steps === 'number' ? settings.steps : typeof settings.iterations === 'number' ? settings.iterations : undefined;
  const restarts = typeof settings.restarts === 'number' ? settings.restarts : 1;
  return { threatModel, singleStep: threatModel === 'white-box' && steps === 1 && restarts <= 1, loss: lossFamilyOf(settings.loss, plugin) };
}

function lossFamilyOf(loss: unknown, plugin: string): LossFamily {
  const name = typeof loss === 'string' ? loss.toLowerCase() : plugin === 'pgd' ? 'cross-entropy' : '';
  if (name === 'ce' || name === 'cross-entropy' || name === 'crossentropy') return 'cross-entropy';
  if (/dlr|margin|cw|carlini/.test(name)) return 'margin';
  return 'other';
}
