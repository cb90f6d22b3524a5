export type { ResamplerFilterConfig, ResamplerOptions } from './options.js';
export { SUPPORTED_SAMPLE_RATES_HZ } from './options.js';
export { Resampler } from './resampler.js';
