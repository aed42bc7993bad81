import { AdvbenchError } from '@advbench/core/plugin-api';
import type {
  AttackCost,
  AttackInput,
  AttackInstance,
  AttackMemberOutcome,
  AttackReport,
  PluginContext,
  Tensor1D,
  Tensor4D,
  TensorFlow,
} from '@advbench/core/plugin-api';
import { membersOf, type AutoAttackOptions, type MemberSpec } from './autoattack-options.js';

/** A created member. */
interface Member {
  spec: MemberSpec;
  instance: AttackInstance;
}

const ZERO_COST: AttackCost = { forwardPasses: 0, backwardPasses: 0, queries: 0, judgeCalls: 0, seconds: 0 };

/**
 * An AutoAttack-style ensemble (Croce & Hein 2020, arXiv 2003.01690): runs its members in order and keeps, per
 * example, the first candidate the defense's real decision rule gets wrong (for a randomized defense: the one it
 * gets right least often). With `survivorsOnly`, each member runs only on the examples still classified correctly
 * (by `input.judge`, or without one by one `classifier.predict` draw, the same draw for every candidate), as AutoAttack does. The result per example is
 * the worst case over the clean image and every member's candidate. Each member's per-example outcome and cost go to
 * `input.report`, so the harness can show per-attack accuracies next to the ensemble's.
 */
export function createAutoAttack(context: PluginContext, options: AutoAttackOptions): AttackInstance {
  const { tf } = context;
  const created = new Map<string, Promise<Member[]>>();
  const members = (version: 'standard' | 'rand'): Promise<Member[]> => {
    let promise = created.get(version);
    if (!promise) {
      promise = Promise.all(membersOf(options, version).map(async (spec) => ({ spec, instance: await context.attacks.create(spec.use, spec.options) })));
      created.set(version, promise);
    }
    return promise;
  };
  return {
    describe: () => ({
      version: options.version,
      survivorsOnly: options.survivorsOnly,
      members: options.version === 'auto' ? { standard: membersOf(options, 'standard'), rand: membersOf(options, 'rand') } : membersOf(options, options.version),
      fabT: 'not included',
    }),
    async run(input: AttackInput): Promise<Tensor4D> {
      const started = Date.now();
      const randomized = input.surface.randomized || input.classifier?.randomized === true;
      const version = options.version === 'auto' ? (randomized ? 'rand' : 'standard') : options.version;
      const report = await runEnsemble(tf, await members(version), input, options.survivorsOnly);
      report.cost.seconds = (Date.now() - started) / 1000;
      input.report?.(report.report);
      return report.best;
    },
    dispose() {
      for (const promise of created.values()) void promise.then((list) => list.forEach((member) => member.instance.dispose?.()));
    },
  };
}

