export type { RealClockOptions } from './real-clock.js';
export { RealClock } from './real-clock.js';
export type { Ticker } from './ticker.js';
export { startTicker } from './ticker.js';
export type { Clock, ClockTimer } from './types.js';
export { VirtualClock } from './virtual-clock.js';
