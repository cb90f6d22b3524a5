import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of the SDP fixtures. */
export const sdpFixtureDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'transport',
  'fixtures',
  'sdp',
);

/** The text of one SDP fixture, byte for byte. */
export function sdpFixture(name: string): string {
  return readFileSync(join(sdpFixtureDir, name), 'utf8');
}

/** Names of every SDP fixture. */
export function sdpFixtureNames(): string[] {
  return readdirSync(sdpFixtureDir)
    .filter((n) => n.endsWith('.sdp'))
    .sort();
}

/** The same SDP with LF, CRLF, CR, no final newline, and trailing blanks on every line. */
export function lineEndingVariants(sdp: string): Record<string, string> {
  const lines = sdp.split(/\r\n|\n/).filter((l, i, all) => i < all.length - 1 || l !== '');
  return {
    lf: `${lines.join('\n')}\n`,
    crlf: `${lines.join('\r\n')}\r\n`,
    cr: `${lines.join('\r')}\r`,
    noFinalNewline: lines.join('\r\n'),
    trailingBlanks: `${lines.map((l) => `${l} \t `).join('\n')}\n\n`,
  };
}
