import type { ReportsModule } from '@advbench/core';
import * as reports from './index.js';

/** Compile-time proof that this package provides what core's `loadReports` expects (tsc fails otherwise). */
export const reportsModuleShape: ReportsModule = reports;
