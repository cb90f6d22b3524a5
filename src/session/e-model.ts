/**
 * The ITU-T G.107 (06/2015) E-model for narrowband calls: the transmission rating R from delay,
 * codec impairment and packet loss, and its mapping to an estimated conversational MOS. Every
 * parameter not given takes the G.107 Table 2 default, which gives R ≈ 93.2 (MOS 4.41).
 *
 * Scale: everything here is on the narrowband (NB) R scale, 0–100, for every codec, Opus included.
 * The wideband model (G.107.1, R up to 129, with the Ie,WB/Bpl,WB values of G.113 Appendix IV) is a
 * different scale; its values must not be mixed into this one.
 */

/** Inputs of {@link eModelRating}. Units as G.107 names them; every field has the G.107 default. */
export interface EModelInput {
  /** Mean one-way delay of the echo path, ms (`T`), default 0. */
  meanOneWayDelayMs?: number;
  /** Absolute mouth-to-ear delay, ms (`Ta`), default `meanOneWayDelayMs`. */
  absoluteDelayMs?: number;
  /** Round-trip delay in a 4-wire loop, ms (`Tr`), default twice `meanOneWayDelayMs`. */
  roundTripDelayMs?: number;
  /** Equipment impairment factor of the codec at no loss (`Ie`), default 0. */
  ie?: number;
  /** Packet-loss robustness factor of the codec (`Bpl`), default 1 (G.107 default; > 0). */
  bpl?: number;
  /** Packet-loss probability, percent 0–100 (`Ppl`), default 0. */
  packetLossPercent?: number;
  /** Burst ratio (`BurstR`, ≥ 1: 1 for random loss, more when losses bunch), default 1. */
  burstRatio?: number;
  /** Advantage factor (`A`), 0–20, default 0. */
  advantage?: number;
}

/** Result of {@link eModelRating}: the rating and its parts. */
export interface EModelResult {
  /** Transmission rating R, clamped to 0–100. */
  r: number;
  /** Estimated conversational MOS (G.107 Annex B), 1–4.5. */
  mos: number;
  /** Delay impairment `Id`. */
  id: number;
  /** Effective equipment impairment `Ie,eff` (codec plus loss). */
  ieEff: number;
}

/**
 * A codec's E-model constants on the narrowband scale: `Ie` at no loss and `Bpl`, the robustness to
 * random loss, from ITU-T G.113 Appendix I where the codec is listed (see {@link codecImpairment}).
 */
export interface CodecImpairment {
  /** Equipment impairment at no loss. */
  readonly ie: number;
  /** Packet-loss robustness. */
  readonly bpl: number;
  /** Algorithmic delay beyond the frame (look-ahead), ms. */
  readonly lookaheadMs: number;
}

// Narrowband scale throughout (see the file comment).
// pcmu/pcma: G.113 Appendix I (G.711 with the G.711 Appendix I PLC, random loss): Ie 0, Bpl 25.1.
// opus: NOT a published value. G.113 lists Opus only for the wideband model (Ie,WB/Bpl,WB on the
// 0–129 scale), which this narrowband model cannot take as is, and no narrowband Ie/Bpl for Opus was
// found in the sources searched (2026-11-26). Ie 11 / Bpl 20 is our estimate: an NB-scale
// impairment close to G.729's (Ie 10–11) and a loss robustness between G.729 (19) and G.711 (25.1).
// docs/session.md says so; replace it when a published narrowband figure is at hand.
const IMPAIRMENTS: Readonly<Record<string, CodecImpairment>> = Object.freeze({
  pcmu: Object.freeze({ ie: 0, bpl: 25.1, lookaheadMs: 0 }),
  pcma: Object.freeze({ ie: 0, bpl: 25.1, lookaheadMs: 0 }),
  opus: Object.freeze({ ie: 11, bpl: 20, lookaheadMs: 6.5 }),
});

/** G.711 figures for a codec name the table does not know (a plugin). */
const UNKNOWN_CODEC: CodecImpairment = Object.freeze({ ie: 0, bpl: 25.1, lookaheadMs: 0 });

/**
 * The narrowband E-model constants of a codec by registry name (`'pcmu'`, `'pcma'`, `'opus'`); other
 * names get G.711's, as the only codec G.113 rates without compression. G.711's are the published
 * G.113 values; Opus's (Ie 11, Bpl 20, look-ahead 6.5 ms) are an estimate (see docs/session.md).
 * @param codecName - Registry name, any letter case.
 */
export function codecImpairment(codecName: string): CodecImpairment {
  return IMPAIRMENTS[codecName.toLowerCase()] ?? UNKNOWN_CODEC;
}

