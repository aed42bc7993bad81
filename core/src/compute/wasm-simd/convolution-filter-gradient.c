/*
 * The filter gradient of a 2-D convolution (tfjs' Conv2DBackpropFilter), NHWC, dilation 1, in WebAssembly SIMD,
 * on tfjs-backend-wasm's own heap (all pointers are byte offsets into that heap; the module owns no memory: no
 * data section, no shadow stack; scripts/build-wasm-simd.mjs checks both).
 *
 *   dw[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh * sh + kh - pad_top, ow * sw + kw - pad_left, ci] * dy[n, oh, ow, co]
 *
 * (taps outside the input are zero padding and add nothing). This is a matrix product with a tiny result
 * (kh * kw * Ci x Co) and a huge inner dimension (N * Ho * Wo), which XNNPACK only reaches through transposes of
 * x and dy and a repacking of dy as a giant filter on every call. Here no copy is made: for every output row
 * (n, oh) and every tap, the valid output columns form one contiguous run; its products are accumulated into
 * dw[kh, kw] in register tiles of 4 input channels x 8 output channels (8 f32x4 accumulators, loaded from and
 * stored back to dw once per run), so x and dy are read where they lie and everything a run touches stays in
 * the L1 cache. Remainders: input channels one at a time, output channels in groups of 4, then singly.
 * Accumulation is in float32, run by run, as the cpu backend's float32 sums.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

/* dw_tile[i * co_count + j] += sum over p < count of x[p * x_step + i] * dy[p * co_count + j], i < 4, j < 8. */
static inline void tile_4x8(const float *x, unsigned x_step, const float *dy, unsigned co_count, unsigned count, float *dw_tile) {
  float *row0 = dw_tile;
  float *row1 = dw_tile + co_count;
  float *row2 = dw_tile + 2 * co_count;
  float *row3 = dw_tile + 3 * co_count;
  v128_t a0 = wasm_v128_load(row0), b0 = wasm_v128_load(row0 + 4);
  v128_t a1 = wasm_v128_load(row1), b1 = wasm_v128_load(row1 + 4);
  v128_t a2 = wasm_v128_load(row2), b2 = wasm_v128_load(row2 + 4);
  v128_t a3 = wasm_v128_load(row3), b3 = wasm_v128_load(row3 + 4);
  for (unsigned p = 0; p < count; p += 1) {
    v128_t low = wasm_v128_load(dy);
    v128_t high = wasm_v128_load(dy + 4);
    v128_t x0 = wasm_v128_load32_splat(x);
    v128_t x1 = wasm_v128_load32_splat(x + 1);
    v128_t x2 = wasm_v128_load32_splat(x + 2);
    v128_t x3 = wasm_v128_load32_splat(x + 3);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, low));
    b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x0, high));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x1, low));
    b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, high));
    a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x2, low));
    b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(x2, high));
    a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x3, low));
    b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(x3, high));
    x += x_step;
    dy += co_count;
  }
  wasm_v128_store(row0, a0);
  wasm_v128_store(row0 + 4, b0);
  wasm_v128_store(row1, a1);
  wasm_v128_store(row1 + 4, b1);
  wasm_v128_store(row2, a2);
  wasm_v128_store(row2 + 4, b2);
  wasm_v128_store(row3, a3);
  wasm_v128_store(row3 + 4, b3);
}

/* As tile_4x8 for one input channel and 8 output channels. */
static inline void tile_1x8(const float *x, unsigned x_step, const float *dy, unsigned co_count, unsigned count, float *dw_tile) {
  v128_t a = wasm_v128_load(dw_tile), b = wasm_v128_load(dw_tile + 4);
  for (unsigned p = 0; p < count; p += 1) {
    v128_t value = wasm_v128_load32_splat(x);
    a = wasm_f32x4_add(a, wasm_f32x4_mul(value, wasm_v128_load(dy)));
    b = wasm_f32x4_add(b, wasm_f32x4_mul(value, wasm_v128_load(dy + 4)));
    x += x_step;
    dy += co_count;
  }
  wasm_v128_store(dw_tile, a);
  wasm_v128_store(dw_tile + 4, b);
}

/* As tile_4x8 for one input channel and 4 output channels. */
static inline void tile_1x4(const float *x, unsigned x_step, const float *dy, unsigned co_count, unsigned count, float *dw_tile) {
  v128_t a = wasm_v128_load(dw_tile);
  for (unsigned p = 0; p < count; p += 1) {
    a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(x), wasm_v128_load(dy)));
    x += x_step;
    dy += co_count;
  }
  wasm_v128_store(dw_tile, a);
}

