#!/usr/bin/env node
// Assembles, on a machine with network access and a built checkout (npm ci done), everything
// scripts/device-check.sh needs on an offline GPU machine that has PyTorch but maybe no Node and no Vulkan
// loader, into the ignored folder .device-payload/ (at most 64 MiB: the GPU machine receives the repository's
// tracked files plus at most 64 MiB of ignored build output):
//
//   node.xz               this machine's Node binary (Node >= 20), xz-compressed (Node 20.20: 94.3 MiB -> 23.1 MiB)
//   runtime.tar.xz        the built dist/ folders of every workspace and a pruned node_modules: production
//                         dependencies only, without source maps, type declarations, docs, native build
//                         intermediates, other platforms' dawn.node or tfjs' browser bundles
//   vulkan/               the Debian libvulkan1 package (the Vulkan loader) unpacked with dpkg -x
//   torch_bench.py        the PyTorch peer (shared/peer/torch_bench.py)
//   MANIFEST.txt          what is inside, with sizes and versions
//
// Measured 2026-12-02 (204 packages, 10 dist folders): 38.1 MiB in all (node.xz 23.1 MiB, runtime.tar.xz 14.6 MiB
// with 66.5 MiB unpacked, of which dawn.node 21.5 MB; vulkan/ 0.4 MiB).
//
//   node scripts/prepare-device-payload.mjs [--out .device-payload]
//
// PREPARE_XZ_LEVEL=9 compresses harder. Needs: xz, tar, apt-get (to download libvulkan1) and dpkg. Exits 1 when the payload exceeds 64 MiB.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, lstatSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const out = resolve(root, outIndex === -1 ? '.device-payload' : argv[outIndex + 1]);
const LIMIT = 64 * 2 ** 20;
/** xz preset (PREPARE_XZ_LEVEL, default -6: -9 saves little on binaries and takes much longer). */
const XZ_LEVEL = `-${process.env.PREPARE_XZ_LEVEL ?? '6'}`;
const staging = join(out, 'staging');

function run(command, args, options = {}) {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, ...options });
}

/** Files never needed to run: maps, declarations, docs, sources of compiled packages. */
function keepFile(path) {
  return !/\.(map|d\.ts|d\.mts|d\.cts|md|markdown|tsbuildinfo)$/i.test(path) && !/(^|\/)(CHANGELOG|HISTORY)(\.|$)/i.test(path);
}

/** Per-package pruning: what Node loads from each heavy package, and nothing else. */
function keepInPackage(packagePath, file) {
  const name = packagePath.replace(/^.*node_modules\//, '');
  if (name.startsWith('@tensorflow/')) {
    const manifest = JSON.parse(readFileSync(join(root, packagePath, 'package.json'), 'utf8'));
    // Node resolves "main" (tfjs has no "exports"): the one CommonJS bundle; the wasm backend also loads wasm-out/.
    return file === 'package.json' || file === manifest.main || (name === '@tensorflow/tfjs-backend-wasm' && file.startsWith('wasm-out/') && !file.endsWith('.d.ts'));
  }
  if (name === 'webgpu') return file === 'package.json' || file === 'index.js' || file.startsWith('dist/linux-x64/');
  if (name === 'better-sqlite3') return file === 'package.json' || file.startsWith('lib/') || file === 'build/Release/better_sqlite3.node';
  if (name.startsWith('@types/') || name === '@webgpu/types' || name.endsWith('/@webgpu/types')) return false;
  // src/ stays: several packages run from it (cli-table3's index.js requires ./src/table).
  return !/^(test|tests|example|examples|benchmark)\//.test(file);
}

function walk(folder, base = folder) {
  const files = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue; // nested packages are listed by npm ls on their own
      files.push(...walk(path, base));
    } else if (entry.isFile()) {
      files.push(relative(base, path));
    }
  }
  return files;
}

function copyFile(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}

function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

const mebibytes = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

