/*
 * The input gradient of a 2-D convolution (tfjs' Conv2DBackpropInput), NHWC, dilation 1, any stride and padding,
 * in WebAssembly SIMD on tfjs-backend-wasm's own heap (byte offsets into that heap; the module owns no memory:
 * no data section, no shadow stack; scripts/build-wasm-simd.mjs checks both).
 *
 *   dx[n, ih, iw, ci] = sum over kh, kw, co of dy[n, oh, ow, co] * w[kh, kw, ci, co]
 *                       where oh = (ih + pad_top - kh) / sh and ow = (iw + pad_left - kw) / sw are whole
 *
 * Each dx element is gathered once (no zero-dilated dy, no scatter): for a dx row and a column phase
 * (iw mod sw) the contributing taps are fixed, and four dx pixels of that phase, iw, iw + sw, iw + 2 sw,
 * iw + 3 sw, read four consecutive dy pixels. dy is first copied into a zero-bordered buffer (so no tap needs a
 * bounds check) and w is transposed to [kh, kw, co, ci] (so the input channels of one tap and output channel are
 * contiguous); register tiles are 4 dx pixels x 8 input channels (8 f32x4 accumulators: dy values broadcast,
 * w rows loaded), with remainders of 4 channels, single pixels, and, for fewer than 4 input channels (stems),
 * dot products over the output channels.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

/*
 * The tiles below gather over `tap_count` taps: tap t reads dy at dy + dy_offsets[t] (+ co_count per pixel to the
 * right) and the transposed filter at w + w_offsets[t] (+ ci_count per output channel). The offset tables live
 * in the caller's scratch buffer (the module owns no memory).
 */

/* 4 pixels x 8 channels: out[j * out_step + c] = sum over taps, co of dy_t[j * co_count + co] * wt_t[co * ci_count + c]. */
static inline void tile_4x8(const float *dy, const unsigned *dy_offsets, const float *w, const unsigned *w_offsets, unsigned tap_count,
                            unsigned ci_count, unsigned co_count, float *out, unsigned out_step) {
  v128_t a0 = wasm_f32x4_splat(0.0f), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  for (unsigned t = 0; t < tap_count; t += 1) {
    const float *d = dy + dy_offsets[t];
    const float *v = w + w_offsets[t];
    for (unsigned co = 0; co < co_count; co += 1) {
      v128_t low = wasm_v128_load(v);
      v128_t high = wasm_v128_load(v + 4);
      v128_t d0 = wasm_v128_load32_splat(d);
      v128_t d1 = wasm_v128_load32_splat(d + co_count);
      v128_t d2 = wasm_v128_load32_splat(d + 2 * co_count);
      v128_t d3 = wasm_v128_load32_splat(d + 3 * co_count);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(d0, low));
      b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(d0, high));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(d1, low));
      b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(d1, high));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(d2, low));
      b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(d2, high));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(d3, low));
      b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(d3, high));
      d += 1;
      v += ci_count;
    }
  }
  wasm_v128_store(out, a0);
  wasm_v128_store(out + 4, b0);
  wasm_v128_store(out + out_step, a1);
  wasm_v128_store(out + out_step + 4, b1);
  wasm_v128_store(out + 2 * out_step, a2);
  wasm_v128_store(out + 2 * out_step + 4, b2);
  wasm_v128_store(out + 3 * out_step, a3);
  wasm_v128_store(out + 3 * out_step + 4, b3);
}

/* 1 pixel x 8 channels. */
static inline void tile_1x8(const float *dy, const unsigned *dy_offsets, const float *w, const unsigned *w_offsets, unsigned tap_count,
                            unsigned ci_count, unsigned co_count, float *out) {
  v128_t a = wasm_f32x4_splat(0.0f), b = a;
  for (unsigned t = 0; t < tap_count; t += 1) {
    const float *d = dy + dy_offsets[t];
    const float *v = w + w_offsets[t];
    for (unsigned co = 0; co < co_count; co += 1) {
      v128_t value = wasm_v128_load32_splat(d);
      a = wasm_f32x4_add(a, wasm_f32x4_mul(value, wasm_v128_load(v)));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(value, wasm_v128_load(v + 4)));
      d += 1;
      v += ci_count;
    }
  }
  wasm_v128_store(out, a);
  wasm_v128_store(out + 4, b);
}

/* 1 pixel x 4 channels. */
static inline void tile_1x4(const float *dy, const unsigned *dy_offsets, const float *w, const unsigned *w_offsets, unsigned tap_count,
                            unsigned ci_count, unsigned co_count, float *out) {
  v128_t a = wasm_f32x4_splat(0.0f);
  for (unsigned t = 0; t < tap_count; t += 1) {
    const float *d = dy + dy_offsets[t];
    const float *v = w + w_offsets[t];
    for (unsigned co = 0; co < co_count; co += 1) {
      a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(d), wasm_v128_load(v)));
      d += 1;
      v += ci_count;
    }
  }
  wasm_v128_store(out, a);
}

