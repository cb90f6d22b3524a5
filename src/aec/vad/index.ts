export type { ResolvedVadOptions, VadMode, VadOptions } from './options.js';
export { VAD_SAMPLE_RATES_HZ } from './options.js';
export type { VadEvents } from './vad.js';
export { Vad } from './vad.js';
