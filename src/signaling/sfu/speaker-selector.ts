/**
 * Active-speaker selection from RFC 6464 audio levels: a level smoothed per source (fast attack, slow
 * release), a `speaking` flag with hysteresis, and a set of at most `maxSpeakers` "dominant" sources
 * that changes only when a newcomer is `switchMarginDb` louder than the weakest member, and that member
 * has held its place for `minHoldMs`. Pure: arrival times are passed in.
 */

/** Tuning of {@link SpeakerSelector}; every field has a documented default. */
export interface SpeakerSelectorConfig {
  /** Most dominant sources at once (≥ 1). */
  maxSpeakers: number;
  /** Smoothing time constant while the level rises, ms (default 40). */
  attackMs: number;
  /** Smoothing time constant while the level falls, ms (default 500). */
  releaseMs: number;
  /** A newcomer must be this much louder than the weakest member to replace it, dB (default 6). */
  switchMarginDb: number;
  /** A member keeps its place at least this long after entering, ms (default 1000). */
  minHoldMs: number;
  /** Smoothed level a source needs to be speaking or to enter the set, dBov (default −50). */
  activityThresholdDbov: number;
  /** A source with no packet for this long counts as silent, ms (default 400). */
  silenceAfterMs: number;
}

/** Defaults of {@link SpeakerSelectorConfig} (without `maxSpeakers`). */
export const SPEAKER_SELECTOR_DEFAULTS: Omit<SpeakerSelectorConfig, 'maxSpeakers'> = {
  attackMs: 40,
  releaseMs: 500,
  switchMarginDb: 6,
  minHoldMs: 1000,
  activityThresholdDbov: -50,
  silenceAfterMs: 400,
};

/** The quietest level RFC 6464 expresses, dBov. */
const SILENT_DBOV = -127;
/** The speaking flag turns off this far below the threshold (hysteresis), dB. */
const SPEAKING_OFF_DB = 6;

interface SourceLevel {
  levelDbov: number;
  lastMs: number;
  speaking: boolean;
  memberSinceMs: number | undefined;
}

/** Smoothed levels and the dominant-speaker set of the sources of one room. */
export class SpeakerSelector {
  readonly #c: SpeakerSelectorConfig;
  readonly #sources = new Map<string, SourceLevel>();
  #members: string[] = [];

  /** @param config - Tuning; `maxSpeakers` is required, the rest default to {@link SPEAKER_SELECTOR_DEFAULTS}. */
  constructor(config: Partial<SpeakerSelectorConfig> & { maxSpeakers: number }) {
    this.#c = { ...SPEAKER_SELECTOR_DEFAULTS, ...config };
  }

  /**
   * Feeds one packet's level.
   * @param id - The source.
   * @param levelDbov - RFC 6464 level as −dBov (0 loudest … 127 silent); out-of-range values are clamped.
   * @param arrivalMs - Arrival time, ms.
   */
  update(id: string, levelDbov: number, arrivalMs: number): void {
    let s = this.#sources.get(id);
    const x = -Math.min(127, Math.max(0, levelDbov | 0));
    if (s === undefined) {
      s = { levelDbov: SILENT_DBOV, lastMs: arrivalMs, speaking: false, memberSinceMs: undefined };
      this.#sources.set(id, s);
    }
    const dt = Math.min(200, Math.max(0, arrivalMs - s.lastMs)) || 1;
    const tau = x > s.levelDbov ? this.#c.attackMs : this.#c.releaseMs;
    s.levelDbov += (1 - Math.exp(-dt / tau)) * (x - s.levelDbov);
    s.lastMs = arrivalMs;
    this.#updateSpeaking(s);
  }

  /** Forgets a source (it left); its place in the set is freed. */
  remove(id: string): void {
    this.#sources.delete(id);
    this.#members = this.#members.filter((m) => m !== id);
  }

  /** The smoothed level of a source, dBov (−127 when unknown or silent for `silenceAfterMs`). */
  levelDbov(id: string, nowMs: number): number {
    const s = this.#sources.get(id);
    if (s === undefined || nowMs - s.lastMs > this.#c.silenceAfterMs) return SILENT_DBOV;
    return s.levelDbov;
  }

  /** True while the source's smoothed level is above the activity threshold (with hysteresis). */
  speaking(id: string, nowMs: number): boolean {
    const s = this.#sources.get(id);
    if (s === undefined) return false;
    return s.speaking && nowMs - s.lastMs <= this.#c.silenceAfterMs;
  }

  /** The dominant sources, loudest first (as of the last {@link evaluate}). */
  get members(): readonly string[] {
    return this.#members;
  }

  /**
   * Re-ranks the sources: fills free places with active sources, replaces a held-long-enough weakest
   * member by a newcomer `switchMarginDb` louder, and sorts members loudest first.
   * @returns True when the membership changed (not only its order).
   */
  evaluate(nowMs: number): boolean {
    const c = this.#c;
    let changed = false;
    const candidates: string[] = [];
    for (const [id, s] of this.#sources) {
      if (nowMs - s.lastMs > c.silenceAfterMs) s.speaking = false;
      if (s.memberSinceMs === undefined && this.levelDbov(id, nowMs) >= c.activityThresholdDbov)
        candidates.push(id);
    }
    candidates.sort((a, b) => this.levelDbov(b, nowMs) - this.levelDbov(a, nowMs));
    for (const id of candidates) {
      const level = this.levelDbov(id, nowMs);
      if (this.#members.length < c.maxSpeakers) {
        this.#admit(id, nowMs);
        changed = true;
        continue;
      }
      let weakest: string | undefined;
      let weakestLevel = Number.POSITIVE_INFINITY;
      for (const m of this.#members) {
        const ml = this.levelDbov(m, nowMs);
        const held = nowMs - (this.#sources.get(m)?.memberSinceMs ?? nowMs);
        if (held >= c.minHoldMs && ml < weakestLevel) {
          weakest = m;
          weakestLevel = ml;
        }
      }
      if (weakest === undefined || level < weakestLevel + c.switchMarginDb) break; // Sorted: no later one wins.
      const w = this.#sources.get(weakest);
      if (w !== undefined) w.memberSinceMs = undefined;
      this.#members = this.#members.filter((m) => m !== weakest);
      this.#admit(id, nowMs);
      changed = true;
    }
    this.#members.sort((a, b) => this.levelDbov(b, nowMs) - this.levelDbov(a, nowMs));
    return changed;
  }

  #admit(id: string, nowMs: number): void {
    const s = this.#sources.get(id);
    if (s !== undefined) s.memberSinceMs = nowMs;
    this.#members.push(id);
  }

  #updateSpeaking(s: SourceLevel): void {
    const t = this.#c.activityThresholdDbov;
    if (s.speaking ? s.levelDbov < t - SPEAKING_OFF_DB : s.levelDbov >= t) s.speaking = !s.speaking;
  }
}
