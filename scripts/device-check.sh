#!/usr/bin/env bash
# The GPU check: advbench's webgpu backend (Dawn for Node on Vulkan) on an offline GPU machine, timed against
# PyTorch on the same GPU, in one call.
#
# The target: one NVIDIA GPU (H200), 16 cores, no network, PyTorch (with torchvision) but probably no Node and no
# Vulkan loader. Files reach it only as a copy of the repository's files plus at most 64 MiB of ignored build
# output, so everything else travels in .device-payload/ (ignored by git), assembled beforehand on a machine with
# network access and a built checkout:
#
#   npm ci                                          # installs and builds (webgpu is an optional dependency)
#   node scripts/prepare-device-payload.mjs         # writes .device-payload/ and prints its size (<= 64 MiB)
#
# .device-payload/ holds node.xz (the Node binary, xz-compressed), runtime.tar.xz (every workspace's dist/ and a
# pruned node_modules: production dependencies only, dawn.node for linux-x64 only), vulkan/ (Debian's libvulkan1
# unpacked with dpkg -x: the Vulkan loader), torch_bench.py (the PyTorch peer) and MANIFEST.txt; 38.1 MiB in all
# when measured (node.xz 23.1 MiB, runtime.tar.xz 14.6 MiB, vulkan/ 0.4 MiB), under the 64 MiB limit. Send it with the
# repository (the device tool's `carry: [".device-payload"]`) and run, from the repository root:
#
#   bash scripts/device-check.sh            # not yet run on a GPU: give the call the full 600 s limit
#
# What it does: unpacks Node (unless a Node >= 20 is on PATH) and the runtime (unless node_modules exists);
# puts the payload's Vulkan loader on LD_LIBRARY_PATH; when no Vulkan driver manifest is installed it points the
# loader at NVIDIA's (VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json, where NVIDIA's
# container runtime puts it); prints the WebGPU adapter and its limits; times `advbench bench --backend webgpu
# --model resnet152 --size 224 --channels 3 --classes 1000 --batch 32` (forward, input gradient, train step); times
# the same with PyTorch on the GPU (torch_bench.py --model resnet152 --device cuda); runs the smoke preset on
# webgpu and on wasm and prints both clean accuracies. Every output lands in $OUT (the device tool's output
# folder) or ./device-check-out, and a summary in summary.txt. It works on any Vulkan adapter: on lavapipe
# (software Vulkan) with smaller settings it is the same check, slower.
#
# Settings (environment): DEVICE_CHECK_MODEL (resnet152), DEVICE_CHECK_SIZE (224), DEVICE_CHECK_BATCH (32),
# DEVICE_CHECK_CLASSES (1000), DEVICE_CHECK_WARMUP (2), DEVICE_CHECK_REPEAT (5), DEVICE_CHECK_TORCH_DEVICE (cuda),
# DEVICE_CHECK_BENCH (1; 0 skips the timings), DEVICE_CHECK_SMOKE (1; 0 skips the smoke runs), DEVICE_CHECK_SMOKE_ARGS (extra flags for the smoke runs, e.g.
# "--train-samples 64 --test-samples 16 --epsilons 0,8/255" on a software adapter), DEVICE_CHECK_PAYLOAD (.device-payload),
# DEVICE_CHECK_USE_PAYLOAD_NODE (0; 1 uses the payload's Node even when one is on PATH).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

payload=${DEVICE_CHECK_PAYLOAD:-$root/.device-payload}
out=${OUT:-$root/device-check-out}
model=${DEVICE_CHECK_MODEL:-resnet152}
size=${DEVICE_CHECK_SIZE:-224}
batch=${DEVICE_CHECK_BATCH:-32}
classes=${DEVICE_CHECK_CLASSES:-1000}
warmup=${DEVICE_CHECK_WARMUP:-2}
repeat=${DEVICE_CHECK_REPEAT:-5}
torch_device=${DEVICE_CHECK_TORCH_DEVICE:-cuda}
smoke=${DEVICE_CHECK_SMOKE:-1}
bench=${DEVICE_CHECK_BENCH:-1}
read -r -a smoke_args <<< "${DEVICE_CHECK_SMOKE_ARGS:-}"
mkdir -p "$out"
summary=$out/summary.txt
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
elapsed() { echo $(( $(date +%s) - $1 )); }

