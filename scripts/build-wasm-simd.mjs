#!/usr/bin/env node
// Builds advbench's WebAssembly SIMD kernels: every C file in core/src/compute/wasm-simd/ becomes
//   <name>.wasm         importing a non-shared memory (tfjs-backend-wasm's stock build),
//   <name>.shared.wasm  importing a shared memory (tfjs-backend-wasm's threaded build),
//   <name>.source-sha256  the sha256 of the C source they were built from (a test compares it).
// The modules run on tfjs' own heap, so they must own no memory: the build fails when a binary has a data
// section, imports anything but env.memory, or touches a global (the shadow-stack pointer).
// Needs clang (wasm32 target) and wasm-ld; wasm-objdump (wabt) for the stack check. Usage: node scripts/build-wasm-simd.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'core', 'src', 'compute', 'wasm-simd');
const clang = process.env.CLANG ?? 'clang';
const objdump = process.env.WASM_OBJDUMP ?? 'wasm-objdump';

const common = ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-ffreestanding', '-fno-builtin', '-Wall', '-Wextra', '-Werror', '-Wl,--no-entry', '-Wl,--strip-debug'];
const variants = [
  { suffix: '.wasm', flags: ['-Wl,--import-memory'] },
  { suffix: '.shared.wasm', flags: ['-matomics', '-mbulk-memory', '-Wl,--import-memory,--shared-memory,--max-memory=4294967296'] },
];

/** Reads an unsigned LEB128 at `offset`; returns [value, next offset]. */
function readUnsigned(bytes, offset) {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    const byte = bytes[position];
    position += 1;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, position];
  }
}

/** The sections of a wasm binary as { id, start, end } (payload range). */
function sectionsOf(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm binary');
  const sections = [];
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset];
    const [size, start] = readUnsigned(bytes, offset + 1);
    sections.push({ id, start, end: start + size });
    offset = start + size;
  }
  return sections;
}

/** Reads resizable limits (flags, minimum, optional maximum) at `offset`; returns the next offset. */
function skipLimits(bytes, offset) {
  const flags = bytes[offset];
  let next = readUnsigned(bytes, offset + 1)[1];
  if ((flags & 1) !== 0) next = readUnsigned(bytes, next)[1];
  return next;
}

/** The imports of a wasm binary as "module.name kind" strings (kind 0 function, 1 table, 2 memory, 3 global). */
function importsOf(bytes, section) {
  const imports = [];
  let [count, offset] = readUnsigned(bytes, section.start);
  const readName = () => {
    const [length, start] = readUnsigned(bytes, offset);
    offset = start + length;
    return bytes.subarray(start, start + length).toString('utf8');
  };
  for (; count > 0; count -= 1) {
    const module = readName();
    const name = readName();
    const kind = bytes[offset];
    offset += 1;
    if (kind === 0) offset = readUnsigned(bytes, offset)[1];
    else if (kind === 1) offset = skipLimits(bytes, offset + 1);
    else if (kind === 2) offset = skipLimits(bytes, offset);
    else if (kind === 3) offset += 2;
    else throw new Error(`unknown import kind ${kind}`);
    imports.push(`${module}.${name} ${kind}`);
  }
  return imports;
}

/** Throws unless the binary owns no memory: no data section, only env.memory imported, no global used. */
function verify(path) {
  const bytes = readFileSync(path);
  const sections = sectionsOf(bytes);
  if (sections.some((section) => section.id === 11)) throw new Error(`${path}: has a data section (static data in memory); the module must own no memory`);
  if (sections.some((section) => section.id === 12)) throw new Error(`${path}: has a data-count section; the module must own no memory`);
  const importSection = sections.find((section) => section.id === 2);
  const imports = importSection ? importsOf(bytes, importSection) : [];
  if (imports.length !== 1 || imports[0] !== 'env.memory 2') throw new Error(`${path}: must import exactly env.memory (a memory), found: ${imports.join(', ') || 'none'}`);
  const code = execFileSync(objdump, ['-d', path], { encoding: 'utf8' });
  const globals = code.split('\n').filter((line) => /\bglobal\.(get|set)\b/.test(line));
  if (globals.length > 0) throw new Error(`${path}: uses globals (the shadow stack?): ${globals.slice(0, 3).join(' | ')}`);
}

const sources = readdirSync(folder).filter((file) => file.endsWith('.c'));
if (sources.length === 0) throw new Error(`no C sources in ${folder}`);
for (const source of sources) {
  const name = basename(source, '.c');
  const input = join(folder, source);
  for (const variant of variants) {
    const output = join(folder, `${name}${variant.suffix}`);
    execFileSync(clang, [...common, ...variant.flags, '-o', output, input], { stdio: 'inherit' });
    verify(output);
    console.log(`built ${output} (${readFileSync(output).length} bytes)`);
  }
  const digest = createHash('sha256').update(readFileSync(input)).digest('hex');
  writeFileSync(join(folder, `${name}.source-sha256`), `${digest}\n`);
  console.log(`recorded ${name}.source-sha256 ${digest}`);
}
