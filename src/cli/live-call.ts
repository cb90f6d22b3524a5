import type { Clock } from '../clock/index.js';
import type { VoiceSessionStats } from '../session/stats.js';
import type { VoiceSession } from '../session/voice-session.js';
import { callTotals } from './call-figures.js';
import type { CliIo } from './command.js';

/** What a live call ended with: the stats at the end, and the ones to report. */
export interface LiveCallEnd {
  /** `getStats()` when the call ended. */
  readonly now: VoiceSessionStats;
  /** `now`, or the last stats that still had the peer when it left first (a BYE drops its inbound). */
  readonly final: VoiceSessionStats;
}

/**
 * Starts `session` and holds the call for `durationMs` or until Ctrl-C, whichever comes first.
 * The caller stops the session.
 */
export async function holdLiveCall(
  session: VoiceSession,
  clock: Clock,
  durationMs: number,
): Promise<LiveCallEnd> {
  let lastHeard: VoiceSessionStats | undefined;
  session.on('stats', (stats) => {
    if (stats.inbound !== undefined) lastHeard = stats;
  });
  await session.start();
  // Ctrl-C ends the call early but still stops cleanly and prints the statistics.
  await new Promise<void>((done) => {
    const timer = clock.setTimeout(finish, durationMs);
    function finish(): void {
      timer?.cancel();
      process.off('SIGINT', finish);
      done();
    }
    process.once('SIGINT', finish);
  });
  const now = session.getStats();
  return { now, final: now.inbound === undefined && lastHeard !== undefined ? lastHeard : now };
}

/** Prints the packets sent and the call totals as aligned rows. */
export function printCallTotals(io: CliIo, end: LiveCallEnd): void {
  io.out(`\nsent ${end.now.outbound.packetsSent} packets\n`);
  for (const [name, value] of callTotals(end.final)) io.out(`${name.padEnd(30)} ${value}\n`);
}
