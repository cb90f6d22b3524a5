/**
 * The codec registry: codecs selected by name (`'pcmu'`, `'pcma'`, `'opus'`, or a plugin's name),
 * with the SDP defaults an offer needs before any codec exists.
 */
import { invalidOption, VoxwireError } from '../errors.js';
import { createPcmaCodec, createPcmuCodec, type G711CodecOptions } from './g711-codec.js';
import { createOpusCodec, type OpusCodecOptions } from './opus.js';
import type { AudioCodec, CodecInfo } from './types.js';

/**
 * Options a factory receives: what the caller passed to `createCodec` without `name`, with the
 * aliases `ptime` → `frameDurationMs` and `bitrate` → `bitrateBps` already applied. The factory
 * validates them (and should reject what it does not know with `ERR_INVALID_OPTION`).
 */
export type CodecFactoryOptions = Readonly<Record<string, unknown>>;

/**
 * Makes a new codec instance. Called once per `createCodec`; each call must return a fresh codec
 * that the caller owns (and closes).
 */
export type CodecFactory = (options: CodecFactoryOptions) => AudioCodec;

/** How a codec appears in SDP by default: the `a=rtpmap` and `a=fmtp` fields of {@link CodecInfo}. */
export type CodecSdpDefaults = Pick<
  CodecInfo,
  'encodingName' | 'clockRateHz' | 'sdpChannels' | 'payloadType' | 'fmtp'
>;

/**
 * Selects a codec and its options: `{ name: 'opus', bitrateBps: 24000, frameDurationMs: 20, dtx: true }`.
 * `name` is case-insensitive. Every other field goes to the codec's factory; `ptime` (ms) and
 * `bitrate` (bit/s) are accepted as aliases of `frameDurationMs` and `bitrateBps`.
 */
export interface CodecOptions {
  /** Registered codec name: `'pcmu'`, `'pcma'`, `'opus'` or a plugin's, in any letter case. */
  readonly name: string;
  /** Codec-specific options (for the built-ins see `G711CodecOptions` and `OpusCodecOptions`). */
  readonly [option: string]: unknown;
}

/** Options of {@link registerCodec}. */
export interface RegisterCodecOptions {
  /** Replace a codec already registered under the same name. Default false (registering twice fails). */
  replace?: boolean;
  /**
   * The codec's SDP defaults. Default: read from the `info` of one instance created with no options
   * (then closed) the first time {@link listCodecs} needs it.
   */
  sdp?: CodecSdpDefaults;
}

/** One entry of {@link listCodecs}. */
export interface RegisteredCodec {
  /** Registry name, lower case. */
  readonly name: string;
  /** SDP defaults (`a=rtpmap` / `a=fmtp` material). */
  readonly sdp: CodecSdpDefaults;
}

interface Entry {
  readonly factory: CodecFactory;
  sdp: CodecSdpDefaults | undefined;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._+-]{0,63}$/;
const ALIASES: readonly (readonly [alias: string, canonical: string])[] = [
  ['ptime', 'frameDurationMs'],
  ['bitrate', 'bitrateBps'],
];

/** PCMU/8000, static payload type 0 (RFC 3551). */
export const PCMU_SDP_DEFAULTS: CodecSdpDefaults = Object.freeze({
  encodingName: 'PCMU',
  clockRateHz: 8000,
  sdpChannels: 1,
  payloadType: 0,
  fmtp: '',
});

/** PCMA/8000, static payload type 8 (RFC 3551). */
export const PCMA_SDP_DEFAULTS: CodecSdpDefaults = Object.freeze({
  encodingName: 'PCMA',
  clockRateHz: 8000,
  sdpChannels: 1,
  payloadType: 8,
  fmtp: '',
});

/**
 * opus/48000/2 (RFC 7587: always 48000 and 2 in SDP whatever is sent), dynamic payload type 111 (the
 * customary choice of browsers), `minptime=10;useinbandfec=1`.
 */
export const OPUS_SDP_DEFAULTS: CodecSdpDefaults = Object.freeze({
  encodingName: 'opus',
  clockRateHz: 48000,
  sdpChannels: 2,
  payloadType: 111,
  fmtp: 'minptime=10;useinbandfec=1',
});

