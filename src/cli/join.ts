import { randomBytes } from 'node:crypto';
import { RealClock } from '../clock/index.js';
import { VoiceSession } from '../session/voice-session.js';
import { createRoomToken } from '../signaling/token.js';
import type { WebRtcIceServer } from '../transport/webrtc/index.js';
import { type CliCommand, type CliValues, UsageError } from './command.js';
import { ENDPOINT_OPTIONS, endpointSettings, openInput, openOutput } from './endpoints.js';
import { holdLiveCall, printCallTotals } from './live-call.js';

const HELP = `Joins a room of a \`voxwire serve\` server (or any voxwire SFU) as a Node participant: speaks a
WAV file or the microphone and records (or plays) what it hears, over WebRTC through the SFU.

Where:
  <url>                the page URL \`voxwire serve\` printed (room and token are read from it), or the
                       signaling URL ws://HOST:PORT/signaling
  --room NAME          the room (default: the URL's ?room=, else lobby)
  --token TOKEN        a room token (default: the URL's #token=)
  --secret SECRET      make our own token with the server's secret instead
  --name NAME          our name in the room when --secret makes the token (default node-XXXX)

Media:
  --in WAV|mic         what we say: a WAV file or the microphone (default mic)
  --out WAV|speaker    what we hear: a WAV file or the speaker (default speaker)
  --device NAME        microphone/speaker to use (see \`voxwire devices\`)
  --duration SEC       how long to stay, 1-86400 s (default: the --in WAV's length + 1 s, else 60)

ICE:
  --turn URL           a TURN server, e.g. turn:127.0.0.1:3478 (with --turn-user and --turn-pass)
  --relay              use TURN relay candidates only

The codec is the room's (the SFU offers one). Every speaker the SFU forwards (its N loudest) is
played, mixed. A lost signaling connection is resumed; after a server
restart the room is joined afresh. Prints the call statistics at the end.

Examples:
  voxwire join 'http://127.0.0.1:8440/?room=lobby#token=vx1...' --in hello.wav --out heard.wav
  voxwire join ws://127.0.0.1:8440/signaling --room lobby --secret s3cret-of-16-bytes --in mic
`;

/** Most slots a voxwire SFU forwards (`voxwire serve --slots`). */
const MAX_SFU_SLOTS = 16;

/** The join settings from the flags. @throws UsageError naming a bad flag. */
export function joinSettings(values: CliValues, positionals: string[], cwd: string) {
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (positionals.length !== 1) throw new UsageError('give the server as one <url>');
  let parsed: URL;
  try {
    parsed = new URL(positionals[0]);
  } catch {
    throw new UsageError(`<url> is not a URL: ${JSON.stringify(positionals[0])}`);
  }
  let url: string;
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    url = `${parsed.protocol === 'https:' ? 'wss' : 'ws'}://${parsed.host}/signaling`;
  } else if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') {
    url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } else {
    throw new UsageError(`<url> must be http(s):// or ws(s)://, got ${parsed.protocol}`);
  }
  const room = str('room') ?? parsed.searchParams.get('room') ?? 'lobby';
  const fragmentToken = new URLSearchParams(parsed.hash.replace(/^#/, '')).get('token') ?? undefined;
  const secret = str('secret');
  const name = str('name') ?? `node-${randomBytes(2).toString('hex')}`;
  let token = str('token') ?? (secret === undefined ? fragmentToken : undefined);
  if (str('token') !== undefined && secret !== undefined) throw new UsageError('give --token or --secret');
  if (token === undefined && secret === undefined) {
    throw new UsageError('give --token TOKEN or --secret SECRET (or a page URL with #token=)');
  }
  if (secret !== undefined) {
    try {
      token = createRoomToken(secret, { room, name }, new RealClock());
    } catch (error) {
      throw new UsageError(`--secret: ${(error as Error).message}`);
    }
  }
  const iceServers: WebRtcIceServer[] = [];
  const turn = str('turn');
  if (turn !== undefined) {
    if (!/^turns?:/.test(turn))
      throw new UsageError(`--turn must be a turn: URL, got ${JSON.stringify(turn)}`);
    iceServers.push({ urls: turn, username: str('turn-user'), credential: str('turn-pass') });
  }
  if (values.relay === true && turn === undefined) throw new UsageError('--relay needs --turn');
  return {
    url,
    room,
    token: token as string,
    iceServers,
    relay: values.relay === true,
    ...endpointSettings(values, cwd),
  };
}

/** `voxwire join`: see {@link HELP}. */
export const joinCommand: CliCommand = {
  name: 'join',
  summary: 'Join a voxwire SFU room (voxwire serve) as a Node participant over WebRTC.',
  usage: 'join <url> [--room NAME] [--token TOKEN | --secret SECRET] [options]',
  help: HELP,
  positionals: true,
  options: {
    room: { type: 'string' },
    token: { type: 'string' },
    secret: { type: 'string' },
    name: { type: 'string' },
    ...ENDPOINT_OPTIONS,
    turn: { type: 'string' },
    'turn-user': { type: 'string' },
    'turn-pass': { type: 'string' },
    relay: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const s = joinSettings(values, positionals, io.cwd);
    const { source, durationMs } = await openInput(s);
    // Loaded here: werift is heavy, and other commands should not pay for it.
    const { SfuParticipantTransport } = await import('../signaling/sfu/participant-transport.js');
    const clock = new RealClock({ keepAlive: true });
    io.out(`joining room ${s.room} at ${s.url}…\n`);
    const transport = await SfuParticipantTransport.join({
      url: s.url,
      room: s.room,
      token: s.token,
      iceServers: s.iceServers,
      iceTransportPolicy: s.relay ? 'relay' : 'all',
      clock,
      oneStream: false,
    });
    const audio = transport.negotiated!;
    transport.on('joined', (self, resumed) =>
      io.out(resumed ? 'signaling resumed\n' : `joined the room afresh as ${self.id} (server restarted)\n`),
    );
    transport.on('negotiated', () => io.out('connected to the SFU again\n'));
    const sampleRateHz = audio.codec === 'opus' ? 48_000 : 8000;
    const sink = await openOutput(s, sampleRateHz);
    const session = new VoiceSession({
      codec: audio.codec,
      transport,
      clock,
      source,
      sink,
      audioLevelExtensionId: audio.audioLevelExtensionId ?? 0,
      // Every slot the SFU forwards is a source of its own: play them all, mixed.
      maxReceiveStreams: MAX_SFU_SLOTS,
    });
    session.on('error', (error) => io.err(`voxwire join: ${error.message}\n`));
    const others = [...transport.client.participants.values()].map((p) => p.name);
    io.out(
      `joined as ${transport.client.self?.id} with ${audio.codec}; in the room: ${others.join(', ') || 'nobody yet'}; ` +
        `staying ${(durationMs / 1000).toFixed(1)} s…\n`,
    );
    const end = await holdLiveCall(session, clock, durationMs);
    const { final } = end;
    const { connections, packetsDropped } = transport.counters;
    await session.stop();
    printCallTotals(io, end);
    io.out(`${'WebRTC connections'.padEnd(30)} ${connections}\n`);
    io.out(`${'packets not sent (no link)'.padEnd(30)} ${packetsDropped}\n`);
    if ((final.inbound?.packetsReceived ?? 0) === 0) io.err('voxwire join: heard nobody in the room\n');
    if (s.output !== 'speaker') io.out(`wrote what we heard to ${s.output}\n`);
    return 0;
  },
};
