/**
 * A small bounded cache: LRU by Map insertion order, with a time to live taken from the injected clock. For
 * per-process caches of facts a request needs again soon (sessions, lesson facts, access answers).
 */
export class TtlLru<V> {
  private readonly map = new Map<string, { v: V; until: number }>();
  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.until <= this.now()) return undefined;
    this.map.set(key, e);
    return e.v;
  }
  set(key: string, v: V) {
    this.map.delete(key);
    this.map.set(key, { v, until: this.now() + this.ttlMs });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  get size() {
    return this.map.size;
  }
}