function normaliseName(name: unknown, option: string): string {
  if (typeof name !== 'string') invalidOption(option, name, 'a codec name (string)');
  const lower = name.toLowerCase();
  if (!NAME_PATTERN.test(lower)) {
    invalidOption(
      option,
      name,
      'a name of 1–64 letters, digits, ".", "_", "+" or "-", starting with a letter or digit',
    );
  }
  return lower;
}

function factoryOptions(options: CodecOptions): CodecFactoryOptions {
  const forwarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (key !== 'name') forwarded[key] = value;
  for (const [alias, canonical] of ALIASES) {
    if (!(alias in forwarded)) continue;
    const value = forwarded[alias];
    delete forwarded[alias];
    if (value === undefined) continue;
    if (forwarded[canonical] !== undefined && forwarded[canonical] !== value) {
      invalidOption(
        alias,
        value,
        `it is an alias of ${canonical}, which is given as ${String(forwarded[canonical])}`,
      );
    }
    forwarded[canonical] = value;
  }
  return forwarded;
}

function isAudioCodec(value: unknown): value is AudioCodec {
  if (typeof value !== 'object' || value === null) return false;
  const codec = value as Partial<AudioCodec>;
  return (
    typeof codec.info === 'object' &&
    codec.info !== null &&
    typeof codec.encode === 'function' &&
    typeof codec.decode === 'function' &&
    typeof codec.close === 'function'
  );
}

/**
 * A set of named codec factories. The module functions ({@link createCodec}, {@link registerCodec},
 * {@link listCodecs}, {@link unregisterCodec}) use one shared instance that holds the built-ins; a
 * separate registry is useful to isolate a plugin set (tests, embedding).
 */
export class CodecRegistry {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param builtins - Register `opus`, `pcmu` and `pcma` (default true).
   */
  constructor(builtins = true) {
    if (!builtins) return;
    this.register('opus', (options) => createOpusCodec(options as OpusCodecOptions), {
      sdp: OPUS_SDP_DEFAULTS,
    });
    this.register('pcmu', (options) => createPcmuCodec(options as G711CodecOptions), {
      sdp: PCMU_SDP_DEFAULTS,
    });
    this.register('pcma', (options) => createPcmaCodec(options as G711CodecOptions), {
      sdp: PCMA_SDP_DEFAULTS,
    });
  }

  /**
   * Registers a codec factory under `name` (stored lower case, so lookups are case-insensitive).
   * @throws VoxwireError `ERR_INVALID_OPTION` for an invalid name or factory, or when the name is
   *   taken and `options.replace` is not true.
   */
  register(name: string, factory: CodecFactory, options: RegisterCodecOptions = {}): void {
    const key = normaliseName(name, 'name');
    if (typeof factory !== 'function')
      invalidOption('factory', factory, 'a function returning an AudioCodec');
    if (this.entries.has(key) && options.replace !== true) {
      invalidOption(
        'name',
        name,
        `a codec "${key}" is already registered; pass { replace: true } to replace it`,
      );
    }
    this.entries.set(key, {
      factory,
      sdp: options.sdp === undefined ? undefined : Object.freeze({ ...options.sdp }),
    });
  }

  /**
   * Removes a codec. @returns Whether one was registered under `name` (case-insensitive).
   */
  unregister(name: string): boolean {
    return typeof name === 'string' && this.entries.delete(name.toLowerCase());
  }

  /** Whether a codec is registered under `name` (case-insensitive). */
  has(name: string): boolean {
    return typeof name === 'string' && this.entries.has(name.toLowerCase());
  }

  /**
   * Creates a codec by name or by {@link CodecOptions}. The caller owns it and must `close()` it.
   * @throws VoxwireError `ERR_CODEC_UNKNOWN` (listing the registered names) for a name not
   *   registered; `ERR_INVALID_OPTION` for a malformed name or an option the codec rejects;
   *   `ERR_CODEC_FAILURE` when a factory returns something that is not an AudioCodec.
   */
  create(nameOrOptions: string | CodecOptions): AudioCodec {
    let options: CodecOptions;
    if (typeof nameOrOptions === 'string') options = { name: nameOrOptions };
    else if (typeof nameOrOptions === 'object' && nameOrOptions !== null) options = nameOrOptions;
    else invalidOption('codec', nameOrOptions, 'a codec name or { name, ...options }');
    const key = normaliseName(options.name, 'name');
    const entry = this.entries.get(key);
    if (entry === undefined) {
      throw new VoxwireError(
        'ERR_CODEC_UNKNOWN',
        `no codec is registered as "${options.name}"; registered: ${[...this.entries.keys()].join(', ') || 'none'}`,
      );
    }
    const codec = entry.factory(factoryOptions(options));
    if (!isAudioCodec(codec)) {
      throw new VoxwireError(
        'ERR_CODEC_FAILURE',
        `the factory of codec "${key}" did not return an AudioCodec`,
      );
    }
    return codec;
  }

