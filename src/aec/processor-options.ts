import { invalidOption } from '../errors.js';
import type { EchoCancellerOptions } from './echo-canceller.js';
import type { NoiseSuppressorOptions } from './ns/options.js';
import type { VadOptions } from './vad.js';

/** Options of {@link AudioProcessor}: each stage is `true` (defaults), `false` (off) or its options. */
export interface AudioProcessorOptions {
  /** Processing rate in Hz: 8000, 16000, 32000 or 48000; frames are 10 ms. */
  sampleRateHz: number;
  /**
   * Rate the stages run at, Hz: `sampleRateHz` (full band) or 16000 for a 32 or 48 kHz session
   * (decimated, processed, interpolated back; the band above 8 kHz is dropped). Default 16000 at
   * 48 kHz (measured better near-end SNR in double talk, equal ERLE, less CPU), else `sampleRateHz`.
   */
  processingRateHz?: number;
  /** Echo canceller (default on) with its bulk delay estimator; its options without the rate. */
  aec?: boolean | Omit<EchoCancellerOptions, 'sampleRateHz'>;
  /** Noise suppressor (default on); its options without the rate. */
  ns?: boolean | Omit<NoiseSuppressorOptions, 'sampleRateHz'>;
  /** Voice activity detector (default on); its options without the rate and frame length. */
  vad?: boolean | Omit<VadOptions, 'sampleRateHz' | 'frameMs'>;
}

/** Options with each stage resolved to `null` (off) or its options. @internal */
export interface ResolvedAudioProcessorOptions {
  sampleRateHz: number;
  processingRateHz: number;
  aec: EchoCancellerOptions | null;
  ns: NoiseSuppressorOptions | null;
  vad: VadOptions | null;
}

const RATES = [8000, 16000, 32000, 48000];
const KNOWN = new Set(['sampleRateHz', 'processingRateHz', 'aec', 'ns', 'vad']);

function stage<T extends object>(
  name: string,
  value: boolean | object | undefined,
  base: T,
): (T & Record<string, unknown>) | null {
  if (value === undefined || value === true) return { ...base } as T & Record<string, unknown>;
  if (value === false) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidOption(name, value, 'true, false or an options object');
  }
  if ('sampleRateHz' in value)
    invalidOption(
      `${name}.sampleRateHz`,
      (value as T & { sampleRateHz: unknown }).sampleRateHz,
      'set sampleRateHz on the AudioProcessor only',
    );
  return { ...value, ...base } as T & Record<string, unknown>;
}

/**
 * Applies defaults and validates the chain-level options; each stage validates its own options
 * when it is built.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and what is allowed.
 * @internal
 */
export function resolveAudioProcessorOptions(options: AudioProcessorOptions): ResolvedAudioProcessorOptions {
  if (typeof options !== 'object' || options === null) {
    invalidOption('options', options, 'an object of AudioProcessorOptions');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      invalidOption(
        key,
        (options as unknown as Record<string, unknown>)[key],
        'accepted: sampleRateHz, processingRateHz, aec, ns, vad',
      );
    }
  }
  const { sampleRateHz } = options;
  if (!RATES.includes(sampleRateHz))
    invalidOption('sampleRateHz', sampleRateHz, 'one of 8000, 16000, 32000, 48000 (Hz)');
  const processingRateHz = options.processingRateHz ?? (sampleRateHz === 48000 ? 16000 : sampleRateHz);
  if (processingRateHz !== sampleRateHz && !(processingRateHz === 16000 && sampleRateHz >= 32000)) {
    invalidOption(
      'processingRateHz',
      processingRateHz,
      'sampleRateHz, or 16000 when sampleRateHz is 32000/48000',
    );
  }
  const rate = processingRateHz;
  return {
    sampleRateHz,
    processingRateHz,
    aec: stage('aec', options.aec, { sampleRateHz: rate }),
    ns: stage('ns', options.ns, { sampleRateHz: rate }),
    vad: stage('vad', options.vad, { sampleRateHz: rate, frameMs: 10 }),
  };
}
