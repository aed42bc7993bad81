/*
 * advbench's WebAssembly SIMD kernels for the tfjs wasm backend.
 *
 * The module imports tfjs-backend-wasm's own memory and works on tensors where they lie on its heap (all
 * pointers are byte offsets into that heap). It therefore must not own any memory: no data section (no static
 * arrays or constants in memory) and no shadow stack (no address-taken locals, no large local arrays). Every
 * buffer it needs is passed in by the caller. scripts/build-wasm-simd.mjs checks both when it builds.
 *
 * Per-channel kernels see a tensor as `rows` rows of `channels` values (NHWC activations: channels last). They
 * walk it in periods of four rows (4 * channels values, always a multiple of the SIMD width), so any channel
 * count vectorises; per-channel coefficients are expanded to one period in the caller's scratch buffer.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

/* Adds the four float32 lanes of `values`, widened to float64, to sums[0..3]. */
static inline void add_widened(double *sums, v128_t values) {
  v128_t low = wasm_f64x2_promote_low_f32x4(values);
  v128_t high = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(values, values, 2, 3, 0, 1));
  wasm_v128_store(sums, wasm_f64x2_add(wasm_v128_load(sums), low));
  wasm_v128_store(sums + 2, wasm_f64x2_add(wasm_v128_load(sums + 2), high));
}

/* Adds the squares of the four float32 lanes of `values`, in float64 (exact products), to sums[0..3]. */
static inline void add_widened_squares(double *sums, v128_t values) {
  v128_t low = wasm_f64x2_promote_low_f32x4(values);
  v128_t high = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(values, values, 2, 3, 0, 1));
  wasm_v128_store(sums, wasm_f64x2_add(wasm_v128_load(sums), wasm_f64x2_mul(low, low)));
  wasm_v128_store(sums + 2, wasm_f64x2_add(wasm_v128_load(sums + 2), wasm_f64x2_mul(high, high)));
}

/* Adds the products of the lanes of `left` and `right`, in float64 (exact products), to sums[0..3]. */
static inline void add_widened_products(double *sums, v128_t left, v128_t right) {
  v128_t left_low = wasm_f64x2_promote_low_f32x4(left);
  v128_t left_high = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(left, left, 2, 3, 0, 1));
  v128_t right_low = wasm_f64x2_promote_low_f32x4(right);
  v128_t right_high = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(right, right, 2, 3, 0, 1));
  wasm_v128_store(sums, wasm_f64x2_add(wasm_v128_load(sums), wasm_f64x2_mul(left_low, right_low)));
  wasm_v128_store(sums + 2, wasm_f64x2_add(wasm_v128_load(sums + 2), wasm_f64x2_mul(left_high, right_high)));
}

static void zero_doubles(double *values, unsigned count) {
  v128_t zero = wasm_f64x2_splat(0.0);
  for (unsigned index = 0; index < count; index += 2) {
    wasm_v128_store(values + index, zero);
  }
}

/* Total of channel `channel` over the four rows of a period of sums. */
static inline double fold_period(const double *sums, unsigned channels, unsigned channel) {
  return (sums[channel] + sums[channel + channels]) + (sums[channel + 2 * channels] + sums[channel + 3 * channels]);
}

/* Writes value[channel] to expanded[channel + k * channels] for k = 0..3 (one period). */
static inline void expand(float *expanded, unsigned channels, unsigned channel, float value) {
  expanded[channel] = value;
  expanded[channel + channels] = value;
  expanded[channel + 2 * channels] = value;
  expanded[channel + 3 * channels] = value;
}

/*
 * out[c] = (sum over rows of x[row, c]) / divisor, accumulated in float64.
 * scratch: 4 * channels doubles (8-byte aligned).
 */
