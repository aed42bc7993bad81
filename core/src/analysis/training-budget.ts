import type { TrainingCost } from '../plugin-api/index.js';

/** Training work in one place: seconds, examples, passes and, where known, epochs. */
export interface TrainingWork {
  /** Wall-clock training seconds (the original training's when loaded from the cache). */
  seconds: number;
  /** Training examples seen. */
  examples: number;
  /** Example forward passes. */
  forwardPasses: number;
  /** Example backward passes. */
  backwardPasses: number;
  /** Epochs, when the defense's (or the base recipe's) options say. */
  epochs?: number;
}

/** What a defense cost to train: its own training, what it inherited from the run's base model, and the sum. */
export interface TrainingBudget {
  /** The defense's own training (for the undefended model: the base model's training itself). */
  own: TrainingWork;
  /** The base model it fine-tuned from (absent when it trained from scratch or is the base model itself). */
  inherited?: TrainingWork & {
    /** Content key of the base model. */
    key: string;
  };
  /** own + inherited (epochs summed only when both are known). */
  total: TrainingWork;
}

/** The run's base model as a defense's budget sees it. */
export interface InheritedBase {
  /** Content key of the base model. */
  key: string;
  /** What training the base model cost. */
  cost: TrainingCost;
  /** Epochs of the base recipe, when known. */
  epochs?: number;
}

/** `cost` as {@link TrainingWork}, with `epochs` when known. */
function workOf(cost: TrainingCost, epochs?: number): TrainingWork {
  return { seconds: cost.seconds, examples: cost.examples, forwardPasses: cost.forwardPasses, backwardPasses: cost.backwardPasses, ...(epochs === undefined ? {} : { epochs }) };
}

/** True when the two costs are the same training (the defense serves the base model as is). */
function sameTraining(left: TrainingCost, right: TrainingCost): boolean {
  return left.seconds === right.seconds && left.examples === right.examples && left.forwardPasses === right.forwardPasses && left.backwardPasses === right.backwardPasses;
}

/**
 * A defense's training budget. `base` is the run's base model when the defense asked for it (`context.base()`);
 * a defense whose own cost is the base model's cost (the undefended model, which serves the base as is) inherits
 * nothing, so no training is counted twice. Epochs add up only when both sides know theirs.
 *
 * @param own - the cost the defense reports (`instance.cost()`)
 * @param ownEpochs - the defense's `epochs` option, when it has one
 * @param base - the base model it asked for, when it did
 */
export function trainingBudget(own: TrainingCost, ownEpochs: number | undefined, base: InheritedBase | undefined): TrainingBudget {
  const ownWork = workOf(own, ownEpochs);
  if (base === undefined || sameTraining(own, base.cost)) return { own: ownWork, total: { ...ownWork } };
  const inherited = workOf(base.cost, base.epochs);
  const epochs = ownWork.epochs !== undefined && inherited.epochs !== undefined ? ownWork.epochs + inherited.epochs : undefined;
  return {
    own: ownWork,
    inherited: { ...inherited, key: base.key },
    total: {
      seconds: own.seconds + base.cost.seconds,
      examples: own.examples + base.cost.examples,
      forwardPasses: own.forwardPasses + base.cost.forwardPasses,
      backwardPasses: own.backwardPasses + base.cost.backwardPasses,
      ...(epochs === undefined ? {} : { epochs }),
    },
  };
}