/* As tile_4x8 for one input channel and one output channel (scalar). */
static inline void tile_1x1(const float *x, unsigned x_step, const float *dy, unsigned co_count, unsigned count, float *dw_tile) {
  float sum = *dw_tile;
  for (unsigned p = 0; p < count; p += 1) {
    sum += *x * *dy;
    x += x_step;
    dy += co_count;
  }
  *dw_tile = sum;
}

/* Accumulates one run of `count` output pixels of one tap into dw_tap ([ci_count, co_count]). */
static void accumulate_run(const float *x, unsigned x_step, const float *dy, unsigned count, unsigned ci_count, unsigned co_count, float *dw_tap) {
  unsigned co_wide = co_count - co_count % 8;
  unsigned ci = 0;
  for (; ci + 4 <= ci_count; ci += 4) {
    for (unsigned co = 0; co < co_wide; co += 8) {
      tile_4x8(x + ci, x_step, dy + co, co_count, count, dw_tap + ci * co_count + co);
    }
  }
  for (; ci < ci_count; ci += 1) {
    for (unsigned co = 0; co < co_wide; co += 8) {
      tile_1x8(x + ci, x_step, dy + co, co_count, count, dw_tap + ci * co_count + co);
    }
  }
  if (co_wide == co_count) {
    return;
  }
  for (ci = 0; ci < ci_count; ci += 1) {
    unsigned co = co_wide;
    for (; co + 4 <= co_count; co += 4) {
      tile_1x4(x + ci, x_step, dy + co, co_count, count, dw_tap + ci * co_count + co);
    }
    for (; co < co_count; co += 1) {
      tile_1x1(x + ci, x_step, dy + co, co_count, count, dw_tap + ci * co_count + co);
    }
  }
}

/* First output column whose tap column ow * stride + offset is >= 0 (offset = kw - pad_left). */
static inline int first_valid(int offset, int stride) {
  return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}

/* Last output column (inclusive, may be < first) whose tap column is < in_width. */
static inline int last_valid(int offset, int stride, int in_width, int out_width) {
  int limit = in_width - 1 - offset;
  if (limit < 0) {
    return -1;
  }
  int last = limit / stride;
  return last < out_width - 1 ? last : out_width - 1;
}

/*
 * dw ([k_height, k_width, ci_count, co_count], overwritten) from x ([batch, in_height, in_width, ci_count]) and
 * dy ([batch, out_height, out_width, co_count]), strides and top/left padding as the forward convolution.
 */
void EXPORT(advbench_conv2d_filter_gradient)(const float *x, const float *dy, float *dw, unsigned batch,
                                             unsigned in_height, unsigned in_width, unsigned ci_count,
                                             unsigned out_height, unsigned out_width, unsigned co_count,
                                             unsigned k_height, unsigned k_width, unsigned stride_height,
                                             unsigned stride_width, int pad_top, int pad_left) {
  unsigned dw_count = k_height * k_width * ci_count * co_count;
  v128_t zero = wasm_f32x4_splat(0.0f);
  unsigned index = 0;
  for (; index + 4 <= dw_count; index += 4) {
    wasm_v128_store(dw + index, zero);
  }
  for (; index < dw_count; index += 1) {
    dw[index] = 0.0f;
  }
  unsigned x_step = stride_width * ci_count;
  for (unsigned n = 0; n < batch; n += 1) {
    for (unsigned oh = 0; oh < out_height; oh += 1) {
      const float *dy_row = dy + ((n * out_height + oh) * out_width) * co_count;
      for (unsigned kh = 0; kh < k_height; kh += 1) {
        int ih = (int)(oh * stride_height + kh) - pad_top;
        if (ih < 0 || ih >= (int)in_height) {
          continue;
        }
        const float *x_row = x + ((n * in_height + (unsigned)ih) * in_width) * ci_count;
        for (unsigned kw = 0; kw < k_width; kw += 1) {
          int offset = (int)kw - pad_left;
          int first = first_valid(offset, (int)stride_width);
          int last = last_valid(offset, (int)stride_width, (int)in_width, (int)out_width);
          if (last < first) {
            continue;
          }
          const float *x_start = x_row + (unsigned)(first * (int)stride_width + offset) * ci_count;
          accumulate_run(x_start, x_step, dy_row + (unsigned)first * co_count, (unsigned)(last - first + 1), ci_count, co_count,
                         dw + (kh * k_width + kw) * ci_count * co_count);
        }
      }
    }
  }
}
