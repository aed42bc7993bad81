import { Slice, slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Slice for the wasm backend that copies whole contiguous runs (`TypedArray.set` of a subarray) instead of the
 * stock kernel's element-by-element JavaScript loop for non-contiguous 4-D slices. The run is the longest
 * trailing block of full dimensions; the outer dimensions are walked with an odometer. Numeric dtypes only;
 * strings go to `fallback`. (Slices are the gradients of padding: zero-padding layers, 'same' convolutions.)
 */
export function createSliceKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as WasmBackendInternals;
    const x = (inputs as { x: TensorInfo }).x;
    const { begin, size } = attrs as unknown as SliceAttrs;
    if (x.dtype === 'string') {
      if (fallback === undefined) {
        throw new Error('wasm Slice: string tensors are not supported');
      }
      return fallback(args);
    }
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    const out = backend.makeOutput(extent, x.dtype);
    if (util.sizeFromShape(extent) === 0) {
      return out;
    }
    // Views of the heap, taken after the output's allocation (which may grow the heap). No copy of the input:
    // readSync would copy all of x off the heap first.
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const shape = x.shape;
    const rank = shape.length;
    const strides = util.computeStrides(shape);
    // Longest trailing block copied as one run: every dim after `split` is taken whole.
    let split = rank - 1;
    while (split > 0 && start[split] === 0 && extent[split] === shape[split]) {
      split -= 1;
    }
    const innerStride = split + 1 < rank ? strides[split] : 1;
    const run = extent[split] * innerStride;
    const outer = extent.slice(0, split);
    const outerCount = util.sizeFromShape(outer);
    const index = new Array<number>(split).fill(0);
    let written = 0;
    for (let count = 0; count < outerCount; count += 1) {
      let offset = start[split] * innerStride;
      for (let axis = 0; axis < split; axis += 1) {
        offset += (start[axis] + index[axis]) * strides[axis];
      }
      target.set(source.subarray(offset, offset + run), written);
      written += run;
      for (let axis = split - 1; axis >= 0; axis -= 1) {
        index[axis] += 1;
        if (index[axis] < outer[axis]) {
          break;
        }
        index[axis] = 0;
      }
    }
    return out;
  };
  return { kernelName: Slice, backendName: 'wasm', kernelFunc };
}
