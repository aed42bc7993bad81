// Loaded before every test file: tsyringe needs the Reflect metadata polyfill once per process.
import 'reflect-metadata';
// Tests use tfjs' cpu backend on purpose (as the reference for the wasm kernels): without its "install tfjs-node"
// banner, which would otherwise repeat in the log of every file that touches it.
import '@tensorflow/tfjs-backend-cpu';
import { silenceCpuBackendBanner } from '../../core/src/compute/quiet-cpu-backend.js';

silenceCpuBackendBanner();