// G.107 Table 2 defaults.
const SLR = 8;
const RLR = 2;
const STMR = 15;
const LSTR = 18;
const DS = 3;
const TELR = 65;
const WEPL = 110;
const QDU = 1;
const NC = -70;
const NFOR = -64;
const PS = 35;
const PR = 35;

const log10 = Math.log10;
const pow = Math.pow;

/** Ro, Is and No of the default parameters (they do not depend on delay or codec). */
function basicRatings(): { ro: number; is: number; no: number } {
  const olr = SLR + RLR;
  const nos = PS - SLR - DS - 100 + 0.004 * (PS - olr - DS - 14) ** 2;
  const pre = PR + 10 * log10(1 + pow(10, (10 - LSTR) / 10));
  const nor = RLR - 121 + pre + 0.008 * (pre - 35) ** 2;
  const nfo = NFOR + RLR;
  const no = 10 * log10(pow(10, NC / 10) + pow(10, nos / 10) + pow(10, nor / 10) + pow(10, nfo / 10));
  const ro = 15 - 1.5 * (SLR + no);
  const xolr = olr + 0.2 * (64 + no - RLR);
  const iolr = 20 * (pow(1 + pow(xolr / 8, 8), 1 / 8) - xolr / 8);
  // T = 0 for the sidetone term's listener echo part is the G.107 choice for Ist.
  const stmro = -10 * log10(pow(10, -STMR / 10) + pow(10, -TELR / 10));
  const ist =
    12 * pow(1 + pow((stmro - 13) / 6, 8), 1 / 8) -
    28 * pow(1 + pow((stmro + 1) / 19.4, 35), 1 / 35) -
    13 * pow(1 + pow((stmro - 3) / 33, 13), 1 / 13) +
    29;
  const q = 37 - 15 * log10(QDU);
  const g = 1.07 + 0.258 * q + 0.0602 * q * q;
  const y = (ro - 100) / 15 + 46 / 8.4 - g / 9;
  const z = 46 / 30 - g / 40;
  const iq = 15 * log10(1 + pow(10, y) + pow(10, z));
  return { ro, is: iolr + ist + iq, no };
}

const BASIC = basicRatings();

/** Delay impairment Id = Idte + Idle + Idd (G.107 §7.3). */
function delayImpairment(t: number, ta: number, tr: number): number {
  const roe = -1.5 * (BASIC.no - RLR);
  const terv = TELR - 40 * log10((1 + t / 10) / (1 + t / 150)) + 6 * Math.exp(-0.3 * t * t);
  const re = 80 + 2.5 * (terv - 14);
  const idte = ((roe - re) / 2 + Math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - Math.exp(-t));
  const rle = 10.5 * (WEPL + 7) * pow(tr + 1, -0.25);
  const idle = (BASIC.ro - rle) / 2 + Math.sqrt((BASIC.ro - rle) ** 2 / 4 + 169);
  let idd = 0;
  if (ta > 100) {
    const x = log10(ta / 100) / log10(2);
    idd = 25 * (pow(1 + x ** 6, 1 / 6) - 3 * pow(1 + (x / 3) ** 6, 1 / 6) + 2);
  }
  return idte + idle + idd;
}

function finiteOr(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/**
 * G.107 Annex B: R to estimated conversational MOS (1 below R = 0, 4.5 above R = 100).
 * @param r - Transmission rating.
 */
export function mosFromR(r: number): number {
  if (!(r > 0)) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/**
 * Computes R = Ro − Is − Id − Ie,eff + A and the MOS. Inputs out of range are clamped (this runs on
 * live statistics and never throws): delays to 0–10000 ms, loss to 0–100 %, `BurstR` to ≥ 1.
 * @param input - See {@link EModelInput}.
 */
export function eModelRating(input: EModelInput = {}): EModelResult {
  const t = finiteOr(input.meanOneWayDelayMs, 0, 0, 10_000);
  const ta = finiteOr(input.absoluteDelayMs, t, 0, 10_000);
  const tr = finiteOr(input.roundTripDelayMs, 2 * t, 0, 20_000);
  const ie = finiteOr(input.ie, 0, 0, 95);
  const bpl = finiteOr(input.bpl, 1, 1e-6, 1000);
  const ppl = finiteOr(input.packetLossPercent, 0, 0, 100);
  const burstR = finiteOr(input.burstRatio, 1, 1, 1000);
  const a = finiteOr(input.advantage, 0, 0, 20);
  const id = delayImpairment(t, ta, tr);
  const ieEff = ie + ((95 - ie) * ppl) / (ppl / burstR + bpl);
  const raw = BASIC.ro - BASIC.is - id - ieEff + a;
  const r = Math.min(100, Math.max(0, raw));
  return { r, mos: mosFromR(r), id, ieEff };
}
