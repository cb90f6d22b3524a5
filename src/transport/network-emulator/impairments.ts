import type { ResolvedNetworkConditions } from './options.js';
import type { SeededRandom } from './random.js';

/** What the loss model decided for a packet: kept, or lost and why. @internal */
export type LossVerdict = 'kept' | 'random' | 'burst';

/**
 * The loss process of one path. Gilbert–Elliott state survives a change of conditions, so switching
 * regime mid-burst behaves like a real link. @internal
 */
export class LossProcess {
  #bad = false;

  /** Decides the fate of the next packet, drawing from `random` only when the model needs it. */
  next(conditions: ResolvedNetworkConditions, random: SeededRandom): LossVerdict {
    const loss = conditions.loss;
    if (loss.model === 'none') return 'kept';
    if (loss.model === 'bernoulli') {
      return loss.rate > 0 && random.next() < loss.rate ? 'random' : 'kept';
    }
    // Transition first, then decide in the new state: a burst in Bad lasts 1/r packets on average.
    if (this.#bad) {
      if (random.next() < loss.r) this.#bad = false;
    } else if (loss.p > 0 && random.next() < loss.p) {
      this.#bad = true;
    }
    const lossProbability = this.#bad ? conditions.lossInBad : conditions.lossInGood;
    if (lossProbability <= 0) return 'kept';
    if (lossProbability < 1 && random.next() >= lossProbability) return 'kept';
    return this.#bad ? 'burst' : 'random';
  }
}

/**
 * One-way delay of a packet, ms: base delay plus a jitter sample, never below 0. Draws from
 * `random` only when jitter is active. @internal
 */
export function sampleDelayMs(conditions: ResolvedNetworkConditions, random: SeededRandom): number {
  const jitterMs = conditions.jitterMs;
  if (jitterMs === 0) return conditions.delayMs;
  let jitter: number;
  switch (conditions.jitterDistribution) {
    case 'uniform':
      jitter = (2 * random.next() - 1) * jitterMs;
      break;
    case 'normal': {
      // Truncated at ±3σ by rejection, so the shape inside the bounds stays exactly normal.
      let z = random.normal();
      while (z > 3 || z < -3) z = random.normal();
      jitter = z * jitterMs;
      break;
    }
    case 'pareto': {
      // Lomax (Pareto II) with scale jitterMs·(α−1) has mean jitterMs and P(X > x) = (1 + x/scale)^−α.
      const shape = conditions.paretoShape;
      jitter = jitterMs * (shape - 1) * (random.nextOpen() ** (-1 / shape) - 1);
      break;
    }
    default:
      jitter = 0;
  }
  const total = conditions.delayMs + jitter;
  return Math.max(total, 0);
}