void EXPORT(advbench_channel_sum)(const float *x, unsigned rows, unsigned channels, double divisor, float *out, double *scratch) {
  unsigned period = 4 * channels;
  unsigned count = rows * channels;
  zero_doubles(scratch, period);
  unsigned start = 0;
  for (; start + period <= count; start += period) {
    const float *chunk = x + start;
    for (unsigned index = 0; index < period; index += 4) {
      add_widened(scratch + index, wasm_v128_load(chunk + index));
    }
  }
  unsigned rest = count - start;
  const float *chunk = x + start;
  unsigned index = 0;
  for (; index + 4 <= rest; index += 4) {
    add_widened(scratch + index, wasm_v128_load(chunk + index));
  }
  for (; index < rest; index += 1) {
    scratch[index] += chunk[index];
  }
  for (unsigned channel = 0; channel < channels; channel += 1) {
    out[channel] = (float)(fold_period(scratch, channels, channel) / divisor);
  }
}

/*
 * y = (x - center[c]) * multiplier[c] + offset[c] over a tensor of `count` values, with each coefficient
 * expanded to one period (4 * channels floats).
 */
static void apply_affine(const float *x, unsigned count, unsigned period, const float *center, const float *multiplier, const float *offset, float *y) {
  unsigned start = 0;
  for (; start + period <= count; start += period) {
    const float *input = x + start;
    float *output = y + start;
    for (unsigned index = 0; index < period; index += 4) {
      v128_t centered = wasm_f32x4_sub(wasm_v128_load(input + index), wasm_v128_load(center + index));
      v128_t scaled = wasm_f32x4_mul(centered, wasm_v128_load(multiplier + index));
      wasm_v128_store(output + index, wasm_f32x4_add(scaled, wasm_v128_load(offset + index)));
    }
  }
  unsigned rest = count - start;
  const float *input = x + start;
  float *output = y + start;
  for (unsigned index = 0; index < rest; index += 1) {
    output[index] = (input[index] - center[index]) * multiplier[index] + offset[index];
  }
}

/*
 * Inference batch normalisation with per-channel statistics:
 * y = (x - mean[c]) * scale[c] / sqrt(variance[c] + epsilon) + offset[c].
 * `scale` and `offset` are used only when has_scale / has_offset are non-zero (1 and 0 otherwise).
 * scratch: 12 * channels floats.
 */
void EXPORT(advbench_batch_norm)(const float *x, unsigned rows, unsigned channels, const float *mean, const float *variance,
                                 const float *scale, int has_scale, const float *offset, int has_offset, float epsilon,
                                 float *y, float *scratch) {
  unsigned period = 4 * channels;
  float *center = scratch;
  float *multiplier = scratch + period;
  float *shift = scratch + 2 * period;
  for (unsigned channel = 0; channel < channels; channel += 1) {
    float inverse = 1.0f / __builtin_sqrtf(variance[channel] + epsilon);
    expand(center, channels, channel, mean[channel]);
    expand(multiplier, channels, channel, has_scale ? scale[channel] * inverse : inverse);
    expand(shift, channels, channel, has_offset ? offset[channel] : 0.0f);
  }
  apply_affine(x, rows * channels, period, center, multiplier, shift, y);
}

/*
 * Training batch normalisation: batch mean and biased variance per channel (float64 sums of x and x^2), then
 * y = (x - mean[c]) * gamma[c] / sqrt(variance[c] + epsilon) + beta[c].
 * scratch: 8 * channels doubles followed by 12 * channels floats (8-byte aligned).
 */
