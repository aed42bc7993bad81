/*
 * advbench's pointwise WebAssembly SIMD kernels for the tfjs wasm backend: the inference batch-norm input
 * gradient, ReLU, constant padding of NHWC images and its gradient (a crop), same-shape addition (the element-wise
 * and copying work of a PGD step outside convolutions).
 *
 * Like advbench-kernels.c, the module imports tfjs-backend-wasm's own memory and works on tensors where they lie
 * on its heap (all pointers are byte offsets into that heap). It must not own any memory: no data section and no
 * shadow stack; every buffer it needs is passed in by the caller. scripts/build-wasm-simd.mjs checks both.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

/* y[i] = value for i < count. */
static void fill(float *y, unsigned count, float value) {
  v128_t splat = wasm_f32x4_splat(value);
  unsigned index = 0;
  for (; index + 4 <= count; index += 4) {
    wasm_v128_store(y + index, splat);
  }
  for (; index < count; index += 1) {
    y[index] = value;
  }
}

/* y[i] = x[i] for i < count (the ranges do not overlap). */
static void copy(float *y, const float *x, unsigned count) {
  unsigned index = 0;
  for (; index + 16 <= count; index += 16) {
    v128_t a = wasm_v128_load(x + index);
    v128_t b = wasm_v128_load(x + index + 4);
    v128_t c = wasm_v128_load(x + index + 8);
    v128_t d = wasm_v128_load(x + index + 12);
    wasm_v128_store(y + index, a);
    wasm_v128_store(y + index + 4, b);
    wasm_v128_store(y + index + 8, c);
    wasm_v128_store(y + index + 12, d);
  }
  for (; index + 4 <= count; index += 4) {
    wasm_v128_store(y + index, wasm_v128_load(x + index));
  }
  for (; index < count; index += 1) {
    y[index] = x[index];
  }
}

/*
 * The input gradient of inference batch normalisation with per-channel statistics (`rows` rows of `channels`
 * values, channels last): dx = dy * (1 / sqrt(variance[c] + epsilon)) * scale[c] (scale is 1 when has_scale is
 * 0), the product taken in that order, as tfjs' composite gradient does.
 * scratch: 4 * channels floats (the multiplier expanded to a period of four rows, a multiple of the SIMD width).
 */
void EXPORT(advbench_batch_norm_input_grad)(const float *dy, unsigned rows, unsigned channels, const float *variance,
                                            const float *scale, int has_scale, float epsilon, float *dx, float *scratch) {
  unsigned period = 4 * channels;
  for (unsigned channel = 0; channel < channels; channel += 1) {
    float inverse = 1.0f / __builtin_sqrtf(variance[channel] + epsilon);
    float multiplier = has_scale ? inverse * scale[channel] : inverse;
    scratch[channel] = multiplier;
    scratch[channel + channels] = multiplier;
    scratch[channel + 2 * channels] = multiplier;
    scratch[channel + 3 * channels] = multiplier;
  }
  unsigned count = rows * channels;
  unsigned start = 0;
  for (; start + period <= count; start += period) {
    const float *input = dy + start;
    float *output = dx + start;
    for (unsigned index = 0; index < period; index += 4) {
      wasm_v128_store(output + index, wasm_f32x4_mul(wasm_v128_load(input + index), wasm_v128_load(scratch + index)));
    }
  }
  for (unsigned index = 0; start + index < count; index += 1) {
    dx[start + index] = dy[start + index] * scratch[index];
  }
}

/* y = max(x, 0) (ReLU, as tfjs' cpu kernel: NaN stays NaN, -0 becomes +0). */
void EXPORT(advbench_relu)(const float *x, unsigned count, float *y) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  unsigned index = 0;
  for (; index + 4 <= count; index += 4) {
    wasm_v128_store(y + index, wasm_f32x4_max(wasm_v128_load(x + index), zero));
  }
  for (; index < count; index += 1) {
    float value = x[index];
    y[index] = value != value ? value : (value > 0.0f ? value : 0.0f);
  }
}

/*
 * Constant padding of `batch` NHWC images [height, width, channels] by `top`/`bottom` rows and `left`/`right`
 * columns: y has (height + top + bottom) rows of (width + left + right) * channels values, `value` outside x.
 */
void EXPORT(advbench_pad_images)(const float *x, unsigned batch, unsigned height, unsigned width, unsigned channels,
                                 unsigned top, unsigned bottom, unsigned left, unsigned right, float value, float *y) {
  unsigned row = width * channels;
  unsigned paddedRow = (width + left + right) * channels;
  unsigned before = left * channels;
  unsigned after = right * channels;
  for (unsigned image = 0; image < batch; image += 1) {
    fill(y, top * paddedRow, value);
    y += top * paddedRow;
    for (unsigned line = 0; line < height; line += 1) {
      fill(y, before, value);
      copy(y + before, x, row);
      fill(y + before + row, after, value);
      y += paddedRow;
      x += row;
    }
    fill(y, bottom * paddedRow, value);
    y += bottom * paddedRow;
  }
}

/*
 * Crops `batch` NHWC images [height, width, channels] to the window of `cropHeight` rows and `cropWidth` columns
 * starting at row `top`, column `left` (the gradient of a spatial padding): y is [batch, cropHeight, cropWidth,
 * channels].
 */
void EXPORT(advbench_crop_images)(const float *x, unsigned batch, unsigned height, unsigned width, unsigned channels,
                                  unsigned top, unsigned left, unsigned cropHeight, unsigned cropWidth, float *y) {
  unsigned row = width * channels;
  unsigned croppedRow = cropWidth * channels;
  for (unsigned image = 0; image < batch; image += 1) {
    const float *source = x + image * height * row + top * row + left * channels;
    for (unsigned line = 0; line < cropHeight; line += 1) {
      copy(y, source, croppedRow);
      y += croppedRow;
      source += row;
    }
  }
}

/* y = a + b element-wise over `count` values (the residual sums and gradient accumulations of a ResNet). */
void EXPORT(advbench_add)(const float *a, const float *b, unsigned count, float *y) {
  unsigned index = 0;
  for (; index + 4 <= count; index += 4) {
    wasm_v128_store(y + index, wasm_f32x4_add(wasm_v128_load(a + index), wasm_v128_load(b + index)));
  }
  for (; index < count; index += 1) {
    y[index] = a[index] + b[index];
  }
}
