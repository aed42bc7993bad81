/**
 * One phase of a strided convolution's input gradient along one spatial axis: the input positions
 * `stride * a + phase` (a = 0 ... phaseSize - 1) receive contributions only from the filter taps
 * `firstTap, firstTap + stride, ...` (`taps` of them), and those contributions form a stride-1 correlation of the
 * output gradient with the reversed taps, padded by `padBefore`/`padAfter` (negative: crop that many rows of dy).
 */
export interface AxisPhase {
  /** The residue of the input positions of this phase (0 ... stride - 1). */
  phase: number;
  /** The first filter tap (in the original, unrotated filter) this phase uses. */
  firstTap: number;
  /** How many taps (every `stride`-th from `firstTap`); 0: the phase's gradient is zero. */
  taps: number;
  /** Padding of dy before, for the stride-1 correlation (negative: rows of dy to crop). */
  padBefore: number;
  /** Padding of dy after (negative: rows of dy to crop). */
  padAfter: number;
}

/** The sub-pixel decomposition of one spatial axis: {@link AxisPhase}s and the common length of their outputs. */
export interface AxisDecomposition {
  /** Output length of every phase: ceil(inputSize / stride); the interleaved result is cropped to `inputSize`. */
  phaseSize: number;
  /** One entry per residue 0 ... stride - 1. */
  phases: AxisPhase[];
}

/**
 * Splits one spatial axis of a strided convolution (`outputSize = dy` length, `padTop` = padding before the input)
 * into its `stride` sub-pixel phases. With input position i = stride * a + r, the taps k that reach it satisfy
 * k = (r + padTop) mod stride + stride * j, and read dy at a + floor((r + padTop) / stride) - j.
 */
export function decomposeAxis(stride: number, filterSize: number, padTop: number, inputSize: number, outputSize: number): AxisDecomposition {
  const phaseSize = Math.ceil(inputSize / stride);
  const phases: AxisPhase[] = [];
  for (let phase = 0; phase < stride; phase += 1) {
    const firstTap = (phase + padTop) % stride;
    const taps = firstTap < filterSize ? Math.ceil((filterSize - firstTap) / stride) : 0;
    const offset = Math.floor((phase + padTop) / stride);
    phases.push({ phase, firstTap, taps, padBefore: taps - 1 - offset, padAfter: phaseSize + offset - outputSize });
  }
  return { phaseSize, phases };
}
