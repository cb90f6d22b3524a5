/**
 * A network study: `simulateCall` over a grid of loss and jitter, for Opus with and without RED,
 * printing the MOS estimate and the concealed share of each cell. Every cell is a full two-way call
 * simulated on a virtual clock (about 8 s of speech each), deterministic for its seed.
 *
 *   npm run example:network-study
 */
import { fileURLToPath } from 'node:url';
import { simulateCall } from '../src/index.js';

const speech = (name: string) => fileURLToPath(new URL(`../assets/speech/${name}`, import.meta.url));

/** One cell of the study. */
export interface StudyCell {
  lossPercent: number;
  jitterMs: number;
  red: boolean;
  /** MOS estimate of what B heard (A's speech). */
  mos: number;
  /** Share of played samples that were concealed, percent. */
  concealedPercent: number;
}

/** Runs the grid; returns the cells and prints the table through `log`. */
export async function main(
  grid = { lossPercent: [0, 5, 20], jitterMs: [0, 40], red: [false, true] },
  log: (line: string) => void = console.log,
): Promise<StudyCell[]> {
  const cells: StudyCell[] = [];
  log('loss %  jitter ms  RED    MOS   concealed %');
  for (const red of grid.red) {
    for (const lossPercent of grid.lossPercent) {
      for (const jitterMs of grid.jitterMs) {
        const call = await simulateCall({
          a: speech('hello-8k.wav'),
          b: speech('voice-b-16k.wav'),
          codec: 'opus',
          red,
          lossRate: lossPercent / 100,
          jitterMs,
          seed: 7,
        });
        const final = call.b.finalStats;
        const p = final.playout;
        const cell = {
          lossPercent,
          jitterMs,
          red,
          mos: final.mos.mos,
          concealedPercent:
            p.totalSamplesReceived > 0 ? (100 * p.concealedSamples) / p.totalSamplesReceived : 0,
        };
        cells.push(cell);
        log(
          `${String(lossPercent).padStart(6)}  ${String(jitterMs).padStart(9)}  ${red ? 'yes' : 'no '}  ` +
            `${cell.mos.toFixed(2).padStart(5)}  ${cell.concealedPercent.toFixed(1).padStart(11)}`,
        );
      }
    }
  }
  return cells;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