say "device-check $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /' | tee -a "$summary"

# 1. Node: the one on PATH when it is >= 20, else the payload's.
node_bin=$(command -v node || true)
if [ -n "$node_bin" ] && [ "${DEVICE_CHECK_USE_PAYLOAD_NODE:-0}" != 1 ] && "$node_bin" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  say "node: $node_bin $("$node_bin" --version) (from PATH)"
else
  if [ ! -x "$payload/bin/node" ]; then
    [ -f "$payload/node.xz" ] || { say "error: no Node >= 20 on PATH and no $payload/node.xz (run scripts/prepare-device-payload.mjs where there is network)"; exit 2; }
    mkdir -p "$payload/bin"
    xz -dc "$payload/node.xz" > "$payload/bin/node" && chmod +x "$payload/bin/node"
  fi
  node_bin=$payload/bin/node
  say "node: $node_bin $("$node_bin" --version) (from the payload)"
fi
export PATH="$(dirname "$node_bin"):$PATH"

# 2. node_modules and the built dist/ folders.
if [ ! -e "$root/node_modules/@advbench/core" ] || [ ! -f "$root/core/dist/cli/main.js" ]; then
  [ -f "$payload/runtime.tar.xz" ] || { say "error: node_modules or core/dist missing and no $payload/runtime.tar.xz"; exit 2; }
  started=$(date +%s)
  tar -C "$root" -xJf "$payload/runtime.tar.xz"
  say "runtime: unpacked from the payload in $(elapsed "$started") s"
fi

# 3. The Vulkan loader and driver.
if [ -d "$payload/vulkan" ]; then
  loader_dir=$(dirname "$(find "$payload/vulkan" -name 'libvulkan.so.1' | head -n 1)")
  [ -n "$loader_dir" ] && [ "$loader_dir" != . ] && export LD_LIBRARY_PATH="$loader_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  for candidate in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$candidate" ]; then
      export VK_DRIVER_FILES=$candidate VK_ICD_FILENAMES=$candidate # VK_ICD_FILENAMES for loaders older than 1.3.207
      break
    fi
  done
fi
say "vulkan: LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-(loader default)}"

cli=("$node_bin" "$root/core/bin/advbench.js")

# 4. The adapter and its limits (also stored in every result's backend.webgpu).
"$node_bin" --input-type=module -e "
  const { selectBackend } = await import('$root/core/dist/compute/select-backend.js');
  const { info } = await selectBackend('webgpu');
  console.log(JSON.stringify(info, null, 2));
" > "$out/adapter.json" 2> "$out/adapter.stderr"
adapter_status=$?
if [ $adapter_status -ne 0 ]; then
  say "error: the webgpu backend did not load (exit $adapter_status):"
  grep -v '^Warning' "$out/adapter.stderr" | tail -n 5 | tee -a "$summary"
  exit 1
fi
say "adapter: $("$node_bin" -e 'const i = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).webgpu; console.log(`${i.description || i.device} (vendor ${i.vendor}, architecture ${i.architecture}, ${i.software ? "software" : "GPU"}); maxStorageBufferBindingSize ${i.limits.maxStorageBufferBindingSize}, maxBufferSize ${i.limits.maxBufferSize}, maxComputeWorkgroupStorageSize ${i.limits.maxComputeWorkgroupStorageSize}`)' "$out/adapter.json")"