/* 1 pixel, 1 channel: a dot product over taps and output channels, 4 at a time, with w in its original
 * [kh, kw, ci, co] layout (w_original + w_offsets[t] / ci_count... see the caller: original_offsets[t] points at
 * w[kh, kw, ci, 0], contiguous over co). */
static inline float dot_1x1(const float *dy, const unsigned *dy_offsets, const float *w_original, const unsigned *original_offsets,
                            unsigned tap_count, unsigned co_count) {
  v128_t sums = wasm_f32x4_splat(0.0f);
  float rest = 0.0f;
  unsigned wide = co_count - co_count % 4;
  for (unsigned t = 0; t < tap_count; t += 1) {
    const float *d = dy + dy_offsets[t];
    const float *v = w_original + original_offsets[t];
    unsigned co = 0;
    for (; co < wide; co += 4) {
      sums = wasm_f32x4_add(sums, wasm_f32x4_mul(wasm_v128_load(d + co), wasm_v128_load(v + co)));
    }
    for (; co < co_count; co += 1) {
      rest += d[co] * v[co];
    }
  }
  return (wasm_f32x4_extract_lane(sums, 0) + wasm_f32x4_extract_lane(sums, 1)) +
         (wasm_f32x4_extract_lane(sums, 2) + wasm_f32x4_extract_lane(sums, 3)) + rest;
}

/* Floor division and modulo that are right for negative numerators. */
static inline int floor_divide(int value, int divisor) {
  int quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}
static inline int positive_modulo(int value, int divisor) {
  int rest = value % divisor;
  return rest < 0 ? rest + divisor : rest;
}

/* Zero rows (or columns) needed before and after dy so that every (dx pixel, tap) with a whole oh reads inside. */
static inline unsigned margin_before(unsigned k_extent, unsigned stride, int pad) {
  int lowest = floor_divide(pad - (int)(k_extent - 1), (int)stride);
  return lowest < 0 ? (unsigned)(-lowest) : 0;
}
static inline unsigned margin_after(unsigned in_extent, unsigned out_extent, unsigned stride, int pad) {
  int highest = floor_divide((int)in_extent - 1 + pad, (int)stride);
  return highest > (int)out_extent - 1 ? (unsigned)(highest - ((int)out_extent - 1)) : 0;
}

/* Scratch bytes advbench_conv2d_input_gradient needs: the bordered dy, the transposed w and 3 tap tables. */
unsigned EXPORT(advbench_conv2d_input_gradient_scratch)(unsigned batch, unsigned in_height, unsigned in_width, unsigned ci_count,
                                                        unsigned out_height, unsigned out_width, unsigned co_count,
                                                        unsigned k_height, unsigned k_width, unsigned stride_height,
                                                        unsigned stride_width, int pad_top, int pad_left) {
  unsigned padded_height = out_height + margin_before(k_height, stride_height, pad_top) + margin_after(in_height, out_height, stride_height, pad_top);
  unsigned padded_width = out_width + margin_before(k_width, stride_width, pad_left) + margin_after(in_width, out_width, stride_width, pad_left);
  unsigned padded = batch * padded_height * padded_width * co_count;
  unsigned weights = k_height * k_width * co_count * ci_count;
  unsigned tables = 3 * k_height * k_width;
  return 4 * (padded + 4 + weights + 4 + tables);
}

/*
 * dx ([batch, in_height, in_width, ci_count], overwritten) from dy ([batch, out_height, out_width, co_count]) and
 * w ([k_height, k_width, ci_count, co_count]), strides and top/left padding as the forward convolution.
 * scratch: advbench_conv2d_input_gradient_scratch(...) bytes, 16-byte aligned.
 */