void EXPORT(advbench_batch_norm_training)(const float *x, unsigned rows, unsigned channels, const float *gamma, const float *beta,
                                          float epsilon, float *y, float *mean, float *variance, double *scratch) {
  unsigned period = 4 * channels;
  unsigned count = rows * channels;
  double *sums = scratch;
  double *squares = scratch + period;
  zero_doubles(scratch, 2 * period);
  unsigned start = 0;
  for (; start + period <= count; start += period) {
    const float *chunk = x + start;
    for (unsigned index = 0; index < period; index += 4) {
      v128_t values = wasm_v128_load(chunk + index);
      add_widened(sums + index, values);
      add_widened_squares(squares + index, values);
    }
  }
  unsigned rest = count - start;
  const float *chunk = x + start;
  for (unsigned index = 0; index < rest; index += 1) {
    double value = chunk[index];
    sums[index] += value;
    squares[index] += value * value;
  }
  float *center = (float *)(scratch + 2 * period);
  float *multiplier = center + period;
  float *shift = multiplier + period;
  double n = (double)rows;
  for (unsigned channel = 0; channel < channels; channel += 1) {
    double batch_mean = fold_period(sums, channels, channel) / n;
    double batch_variance = fold_period(squares, channels, channel) / n - batch_mean * batch_mean;
    if (!(batch_variance > 0.0)) {
      batch_variance = 0.0;
    }
    mean[channel] = (float)batch_mean;
    variance[channel] = (float)batch_variance;
    double inverse = 1.0 / __builtin_sqrt(batch_variance + (double)epsilon);
    expand(center, channels, channel, (float)batch_mean);
    expand(multiplier, channels, channel, (float)(gamma[channel] * inverse));
    expand(shift, channels, channel, beta[channel]);
  }
  apply_affine(x, count, period, center, multiplier, shift, y);
}

/*
 * Backward pass of advbench_batch_norm_training. With xc = x - mean, inv = 1 / sqrt(variance + epsilon) and
 * N = rows: dbeta = sum(dy), dgamma = inv * sum(dy xc),
 * dx = gamma inv / N (N dy - sum(dy) - xc inv dgamma) + dmean / N + 2 dvariance xc / N
 * (the last two terms are the gradients that reach x through the returned statistics, when has_statistics_gradient).
 * scratch: 8 * channels doubles followed by 16 * channels floats (8-byte aligned).
 */
void EXPORT(advbench_batch_norm_training_grad)(const float *dy, const float *x, unsigned rows, unsigned channels, const float *mean,
                                               const float *variance, const float *gamma, const float *dmean, const float *dvariance,
                                               int has_statistics_gradient, float epsilon, float *dx, float *dgamma, float *dbeta,
                                               double *scratch) {
  unsigned period = 4 * channels;
  unsigned count = rows * channels;
  double *sums = scratch;
  double *products = scratch + period;
  float *center = (float *)(scratch + 2 * period);
  float *gradient_scale = center + period;
  float *centered_scale = gradient_scale + period;
  float *shift = centered_scale + period;
  zero_doubles(scratch, 2 * period);
  for (unsigned channel = 0; channel < channels; channel += 1) {
    expand(center, channels, channel, mean[channel]);
  }
  unsigned start = 0;
  for (; start + period <= count; start += period) {
    const float *gradient = dy + start;
    const float *input = x + start;
    for (unsigned index = 0; index < period; index += 4) {
      v128_t values = wasm_v128_load(gradient + index);
      v128_t centered = wasm_f32x4_sub(wasm_v128_load(input + index), wasm_v128_load(center + index));
      add_widened(sums + index, values);
      add_widened_products(products + index, values, centered);
    }
  }
  unsigned rest = count - start;
  for (unsigned index = 0; index < rest; index += 1) {
    double value = dy[start + index];
    sums[index] += value;
    products[index] += value * (double)(x[start + index] - center[index]);
  }
  double n = (double)rows;
  for (unsigned channel = 0; channel < channels; channel += 1) {
    double sum_dy = fold_period(sums, channels, channel);
    double sum_dy_centered = fold_period(products, channels, channel);
    double inverse = 1.0 / __builtin_sqrt((double)variance[channel] + (double)epsilon);
    double gamma_gradient = sum_dy_centered * inverse;
    double k1 = gamma[channel] * inverse;
    double centered_coefficient = -k1 * inverse * gamma_gradient / n;
    double constant = -k1 * sum_dy / n;
    if (has_statistics_gradient) {
      centered_coefficient += 2.0 * dvariance[channel] / n;
      constant += dmean[channel] / n;
    }
    dbeta[channel] = (float)sum_dy;
    dgamma[channel] = (float)gamma_gradient;
    expand(gradient_scale, channels, channel, (float)k1);
    expand(centered_scale, channels, channel, (float)centered_coefficient);
    expand(shift, channels, channel, (float)constant);
  }
  start = 0;
  for (; start + period <= count; start += period) {
    const float *gradient = dy + start;
    const float *input = x + start;
    float *output = dx + start;
    for (unsigned index = 0; index < period; index += 4) {
      v128_t centered = wasm_f32x4_sub(wasm_v128_load(input + index), wasm_v128_load(center + index));
      v128_t value = wasm_f32x4_mul(wasm_v128_load(gradient + index), wasm_v128_load(gradient_scale + index));
      value = wasm_f32x4_add(value, wasm_f32x4_mul(centered, wasm_v128_load(centered_scale + index)));
      wasm_v128_store(output + index, wasm_f32x4_add(value, wasm_v128_load(shift + index)));
    }
  }
  for (unsigned index = 0; index < rest; index += 1) {
    float centered = x[start + index] - center[index];
    dx[start + index] = dy[start + index] * gradient_scale[index] + centered * centered_scale[index] + shift[index];
  }
}

