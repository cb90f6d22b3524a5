/**
 * What a codec is on the wire and in SDP. Immutable for the codec's lifetime.
 */
export interface CodecInfo {
  /** Registry name, lower case: `'pcmu'`, `'pcma'`, `'opus'`, or a plugin's name. */
  readonly name: string;
  /** Encoding name as written in SDP `a=rtpmap` (`'PCMU'`, `'PCMA'`, `'opus'`). */
  readonly encodingName: string;
  /** RTP timestamp rate, Hz (8000 for G.711, 48000 for Opus whatever its PCM rate). */
  readonly clockRateHz: number;
  /** Sample rate of the PCM that `encode` takes and `decode` returns, Hz. */
  readonly sampleRateHz: number;
  /** Channels of the PCM that `encode` takes and `decode` returns (interleaved when 2). */
  readonly channels: number;
  /** Default RTP payload type: static (0, 8) or dynamic (96–127). */
  readonly payloadType: number;
  /** Channel count written in `a=rtpmap` (`opus/48000/2` always says 2 per RFC 7587); 1 is omitted. */
  readonly sdpChannels: number;
  /** The `a=fmtp` parameters this side wants, without the payload type (empty when none). */
  readonly fmtp: string;
  /** Frame durations `encode` accepts, ms. */
  readonly frameDurationsMs: readonly number[];
  /** True when the codec can produce DTX (discontinuous transmission) frames itself. */
  readonly supportsDtx: boolean;
}

/**
 * An audio codec: one frame of PCM in, one payload out, and back. The interface every built-in
 * codec implements and a plugin implements to add one (register it with `registerCodec`).
 *
 * Buffers: `encode` and `decode` may return a view into an internal buffer that stays valid only
 * until the next call on the same codec; pass `out` to own the result.
 */
export interface AudioCodec {
  /** What this codec is on the wire. */
  readonly info: CodecInfo;
  /**
   * Encodes one frame.
   * @param pcm - Interleaved Int16 PCM at `info.sampleRateHz`, exactly one frame of one of
   *   `info.frameDurationsMs`.
   * @param out - Optional destination; must be large enough for the payload.
   * @returns The payload (a view of `out` when given). Empty when DTX decided to send nothing.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a frame of the wrong length or a short `out`.
   */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array;
  /**
   * Decodes one payload.
   * @param payload - An RTP payload as received.
   * @param out - Optional destination; must hold the decoded samples.
   * @returns Interleaved Int16 PCM at `info.sampleRateHz` (a view of `out` when given).
   * @throws VoxwireError `ERR_CODEC_MALFORMED` when the payload is not valid for this codec.
   */
  decode(payload: Uint8Array, out?: Int16Array): Int16Array;
  /**
   * Codec-native concealment of lost audio, when the codec has one (Opus does; G.711 does not and
   * leaves it to the playout's concealment).
   * @param samplesPerChannel - How much audio to synthesise, samples per channel.
   * @param out - Optional destination.
   */
  conceal?(samplesPerChannel: number, out?: Int16Array): Int16Array;
  /** Frees the codec's resources (WASM memory for Opus). Further calls throw `ERR_INVALID_STATE`. */
  close(): void;
}
