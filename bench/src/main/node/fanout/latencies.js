'use strict';

/**
 * The latencies of one run, in nanoseconds, kept whole up to `capacity` values (one per expected
 * delivery) and summarised by nearest-rank percentiles. Bounded: past the capacity values are
 * counted in `dropped`, not kept.
 */
class Latencies {
  constructor(capacity) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error('capacity must be a positive integer, got ' + capacity);
    }
    this.values = new Float64Array(capacity);
    this.count = 0;
    this.dropped = 0;
  }

  record(nanos) {
    if (this.count < this.values.length) {
      this.values[this.count++] = nanos;
    } else {
      this.dropped++;
    }
  }

  /** Nearest-rank percentiles (p in (0, 1]) and the maximum; NaN for each when empty. */
  summary(ps) {
    const sorted = this.values.slice(0, this.count).sort();
    const at = p => (this.count === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * this.count) - 1)]);
    return { percentiles: ps.map(at), max: this.count === 0 ? NaN : sorted[this.count - 1] };
  }
}

module.exports = { Latencies };
