import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../store/result-types.js';
import { estimateOutcomes } from '../outcome-statistics.js';
import { checkInput, doneCell, outcomes } from '../testing/hand-built-cells.js';
import { blackBoxBeatsWhiteBoxCheck } from './black-box-beats-white-box.js';
import { marginBeatsCeCheck } from './margin-beats-ce.js';
import { singleStepBeatsIterativeCheck } from './single-step-beats-iterative.js';
import { transferBeatsWhiteBoxCheck } from './transfer-beats-white-box.js';

const eps = 8 / 255;
const pgd = (correct: number, surface = 'full', epsilon = eps) => doneCell({ attack: 'pgd', surface, epsilon, outcomes: outcomes(correct, 100), settings: { steps: 20, loss: 'cross-entropy', restarts: 1 } });

describe('black-box-beats-white-box', () => {
  it('flags Square clearly below the best white-box attack', () => {
    const result = blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([pgd(60), pgd(55, 'inn1'), doneCell({ attack: 'square', epsilon: eps, outcomes: outcomes(10, 100) })]));
    expect(result.verdict).toBe('flag');
    expect(result.detail).toContain('pgd on inn1');
  });
  it('passes when Square is within the interval of the best white-box attack, even if far below a weaker one', () => {
    const result = blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([pgd(60), pgd(12, 'inn1'), doneCell({ attack: 'square', epsilon: eps, outcomes: outcomes(10, 100) })]));
    expect(result.verdict).toBe('pass');
  });
  it('is not-run without a black-box cell', () => {
    expect(blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([pgd(60)])).verdict).toBe('not-run');
  });
  it('compares at every epsilon, not only the headline', () => {
    const cells = [pgd(50), pgd(40, 'full', 32 / 255), doneCell({ attack: 'square', epsilon: eps, outcomes: outcomes(45, 100) }), doneCell({ attack: 'square', epsilon: 32 / 255, outcomes: outcomes(5, 100) })];
    expect(blackBoxBeatsWhiteBoxCheck.evaluate(checkInput(cells)).detail).toContain('32/255');
  });
});

describe('transfer-beats-white-box', () => {
  it('flags transfer clearly below white-box, passes otherwise', () => {
    const transfer = (correct: number) => doneCell({ attack: 'transfer', epsilon: eps, outcomes: outcomes(correct, 100) });
    expect(transferBeatsWhiteBoxCheck.evaluate(checkInput([pgd(70), transfer(20)])).verdict).toBe('flag');
    expect(transferBeatsWhiteBoxCheck.evaluate(checkInput([pgd(20), transfer(70)])).verdict).toBe('pass');
  });
});

describe('single-step-beats-iterative', () => {
  it('flags FGSM (pgd with steps 1) clearly below PGD-20', () => {
    const fgsm = doneCell({ attack: 'fgsm', plugin: 'pgd', epsilon: eps, outcomes: outcomes(15, 100), settings: { steps: 1, restarts: 1 } });
    expect(singleStepBeatsIterativeCheck.evaluate(checkInput([pgd(60), fgsm])).verdict).toBe('flag');
    expect(singleStepBeatsIterativeCheck.evaluate(checkInput([pgd(10), fgsm])).verdict).toBe('pass');
    expect(singleStepBeatsIterativeCheck.evaluate(checkInput([pgd(10)])).verdict).toBe('not-run');
  });
});

describe('margin-beats-ce', () => {
  it('flags APGD-DLR clearly below every cross-entropy attack', () => {
    const dlr = (correct: number) => doneCell({ attack: 'apgd-dlr', plugin: 'apgd', epsilon: eps, outcomes: outcomes(correct, 100), settings: { loss: 'dlr', iterations: 100 } });
    const ce = doneCell({ attack: 'apgd-ce', plugin: 'apgd', epsilon: eps, outcomes: outcomes(80, 100), settings: { loss: 'ce', iterations: 100 } });
    expect(marginBeatsCeCheck.evaluate(checkInput([pgd(85), ce, dlr(5)])).verdict).toBe('flag');
    expect(marginBeatsCeCheck.evaluate(checkInput([pgd(85), ce, dlr(78)])).verdict).toBe('pass');
  });
});

describe('ensemble members count as cells of their own attack', () => {
  // AutoAttack standard on 100 examples: APGD-CE leaves 60 correct; Square, run on those survivors, breaks 50 more.
  const member = (name: string, ran: Array<number | null>) => ({ name, outcomes: ran, result: estimateOutcomes([0]), resultAfter: estimateOutcomes([0]), cost: { forwardPasses: 0, backwardPasses: 0, queries: 0, judgeCalls: 0, seconds: 0 } });
  const ensemble = (squareBreaks: number): CellResult => {
    const apgd = Array.from({ length: 100 }, (_, index) => (index < 60 ? 1 : 0));
    const square = apgd.map((value, index) => (value === 1 ? (index < squareBreaks ? 0 : 1) : null));
    return {
      ...doneCell({ attack: 'autoattack', plugin: 'autoattack', epsilon: eps, outcomes: square.map((value) => value ?? 0), settings: { members: { standard: [{ name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations: 10 } }, { name: 'square', use: 'square', options: { queries: 50 } }] } } }),
      members: [member('apgd-ce', apgd), member('square', square)],
    };
  };
  it("flags Square, inside AutoAttack, when it breaks many of the white-box members' survivors", () => {
    const result = blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([ensemble(50)]));
    expect(result.verdict).toBe('flag');
    expect(result.detail).toContain('autoattack/square');
  });
  it('passes when Square adds little, and is not-run without any black-box member', () => {
    expect(blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([ensemble(2)])).verdict).toBe('pass');
    const withoutSquare = { ...ensemble(2), members: ensemble(2).members!.slice(0, 1) };
    expect(blackBoxBeatsWhiteBoxCheck.evaluate(checkInput([withoutSquare])).verdict).toBe('not-run');
  });
});
