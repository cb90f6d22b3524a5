import {
  type PeerConfig,
  RTCRtpCodecParameters,
  type RTCRtpHeaderExtensionParameters,
  useAudioLevelIndication,
  useSdesMid,
} from 'werift';
import type { ResolvedWebRtcOptions } from './options.js';
import type { WebRtcCodecName } from './types.js';

/** The payload types and formats voxwire announces (Chromium's numbers, so answers keep them). */
const CODEC_PARAMETERS: Record<WebRtcCodecName, () => RTCRtpCodecParameters> = {
  opus: () =>
    new RTCRtpCodecParameters({
      mimeType: 'audio/opus',
      clockRate: 48_000,
      channels: 2,
      payloadType: 111,
      parameters: 'minptime=10;useinbandfec=1',
    }),
  pcmu: () =>
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
  pcma: () =>
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
};

/** Maps a werift codec MIME type to the voxwire name, undefined for others (red, rtx, telephone-event). */
export function codecNameOfMime(mimeType: string): WebRtcCodecName | undefined {
  const sub = mimeType.toLowerCase().replace(/^audio\//, '');
  if (sub === 'opus') return 'opus';
  if (sub === 'pcmu') return 'pcmu';
  if (sub === 'pcma') return 'pcma';
  return undefined;
}

/**
 * The audio codec list werift offers and answers with: the preferred codecs in order; RED first when
 * enabled and Opus is offered (werift's sender sends RED only when it heads the negotiated list).
 */
export function audioCodecs(options: ResolvedWebRtcOptions): RTCRtpCodecParameters[] {
  const list = options.codecs.map((name) => CODEC_PARAMETERS[name]());
  if (options.red && options.codecs.includes('opus')) {
    list.unshift(
      new RTCRtpCodecParameters({
        mimeType: 'audio/red',
        clockRate: 48_000,
        channels: 2,
        payloadType: 63,
        parameters: '111/111',
      }),
    );
  }
  return list;
}

/** Builds werift's `PeerConfig` from resolved options. @internal */
export function peerConfig(options: ResolvedWebRtcOptions): Partial<PeerConfig> {
  const extensions: RTCRtpHeaderExtensionParameters[] = [useSdesMid()];
  if (options.audioLevel) extensions.push(useAudioLevelIndication());
  const config: Partial<PeerConfig> = {
    codecs: { audio: audioCodecs(options) },
    headerExtensions: { audio: extensions },
    iceServers: options.iceServers,
    iceTransportPolicy: options.iceTransportPolicy,
    bundlePolicy: 'max-bundle',
  };
  if (options.icePortRange) config.icePortRange = options.icePortRange;
  if (options.hostAddresses) {
    config.iceAdditionalHostAddresses = options.hostAddresses;
    const v4 = options.hostAddresses.find((a) => !a.includes(':'));
    if (v4) config.iceInterfaceAddresses = { udp4: v4 };
    const hosts = options.hostAddresses;
    // werift still gathers every interface; pairs from other host addresses are not checked.
    config.iceFilterCandidatePair = (pair) =>
      pair.localCandidate.type !== 'host' || hosts.includes(pair.localCandidate.host);
    if (hosts.every((a) => !a.includes(':'))) config.iceUseIpv6 = false;
  }
  return config;
}