rmSync(out, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

// 1. Built dist/ folders of every workspace but the tests.
const workspaces = ['core', 'reports', ...readdirSync(join(root, 'plugins')).map((name) => `plugins/${name}`)];
for (const workspace of workspaces) {
  const dist = join(root, workspace, 'dist');
  if (!existsSync(dist)) throw new Error(`${workspace}/dist is missing: run npm run build first`);
  for (const file of walk(dist)) if (keepFile(file)) copyFile(join(dist, file), join(staging, workspace, 'dist', file));
}

// 2. Production dependencies, pruned; the workspace links in node_modules/@advbench stay links.
const parseable = run('npm', ['ls', '--omit=dev', '--all', '--parseable']).trim().split('\n');
const packages = [...new Set(parseable.map((path) => relative(root, path)).filter((path) => path.startsWith('node_modules/')))];
for (const packagePath of packages) {
  const absolute = join(root, packagePath);
  if (lstatSync(absolute).isSymbolicLink()) {
    mkdirSync(dirname(join(staging, packagePath)), { recursive: true });
    symlinkSync(readlinkSync(absolute), join(staging, packagePath));
    continue;
  }
  for (const file of walk(absolute)) {
    if (keepFile(file) && keepInPackage(packagePath, file)) copyFile(join(absolute, file), join(staging, packagePath, file));
  }
}
for (const workspace of workspaces) {
  // node_modules/@advbench/<name> -> ../../<workspace>: npm ls lists them as the workspace folders.
  const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8'));
  const link = join(staging, 'node_modules', manifest.name);
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(join(root, 'node_modules', manifest.name)), join(root, workspace)), link);
  }
}
const unpacked = sizeOf(staging);
run('tar', ['-C', staging, '-cf', join(out, 'runtime.tar'), '.']);
run('xz', [XZ_LEVEL, '-T0', '-f', join(out, 'runtime.tar')]);
rmSync(staging, { recursive: true, force: true });

// 3. The Node binary, compressed.
const nodeVersion = process.version;
run('sh', ['-c', `xz ${XZ_LEVEL} -T0 -c "${process.execPath}" > "${join(out, 'node.xz')}"`]);

// 4. The Vulkan loader (Debian libvulkan1), unpacked.
const debs = join(out, 'debs');
mkdirSync(debs, { recursive: true });
run('apt-get', ['download', 'libvulkan1'], { cwd: debs });
const deb = readdirSync(debs).find((name) => name.startsWith('libvulkan1_') && name.endsWith('.deb'));
if (!deb) throw new Error('apt-get download libvulkan1 gave no .deb');
run('dpkg', ['-x', join(debs, deb), join(out, 'vulkan')]);
rmSync(debs, { recursive: true, force: true });

// 5. The PyTorch peer.
const peer = [join(root, 'shared/peer/torch_bench.py'), join(root, '../shared/peer/torch_bench.py'), '/work/shared/peer/torch_bench.py'].find((path) => existsSync(path));
if (!peer) throw new Error('the PyTorch peer torch_bench.py was not found (shared/peer/torch_bench.py)');
copyFile(peer, join(out, 'torch_bench.py'));

const entries = readdirSync(out).map((name) => ({ name, bytes: sizeOf(join(out, name)) }));
const total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
const manifest = [
  `advbench device payload, prepared ${new Date().toISOString()} on ${process.platform}-${process.arch}`,
  `node ${nodeVersion} (node.xz, ${mebibytes(statSync(process.execPath).size)} uncompressed)`,
  `libvulkan1 ${deb}`,
  `runtime.tar.xz: ${packages.length} packages and ${workspaces.length} dist folders, ${mebibytes(unpacked)} unpacked`,
  ...entries.map((entry) => `${entry.name}: ${mebibytes(entry.bytes)}`),
  `total: ${mebibytes(total)} (limit 64 MiB)`,
].join('\n');
writeFileSync(join(out, 'MANIFEST.txt'), `${manifest}\n`);
process.stdout.write(`${manifest}\n`);
if (total > LIMIT) {
  process.stderr.write(`prepare-device-payload: the payload is ${mebibytes(total)}, over the 64 MiB limit\n`);
  process.exit(1);
}
