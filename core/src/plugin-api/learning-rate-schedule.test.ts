import { describe, expect, it } from 'vitest';
import { learningRateSchedule } from './learning-rate-schedule.js';

describe('learningRateSchedule', () => {
  it('is flat when constant', () => {
    const schedule = learningRateSchedule('constant', 0.1, 5);
    expect([schedule(0, 0), schedule(2, 0.5), schedule(4, 0.99)]).toEqual([0.1, 0.1, 0.1]);
  });

  it('rises to the peak at 2/5 of training and falls to 0 when cyclic', () => {
    const schedule = learningRateSchedule('cyclic', 0.2, 10);
    expect(schedule(0, 0)).toBe(0);
    expect(schedule(2, 0)).toBeCloseTo(0.1, 12);
    expect(schedule(4, 0)).toBeCloseTo(0.2, 12);
    expect(schedule(7, 0)).toBeCloseTo(0.1, 12);
    expect(schedule(9, 1)).toBeCloseTo(0, 12);
  });
});

describe('cosine schedule', () => {
  it('starts at the peak, halves at mid-training and ends at 0', () => {
    const schedule = learningRateSchedule('cosine', 0.1, 4);
    expect(schedule(0, 0)).toBeCloseTo(0.1, 12);
    expect(schedule(2, 0)).toBeCloseTo(0.05, 12);
    expect(schedule(1, 0.5)).toBeCloseTo(0.05 * (1 + Math.cos(Math.PI * 0.375)), 12);
    expect(schedule(3, 1)).toBeCloseTo(0, 12);
  });
});