async function runEnsemble(tf: TensorFlow, members: Member[], input: AttackInput, survivorsOnly: boolean): Promise<{ best: Tensor4D; cost: AttackCost; report: AttackReport }> {
  const { x, y, epsilon } = input;
  const batch = x.shape[0];
  const cost: AttackCost = { ...ZERO_COST };
  const judge = async (candidates: Tensor4D): Promise<Float32Array> => {
    cost.judgeCalls += 1;
    if (input.judge) return input.judge(candidates);
    if (!input.classifier) {
      throw new AdvbenchError('ADVBENCH_ERR_ATTACK_INPUT', 'autoattack: the harness gave neither a judge nor a classifier, so the ensemble cannot tell which examples survive');
    }
    // The same stream at every call: every candidate is judged with the same draws (paired).
    const draws = input.rng.fork('ensemble judge');
    const correct = tf.tidy(() => tf.cast(tf.equal(tf.argMax(input.classifier!.predict(candidates, draws), 1), tf.cast(y, 'int32')), 'float32'));
    try {
      // An asynchronous read: a GPU backend (webgpu in Node) cannot read tensors synchronously.
      return (await correct.data()) as Float32Array;
    } finally {
      correct.dispose();
    }
  };
  let best = x.clone();
  const outcomes: AttackMemberOutcome[] = [];
  try {
    const fraction = Float32Array.from(await judge(best));
    for (const [index, member] of members.entries()) {
      const active = [...fraction.keys()].filter((position) => !survivorsOnly || fraction[position] > 0);
      const own = new Float32Array(batch).fill(Number.NaN);
      let memberCost: AttackCost = { ...ZERO_COST };
      if (active.length > 0) {
        const started = Date.now();
        const positions = tf.tensor1d(active, 'int32');
        const xs = tf.gather(x, positions) as Tensor4D;
        const ys = tf.gather(y, positions) as Tensor1D;
        const current = best;
        try {
          const candidate = await member.instance.run({
            surface: input.surface,
            x: xs,
            y: ys,
            epsilon,
            rng: input.rng.fork(`member ${index} ${member.spec.name}`),
            signal: input.signal,
            onStep: input.onStep,
            classifier: input.classifier,
            judge: async (rows) => {
              const full = scatterRows(tf, current, project(tf, rows, xs, epsilon), active);
              try {
                const judged = await judge(full);
                return Float32Array.from(active, (position) => judged[position]);
              } finally {
                full.dispose();
              }
            },
            report: (memberReport) => (memberCost = { ...memberReport.cost }),
          });
          const full = scatterRows(tf, best, project(tf, candidate, xs, epsilon), active);
          candidate.dispose();
          const judged = await judge(full);
          const improve: number[] = [];
          for (const position of active) {
            own[position] = judged[position];
            if (judged[position] < fraction[position]) {
              fraction[position] = judged[position];
              improve.push(position);
            }
          }
          const next = chooseRows(tf, best, full, improve);
          full.dispose();
          best.dispose();
          best = next;
        } finally {
          tf.dispose([positions, xs, ys]);
        }
        memberCost.seconds = (Date.now() - started) / 1000;
      }
      // A member's own judge calls went through `judge` above and are counted there already.
      for (const key of ['forwardPasses', 'backwardPasses', 'queries'] as const) cost[key] += memberCost[key];
      outcomes.push({ name: member.spec.name, correct: own, cost: memberCost });
    }
    return { best, cost, report: { cost, members: outcomes } };
  } catch (error) {
    best.dispose();
    throw error;
  }
}

/** Projects candidate rows onto the eps-ball around their clean rows and [0, 1] (what the harness judges). */
function project(tf: TensorFlow, rows: Tensor4D, clean: Tensor4D, epsilon: number): Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.minimum(tf.maximum(rows, tf.sub(clean, epsilon)), tf.add(clean, epsilon)), 0, 1) as Tensor4D);
}

/** `base` with the rows at `positions` replaced by `rows` (in `positions` order); disposes `rows`. */
function scatterRows(tf: TensorFlow, base: Tensor4D, rows: Tensor4D, positions: number[]): Tensor4D {
  const result = tf.tidy(() => {
    const map = Array.from({ length: base.shape[0] }, (_, index) => index);
    positions.forEach((position, offset) => (map[position] = base.shape[0] + offset));
    return tf.gather(tf.concat([base, rows], 0), tf.tensor1d(map, 'int32')) as Tensor4D;
  });
  rows.dispose();
  return result;
}

/** Per row: `candidate` at `positions`, else `base` (a new tensor). */
function chooseRows(tf: TensorFlow, base: Tensor4D, candidate: Tensor4D, positions: number[]): Tensor4D {
  return tf.tidy(() => {
    const mask = new Int32Array(base.shape[0]);
    positions.forEach((position) => (mask[position] = 1));
    return tf.where(tf.reshape(tf.cast(tf.tensor1d(mask, 'int32'), 'bool'), [-1, 1, 1, 1]), candidate, base) as Tensor4D;
  });
}