# 5. advbench on webgpu against PyTorch on the GPU, same model and batch.
if [ "$bench" = 1 ]; then
bench_args=(--model "$model" --size "$size" --channels 3 --classes "$classes" --batch "$batch" --warmup "$warmup" --repeat "$repeat")
started=$(date +%s)
"${cli[@]}" bench --backend webgpu "${bench_args[@]}" --json > "$out/bench-webgpu.json" 2> "$out/bench-webgpu.stderr"
bench_status=$?
say "advbench bench --backend webgpu ${bench_args[*]}: exit $bench_status in $(elapsed "$started") s"
[ $bench_status -eq 0 ] || grep -v '^Warning' "$out/bench-webgpu.stderr" | tail -n 5 | tee -a "$summary"

python=$(command -v python3 || true)
if [ -n "$python" ] && [ -f "$payload/torch_bench.py" ]; then
  started=$(date +%s)
  "$python" "$payload/torch_bench.py" --model "$model" --size "$size" --channels 3 --classes "$classes" --batch "$batch" --warmup "$warmup" --repeat "$repeat" --device "$torch_device" > "$out/bench-torch.json" 2> "$out/bench-torch.stderr"
  torch_status=$?
  say "torch_bench.py --model $model --device $torch_device: exit $torch_status in $(elapsed "$started") s"
  [ $torch_status -eq 0 ] || tail -n 5 "$out/bench-torch.stderr" | tee -a "$summary"
else
  say "torch: skipped (no python3 or no $payload/torch_bench.py)"
fi
"$node_bin" -e '
  const fs = require("fs");
  const read = (path) => { try { return JSON.parse(fs.readFileSync(path, "utf8").trim().split("\n").filter((line) => line.startsWith("{")).pop()); } catch { return undefined; } };
  const ours = read(process.argv[1]), torch = read(process.argv[2]);
  for (const field of ["fwdMs", "inputGradMs", "trainStepMs"]) {
    const a = ours?.[field], t = torch?.[field];
    console.log(`${field.padEnd(12)} advbench webgpu ${a === undefined ? "-" : a.toFixed(1) + " ms"}   torch ${torch?.peer ?? ""} ${t === undefined ? "-" : t.toFixed(1) + " ms"}   ratio ${a !== undefined && t !== undefined ? (a / t).toFixed(2) : "-"}`);
  }
  if (ours && torch) console.log(`params      advbench ${ours.params}   torch ${torch.params}${ours.params === torch.params ? "" : " (advbench: Keras layout, biases on every convolution; torchvision: none)"}`);
' "$out/bench-webgpu.json" "$out/bench-torch.json" | tee -a "$summary"
fi

# 6. The smoke preset on webgpu, and on wasm for the clean-accuracy comparison.
if [ "$smoke" = 1 ]; then
  for backend in webgpu wasm; do
    started=$(date +%s)
    # Each in its own folder, so each trains its own models (the model cache is .advbench-cache in the cwd).
    mkdir -p "$out/smoke-$backend"
    (cd "$out/smoke-$backend" && "${cli[@]}" run --preset smoke --backend "$backend" "${smoke_args[@]}" --out run) > "$out/smoke-$backend.stdout" 2> "$out/smoke-$backend.stderr"
    status=$?
    say "advbench run --preset smoke --backend $backend ${smoke_args[*]}: exit $status in $(elapsed "$started") s"
    [ $status -eq 0 ] || grep -v '^Warning' "$out/smoke-$backend.stderr" | tail -n 5 | tee -a "$summary"
  done
  "$node_bin" -e '
    const fs = require("fs");
    const clean = (backend) => {
      try {
        const results = JSON.parse(fs.readFileSync(`${process.argv[1]}/smoke-${backend}/run/results.json`, "utf8"));
        return results.cells.filter((cell) => cell.epsilon === 0).map((cell) => `${cell.defense}/${cell.surface} ${cell.result?.correct}/${cell.result?.samples}`).join(", ");
      } catch (error) { return `no results (${error.message})`; }
    };
    console.log(`smoke clean accuracy, webgpu: ${clean("webgpu")}`);
    console.log(`smoke clean accuracy, wasm:   ${clean("wasm")}`);
  ' "$out" | tee -a "$summary"
fi
say "outputs: $out"
