import { describe, expect, it } from 'vitest';
import { colourAllowed, tableStyle } from './colour-output.js';

describe('colourAllowed', () => {
  it('allows colours on a terminal only, and never with NO_COLOR', () => {
    expect(colourAllowed({ isTTY: true }, {})).toBe(true);
    expect(colourAllowed({ isTTY: false }, {})).toBe(false);
    expect(colourAllowed({}, {})).toBe(false);
    expect(colourAllowed({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourAllowed({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(tableStyle({ isTTY: false })).toEqual({ head: [], border: [] });
  });
});
