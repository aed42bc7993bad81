/**
 * Encodes unsigned bytes as an IDX file (the MNIST format): `00 00 08 <rank>`, big-endian uint32 dimensions, data.
 * The inverse of `parseIdx`; used to write small MNIST-format datasets.
 */
export function encodeIdx(dimensions: readonly number[], data: ArrayLike<number>): Uint8Array {
  const expected = dimensions.reduce((product, size) => product * size, 1);
  if (data.length !== expected) throw new RangeError(`encodeIdx: ${data.length} values for dimensions [${dimensions.join(', ')}] (${expected} expected)`);
  const header = 4 + 4 * dimensions.length;
  const bytes = new Uint8Array(header + expected);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dimensions.length;
  dimensions.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));
  bytes.set(Uint8Array.from(data), header);
  return bytes;
}
