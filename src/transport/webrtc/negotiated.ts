import type { RTCRtpCodecParameters, RTCRtpTransceiver } from 'werift';
import { codecNameOfMime } from './peer-config.js';
import type { WebRtcNegotiatedAudio } from './types.js';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/**
 * Reads what offer/answer settled from the audio transceiver: the first media codec of the negotiated
 * list (the primary one when RED heads it), RED, and the audio-level extension id.
 * @returns Undefined when no common media codec was found.
 * @internal
 */
export function negotiatedAudio(transceiver: RTCRtpTransceiver): WebRtcNegotiatedAudio | undefined {
  const codecs: RTCRtpCodecParameters[] = transceiver.codecs;
  const head = codecs.find((c) => c.name.toLowerCase() !== 'rtx');
  if (!head) return undefined;
  let primary: RTCRtpCodecParameters | undefined = head;
  const red = head.name.toLowerCase() === 'red';
  const redCodec = codecs.find((c) => c.name.toLowerCase() === 'red');
  if (red) {
    const pt = Number((head.parameters ?? '').split('/')[0]);
    primary = codecs.find((c) => c.payloadType === pt);
  }
  if (!red) primary = codecs.find((c) => codecNameOfMime(c.mimeType) !== undefined);
  const codec = primary ? codecNameOfMime(primary.mimeType) : undefined;
  if (!primary || !codec) return undefined;
  const level = transceiver.headerExtensions.find((e) => e.uri === AUDIO_LEVEL_URI);
  return {
    codec,
    payloadType: primary.payloadType,
    clockRateHz: primary.clockRate,
    red,
    redPayloadType: red ? redCodec?.payloadType : undefined,
    audioLevelExtensionId: level?.id,
  };
}
