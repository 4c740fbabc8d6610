/**
 * A byte-bounded LRU of small immutable files (playlists, hot segments). Published HLS folders never change, so
 * an entry can only go stale when its video is deleted: this process calls deletePrefix, and a deletion made by
 * another process (the cleanup job of a separate worker) is noticed within maxAgeMs, after which an entry must be
 * loaded again by the route, which checks the video still exists.
 */
export interface CachedFile {
  body: Buffer;
  mtimeMs: number;
}

export class ByteLru {
  private map = new Map<string, CachedFile & { cachedAt: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly maxBytes: number,
    /** Larger files are streamed from disk, never cached. */
    readonly maxEntryBytes: number,
    readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedFile | undefined {
    const v = this.map.get(key);
    if (!v || this.now() - v.cachedAt > this.maxAgeMs) {
      if (v) this.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: CachedFile): void {
    if (value.body.length > this.maxEntryBytes || value.body.length > this.maxBytes) return;
    this.delete(key);
    this.map.set(key, { body: value.body, mtimeMs: value.mtimeMs, cachedAt: this.now() });
    this.bytes += value.body.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.body.length;
    }
  }

  delete(key: string): void {
    const v = this.map.get(key);
    if (!v) return;
    this.map.delete(key);
    this.bytes -= v.body.length;
  }

  deletePrefix(prefix: string): void {
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.delete(k);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.map.size, bytes: this.bytes };
  }
}
