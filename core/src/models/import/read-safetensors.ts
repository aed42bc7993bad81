import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError } from '../../plugin-api/index.js';

/** One tensor of a safetensors file, as float32 in row-major order. */
export interface SafetensorsTensor {
  /** Shape as the file gives it (PyTorch's, e.g. OIHW for a convolution weight). */
  shape: number[];
  /** The values, converted to float32. */
  values: Float32Array;
}

/** Bytes per element and a little-endian reader, for the dtypes advbench converts to float32. */
const DTYPES: Record<string, { bytes: number; read: (view: DataView, offset: number) => number }> = {
  F32: { bytes: 4, read: (view, offset) => view.getFloat32(offset, true) },
  F64: { bytes: 8, read: (view, offset) => view.getFloat64(offset, true) },
  F16: { bytes: 2, read: (view, offset) => halfToFloat(view.getUint16(offset, true)) },
  BF16: { bytes: 2, read: (view, offset) => bfloat16ToFloat(view.getUint16(offset, true)) },
  I64: { bytes: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)) },
  I32: { bytes: 4, read: (view, offset) => view.getInt32(offset, true) },
};

/** Largest header advbench accepts (safetensors itself caps it at 100 MB). */
const MAXIMUM_HEADER_BYTES = 100_000_000;

/**
 * Reads a `.safetensors` file (8-byte little-endian header length, a JSON header of
 * `{ name: { dtype, shape, data_offsets } }` plus an optional `__metadata__`, then the raw little-endian data) into
 * float32 tensors by name, in the header's order. F32, F64, F16, BF16, I64 and I32 are read; anything malformed (a
 * header past the end, offsets outside the data or not matching the shape, an unknown dtype) throws an exit-2
 * error naming the file and the tensor.
 */
export async function readSafetensors(path: string): Promise<Map<string, SafetensorsTensor>> {
  const file = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? 'ADVBENCH_ERR_MODEL_NOT_FOUND' : 'ADVBENCH_ERR_MODEL_FILE', `${file}: cannot be read (${(error as Error).message})`, {
      cause: error,
      details: { file },
    });
  }
  return parseSafetensors(bytes, file);
}

/** Parses the bytes of a safetensors file; `file` is named in errors. See {@link readSafetensors}. */
export function parseSafetensors(bytes: Uint8Array, file: string): Map<string, SafetensorsTensor> {
  const fail = (what: string, details: Record<string, unknown> = {}) =>
    inputError('ADVBENCH_ERR_MODEL_FILE', `${file}: ${what}`, { details: { file, ...details } });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw fail('is too short to be a safetensors file (no 8-byte header length)');
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAXIMUM_HEADER_BYTES || 8 + headerLength > bytes.byteLength) {
    throw fail(`is not a safetensors file: header length ${headerLength} runs past the file's ${bytes.byteLength} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw fail(`is not a safetensors file: its header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('is not a safetensors file: its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const format = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
    if (!format) throw fail(`tensor "${name}" has dtype ${String(dtype)}; advbench reads ${Object.keys(DTYPES).join(', ')}`, { tensor: name });
    if (!Array.isArray(shape) || shape.some((side) => !Number.isSafeInteger(side) || side < 0)) throw fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`, { tensor: name });
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((offset) => !Number.isSafeInteger(offset) || offset < 0)) {
      throw fail(`tensor "${name}" has bad data_offsets ${JSON.stringify(offsets)}`, { tensor: name });
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((product, side) => product * side, 1);
    if (end < begin || end > dataLength) throw fail(`tensor "${name}": data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes`, { tensor: name });
    if (end - begin !== elements * format.bytes) {
      throw fail(`tensor "${name}": shape [${(shape as number[]).join(', ')}] of ${String(dtype)} needs ${elements * format.bytes} bytes, data_offsets give ${end - begin}`, { tensor: name });
    }
    tensors.set(name, { shape: [...(shape as number[])], values: readValues(bytes, dataStart + begin, elements, format, dtype === 'F32') });
  }
  return tensors;
}

function readValues(bytes: Uint8Array, start: number, elements: number, format: (typeof DTYPES)[string], float32: boolean): Float32Array {
  if (float32) {
    // Copy into an aligned buffer (the data may start at any byte); every platform Node runs on is little-endian.
    const copy = new Uint8Array(elements * 4);
    copy.set(bytes.subarray(start, start + elements * 4));
    return new Float32Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, elements * format.bytes);
  const values = new Float32Array(elements);
  for (let index = 0; index < elements; index += 1) values[index] = format.read(view, index * format.bytes);
  return values;
}

/** IEEE 754 half precision bits to a number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** bfloat16 bits (the top half of a float32) to a number. */
function bfloat16ToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}
