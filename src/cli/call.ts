import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RealClock } from '../clock/index.js';
import { createCodec } from '../codec/registry.js';
import type { CodecInfo } from '../codec/types.js';
import { VoiceSession } from '../session/voice-session.js';
import { sdpCodecFromInfo } from '../transport/sdp/codecs.js';
import { createOffer } from '../transport/sdp/negotiate.js';
import { parseSdp } from '../transport/sdp/parse.js';
import { effectiveConnection } from '../transport/sdp/types.js';
import { writeSdp } from '../transport/sdp/write.js';
import { UdpTransport } from '../transport/udp.js';
import { parseUdpAddress } from '../transport/udp-address.js';
import { type CliCommand, type CliValues, choiceFlag, numberFlag, UsageError } from './command.js';
import { ENDPOINT_OPTIONS, endpointSettings, openInput, openOutput } from './endpoints.js';
import { holdLiveCall, printCallTotals } from './live-call.js';

const CODECS = ['opus', 'pcmu', 'pcma'] as const;
const AUDIO_LEVEL_ID = 1;

const HELP = `Makes a plain RTP call (RFC 3550, no ICE, no encryption) with a peer such as ffmpeg, a SIP
phone's media port or another \`voxwire call\`. RTCP goes to the RTP port + 1 unless the peer's SDP
asks for rtcp-mux.

Addresses:
  --local HOST:PORT    where to receive (default 0.0.0.0:5004; IPv6 as [::1]:5004)
  --remote HOST:PORT   where to send; required unless --sdp-in gives it
  --sdp-out FILE       write our SDP offer to FILE (give it to the peer)
  --sdp-in FILE        read the peer's SDP from FILE: its address, port and rtcp-mux

Media:
  --codec NAME         opus, pcmu or pcma (default opus)
  --ptime MS           packet duration: 10, 20, 40 or 60 (default 20)
  --red                send redundancy (RFC 2198); the peer must understand it
  --in WAV|mic         what we say: a WAV file or the microphone (default mic)
  --out WAV|speaker    what we hear: a WAV file or the speaker (default speaker)
  --device NAME        microphone/speaker to use (see \`voxwire devices\`)
  --duration SEC       call length, 1-86400 s (default: the --in WAV's length + 1 s, else 60)

Prints the call statistics at the end (packets, loss, jitter, playout delay, MOS).

Examples:
  voxwire call --local 127.0.0.1:5004 --remote 127.0.0.1:6004 --codec pcmu --in hello.wav --out heard.wav
  voxwire call --local 127.0.0.1:5004 --sdp-out offer.sdp --in mic --out speaker --duration 30
`;

interface PeerSdp {
  remote: string;
  rtcpMux: boolean;
}