  /**
   * The registered codecs in registration order (built-ins: opus, pcmu, pcma) with their SDP
   * defaults. A codec registered without `sdp` is instantiated once with no options to read them.
   * @returns A new array.
   * @throws VoxwireError `ERR_CODEC_FAILURE` when such a codec cannot be created with no options.
   */
  list(): RegisteredCodec[] {
    const result: RegisteredCodec[] = [];
    for (const [name, entry] of this.entries) {
      if (entry.sdp === undefined) entry.sdp = this.probeSdp(name, entry.factory);
      result.push({ name, sdp: entry.sdp });
    }
    return result;
  }

  private probeSdp(name: string, factory: CodecFactory): CodecSdpDefaults {
    let codec: AudioCodec;
    try {
      codec = factory({});
    } catch (cause) {
      throw new VoxwireError(
        'ERR_CODEC_FAILURE',
        `codec "${name}" was registered without sdp defaults and cannot be created with no options`,
        { cause },
      );
    }
    if (!isAudioCodec(codec)) {
      throw new VoxwireError(
        'ERR_CODEC_FAILURE',
        `the factory of codec "${name}" did not return an AudioCodec`,
      );
    }
    const { encodingName, clockRateHz, sdpChannels, payloadType, fmtp } = codec.info;
    codec.close();
    return Object.freeze({ encodingName, clockRateHz, sdpChannels, payloadType, fmtp });
  }
}

/** The shared registry behind {@link createCodec}, {@link registerCodec}, {@link listCodecs}. */
export const defaultCodecRegistry: CodecRegistry = new CodecRegistry();

/**
 * Creates a codec from the shared registry: `createCodec('pcmu')`, `createCodec('PCMA')`,
 * `createCodec({ name: 'opus', bitrateBps: 24000, frameDurationMs: 20, dtx: true })`. Names are
 * case-insensitive. The caller owns the codec and must `close()` it.
 * @param nameOrOptions - A registered name, or {@link CodecOptions} whose fields other than `name`
 *   go to the codec's factory (`ptime` and `bitrate` are aliases of `frameDurationMs`, `bitrateBps`).
 * @throws VoxwireError `ERR_CODEC_UNKNOWN` (the message lists the registered names) for an unknown
 *   name; `ERR_INVALID_OPTION` for an option the codec rejects; `ERR_CODEC_FAILURE` for a broken factory.
 */
export function createCodec(nameOrOptions: string | CodecOptions): AudioCodec {
  return defaultCodecRegistry.create(nameOrOptions);
}

/**
 * Registers a codec plugin in the shared registry so that `createCodec(name)` and the `codec`
 * option of a session can select it.
 * @param name - 1–64 characters of letters, digits, `.`, `_`, `+`, `-`; stored lower case.
 * @param factory - Returns a new {@link AudioCodec} for the given options.
 * @param options - `replace: true` to replace an existing registration (built-ins included);
 *   `sdp` to declare the SDP defaults without instantiating the codec.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an invalid name or factory, or a name already taken
 *   without `replace: true`.
 */
export function registerCodec(name: string, factory: CodecFactory, options?: RegisterCodecOptions): void {
  defaultCodecRegistry.register(name, factory, options);
}

/**
 * Removes a codec from the shared registry.
 * @returns Whether a codec was registered under `name` (case-insensitive).
 */
export function unregisterCodec(name: string): boolean {
  return defaultCodecRegistry.unregister(name);
}

/**
 * The codecs of the shared registry with their SDP defaults, in registration order (built-ins:
 * opus, pcmu, pcma; then plugins).
 * @returns A new array.
 * @throws VoxwireError `ERR_CODEC_FAILURE` when a plugin registered without `sdp` cannot be created
 *   with no options.
 */
export function listCodecs(): RegisteredCodec[] {
  return defaultCodecRegistry.list();
}
