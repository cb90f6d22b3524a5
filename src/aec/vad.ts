/** Entry point for the voice activity detector (see ./vad/). */
export type { ResolvedVadOptions, VadEvents, VadMode, VadOptions } from './vad/index.js';
export { VAD_SAMPLE_RATES_HZ, Vad } from './vad/index.js';