void EXPORT(advbench_conv2d_input_gradient)(const float *dy, const float *w, float *dx, unsigned batch, unsigned in_height,
                                            unsigned in_width, unsigned ci_count, unsigned out_height, unsigned out_width,
                                            unsigned co_count, unsigned k_height, unsigned k_width, unsigned stride_height,
                                            unsigned stride_width, int pad_top, int pad_left, float *scratch) {
  unsigned top = margin_before(k_height, stride_height, pad_top);
  unsigned left = margin_before(k_width, stride_width, pad_left);
  unsigned padded_height = out_height + top + margin_after(in_height, out_height, stride_height, pad_top);
  unsigned padded_width = out_width + left + margin_after(in_width, out_width, stride_width, pad_left);

  /* The zero-bordered dy. */
  float *padded = scratch;
  unsigned padded_count = batch * padded_height * padded_width * co_count;
  v128_t zero = wasm_f32x4_splat(0.0f);
  unsigned index = 0;
  for (; index + 4 <= padded_count; index += 4) {
    wasm_v128_store(padded + index, zero);
  }
  for (; index < padded_count; index += 1) {
    padded[index] = 0.0f;
  }
  unsigned row_values = out_width * co_count;
  for (unsigned n = 0; n < batch; n += 1) {
    for (unsigned oh = 0; oh < out_height; oh += 1) {
      const float *source = dy + (n * out_height + oh) * row_values;
      float *target = padded + ((n * padded_height + oh + top) * padded_width + left) * co_count;
      unsigned value = 0;
      for (; value + 4 <= row_values; value += 4) {
        wasm_v128_store(target + value, wasm_v128_load(source + value));
      }
      for (; value < row_values; value += 1) {
        target[value] = source[value];
      }
    }
  }

  /* w transposed per tap: wt[kh, kw, co, ci], 16-byte aligned. */
  float *wt = padded + padded_count;
  wt += (4 - ((unsigned long)wt / 4) % 4) % 4;
  unsigned taps_total = k_height * k_width;
  for (unsigned tap = 0; tap < taps_total; tap += 1) {
    const float *source = w + tap * ci_count * co_count;
    float *target = wt + tap * co_count * ci_count;
    for (unsigned ci = 0; ci < ci_count; ci += 1) {
      for (unsigned co = 0; co < co_count; co += 1) {
        target[co * ci_count + ci] = source[ci * co_count + co];
      }
    }
  }
  unsigned *dy_offsets = (unsigned *)(wt + taps_total * co_count * ci_count);
  unsigned *w_offsets = dy_offsets + taps_total;
  unsigned *original_offsets = w_offsets + taps_total;

  unsigned ci_eight = ci_count - ci_count % 8;
  unsigned ci_four = ci_count >= 4 ? ci_count - ci_count % 4 : 0;
  unsigned pixel_step = stride_width * ci_count;
  for (unsigned n = 0; n < batch; n += 1) {
    const float *image = padded + n * padded_height * padded_width * co_count;
    for (unsigned ih = 0; ih < in_height; ih += 1) {
      float *dx_row = dx + (n * in_height + ih) * in_width * ci_count;
      for (unsigned phase = 0; phase < stride_width && phase < in_width; phase += 1) {
        /* The taps of this row and column phase, addressed from the phase's first dx pixel. */
        unsigned tap_count = 0;
        for (unsigned kh = 0; kh < k_height; kh += 1) {
          int rows = (int)ih + pad_top - (int)kh;
          if (positive_modulo(rows, (int)stride_height) != 0) {
            continue;
          }
          unsigned oh = (unsigned)(floor_divide(rows, (int)stride_height) + (int)top);
          for (unsigned kw = 0; kw < k_width; kw += 1) {
            int columns = (int)phase + pad_left - (int)kw;
            if (positive_modulo(columns, (int)stride_width) != 0) {
              continue;
            }
            unsigned ow = (unsigned)(floor_divide(columns, (int)stride_width) + (int)left);
            dy_offsets[tap_count] = (oh * padded_width + ow) * co_count;
            w_offsets[tap_count] = (kh * k_width + kw) * co_count * ci_count;
            original_offsets[tap_count] = (kh * k_width + kw) * ci_count * co_count;
            tap_count += 1;
          }
        }
        unsigned pixels = (in_width - phase + stride_width - 1) / stride_width;
        float *dx_phase = dx_row + phase * ci_count;
        unsigned pixel = 0;
        while (pixel < pixels) {
          /* Pixel j of the phase reads the dy pixel j columns right of pixel 0's. */
          const float *dy_pixel = image + pixel * co_count;
          float *out = dx_phase + pixel * pixel_step;
          unsigned group = (pixel + 4 <= pixels && ci_eight > 0) ? 4 : 1;
          for (unsigned ci = 0; ci < ci_eight; ci += 8) {
            if (group == 4) {
              tile_4x8(dy_pixel, dy_offsets, wt + ci, w_offsets, tap_count, ci_count, co_count, out + ci, pixel_step);
            } else {
              tile_1x8(dy_pixel, dy_offsets, wt + ci, w_offsets, tap_count, ci_count, co_count, out + ci);
            }
          }
          for (unsigned j = 0; j < group; j += 1) {
            const float *dy_single = dy_pixel + j * co_count;
            float *pixel_out = out + j * pixel_step;
            unsigned c = ci_eight;
            for (; c < ci_four; c += 4) {
              tile_1x4(dy_single, dy_offsets, wt + c, w_offsets, tap_count, ci_count, co_count, pixel_out + c);
            }
            for (; c < ci_count; c += 1) {
              pixel_out[c] = dot_1x1(dy_single, dy_offsets, w + c * co_count, original_offsets, tap_count, co_count);
            }
          }
          pixel += group;
        }
      }
    }
  }
}