/* out = moving - (moving - batch) * (1 - momentum), tfjs-layers' moving-average update, in float32. */
void EXPORT(advbench_moving_average)(const float *moving, const float *batch, unsigned count, float momentum, float *out) {
  float decay = 1.0f - momentum;
  for (unsigned index = 0; index < count; index += 1) {
    out[index] = moving[index] - (moving[index] - batch[index]) * decay;
  }
}

/*
 * SGD with momentum, PyTorch semantics, in float32: d = g + weight_decay * w; v' = momentum * v + d (v' = d when
 * has_velocity is 0: the first step); w' = w - learning_rate * v'.
 */
void EXPORT(advbench_sgd_momentum)(const float *weight, const float *gradient, const float *velocity, int has_velocity, unsigned count,
                                   float learning_rate, float momentum, float weight_decay, float *new_weight, float *new_velocity) {
  v128_t rate = wasm_f32x4_splat(learning_rate);
  v128_t keep = wasm_f32x4_splat(momentum);
  v128_t decay = wasm_f32x4_splat(weight_decay);
  unsigned index = 0;
  for (; index + 4 <= count; index += 4) {
    v128_t w = wasm_v128_load(weight + index);
    v128_t d = wasm_f32x4_add(wasm_v128_load(gradient + index), wasm_f32x4_mul(w, decay));
    v128_t v = has_velocity ? wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(velocity + index), keep), d) : d;
    wasm_v128_store(new_velocity + index, v);
    wasm_v128_store(new_weight + index, wasm_f32x4_sub(w, wasm_f32x4_mul(v, rate)));
  }
  for (; index < count; index += 1) {
    float w = weight[index];
    float d = gradient[index] + w * weight_decay;
    float v = has_velocity ? velocity[index] * momentum + d : d;
    new_velocity[index] = v;
    new_weight[index] = w - v * learning_rate;
  }
}

/* dx = x > 0 ? dy : 0 (the ReLU gradient). */
void EXPORT(advbench_relu_grad)(const float *dy, const float *x, unsigned count, float *dx) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  unsigned index = 0;
  for (; index + 4 <= count; index += 4) {
    v128_t positive = wasm_f32x4_gt(wasm_v128_load(x + index), zero);
    wasm_v128_store(dx + index, wasm_v128_and(wasm_v128_load(dy + index), positive));
  }
  for (; index < count; index += 1) {
    dx[index] = x[index] > 0.0f ? dy[index] : 0.0f;
  }
}