/** The peer's address and rtcp-mux from its SDP; checks it can take our codec on the same payload type. */
async function readPeerSdp(path: string, info: CodecInfo): Promise<PeerSdp> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--sdp-in: cannot read ${path}: ${(error as Error).message}`);
  }
  const sdp = parseSdp(text);
  const media = sdp.media.find((m) => m.type === 'audio' && m.port > 0);
  if (media === undefined) throw new UsageError(`--sdp-in: ${path} has no active audio section`);
  const connection = effectiveConnection(sdp, media);
  if (connection === undefined) throw new UsageError(`--sdp-in: ${path} has no c= address`);
  const mapped = media.rtpMaps.find(
    (m) =>
      m.encodingName.toLowerCase() === info.encodingName.toLowerCase() && m.clockRateHz === info.clockRateHz,
  );
  const pt =
    mapped?.payloadType ??
    (media.formats.includes(String(info.payloadType)) && info.payloadType < 35 ? info.payloadType : -1);
  if (pt < 0) {
    throw new UsageError(
      `--sdp-in: the peer does not offer ${info.encodingName}/${info.clockRateHz}; try another --codec`,
    );
  }
  if (pt !== info.payloadType) {
    throw new UsageError(
      `--sdp-in: the peer uses payload type ${pt} for ${info.encodingName}; voxwire call sends ${info.payloadType}. Ask the peer for ${info.payloadType}`,
    );
  }
  const host = connection.addressType === 'IP6' ? `[${connection.address}]` : connection.address;
  return { remote: `${host}:${media.port}`, rtcpMux: media.rtcpMux };
}

/** The call settings from the flags. @throws UsageError naming a bad flag. */
export function callSettings(values: CliValues, cwd: string) {
  const ptimeMs = numberFlag(values, 'ptime', 20, 10, 60);
  if (![10, 20, 40, 60].includes(ptimeMs)) {
    throw new UsageError(`--ptime must be 10, 20, 40 or 60, got ${JSON.stringify(values.ptime)}`);
  }
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const local = str('local') ?? '0.0.0.0:5004';
  try {
    parseUdpAddress('local', local, 0);
    const remote = str('remote');
    if (remote !== undefined) parseUdpAddress('remote', remote, 1);
  } catch (error) {
    throw new UsageError(`--${(error as Error).message.replace(/^option /, '')}`);
  }
  return {
    local,
    remote: str('remote'),
    sdpOut: str('sdp-out') === undefined ? undefined : resolve(cwd, str('sdp-out') as string),
    sdpIn: str('sdp-in') === undefined ? undefined : resolve(cwd, str('sdp-in') as string),
    codec: choiceFlag(values, 'codec', 'opus', CODECS),
    ptimeMs,
    red: values.red === true,
    ...endpointSettings(values, cwd),
  };
}

/** `voxwire call`: see {@link HELP}. */
export const callCommand: CliCommand = {
  name: 'call',
  summary: 'Plain-RTP call with a real peer (ffmpeg, a phone, another voxwire) over UDP.',
  usage: 'call --remote HOST:PORT | --sdp-in FILE [options]',
  help: HELP,
  options: {
    local: { type: 'string' },
    remote: { type: 'string' },
    'sdp-out': { type: 'string' },
    'sdp-in': { type: 'string' },
    codec: { type: 'string' },
    ptime: { type: 'string' },
    red: { type: 'boolean' },
    ...ENDPOINT_OPTIONS,
  },
  async run(values, _positionals, io) {
    const s = callSettings(values, io.cwd);
    const probe = createCodec(s.codec);
    const info = probe.info;
    probe.close();
    const peer = s.sdpIn ? await readPeerSdp(s.sdpIn, info) : undefined;
    const remote = s.remote ?? peer?.remote;
    if (remote === undefined) throw new UsageError('give the peer with --remote HOST:PORT or --sdp-in FILE');
    const rtcpMux = peer?.rtcpMux ?? false;

    const { source, durationMs } = await openInput(s);
    const sink = await openOutput(s, info.sampleRateHz);

    const clock = new RealClock({ keepAlive: true });
    const transport = await UdpTransport.open({ local: s.local, remote, rtcpMux, clock });
    const session = new VoiceSession({
      codec: s.codec,
      ptimeMs: s.ptimeMs,
      red: s.red,
      transport,
      clock,
      source,
      sink,
      audioLevelExtensionId: AUDIO_LEVEL_ID,
    });
    session.on('error', (error) => io.err(`voxwire call: ${error.message}\n`));
    if (s.sdpOut) {
      const endpoint = transport.localEndpoint;
      const wildcard = endpoint === undefined || endpoint.address === '0.0.0.0' || endpoint.address === '::';
      const offer = createOffer({
        address: wildcard ? '127.0.0.1' : endpoint.address,
        port: endpoint?.port,
        codecs: [sdpCodecFromInfo(info)],
        ptimeMs: s.ptimeMs,
        red: s.red,
        redPayloadType: s.red ? 121 : undefined,
        rtcpMux,
        audioLevelExtensionId: AUDIO_LEVEL_ID,
        sessionName: 'voxwire call',
      });
      await writeFile(s.sdpOut, writeSdp(offer));
      io.out(`wrote our SDP offer to ${s.sdpOut}\n`);
    }
    io.out(
      `calling ${remote} from ${transport.localAddress} with ${s.codec} ${s.ptimeMs} ms${s.red ? ' + RED' : ''} ` +
        `for ${(durationMs / 1000).toFixed(1)} s…\n`,
    );
    const end = await holdLiveCall(session, clock, durationMs);
    const { final } = end;
    await session.stop();
    printCallTotals(io, end);
    if ((final.inbound?.packetsReceived ?? 0) === 0) {
      io.err(
        `voxwire call: no RTP arrived on ${transport.localAddress ?? s.local}; check that the peer sends there (and a firewall)\n`,
      );
    }
    if (s.output !== 'speaker') io.out(`wrote what we heard to ${s.output}\n`);
    return 0;
  },
};
