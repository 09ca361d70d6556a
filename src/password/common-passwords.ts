import { createRequire } from 'node:module';

/** The file of @zxcvbn-ts/language-common that holds its password frequency list. */
const LIST_MODULE = '@zxcvbn-ts/language-common/dist/passwords.json.cjs';

/**
 * zxcvbn's list of common passwords (~49k, most common first), held compactly: lower-cased,
 * sorted and joined into one string, looked up by binary search. As an array and a Set of
 * strings, with the package's module kept loaded, the list held about 4 MiB of heap for the
 * life of the process; this holds about 0.6 MiB.
 */
export class CommonPasswords {
  /** The words, sorted, each followed by '\n'. */
  private readonly words: string;
  /** Where each word starts in `words`, in sorted order. */
  private readonly starts: Uint32Array;
  /** 1 where the word at that sorted position is among the `topCount` most common. */
  private readonly top: Uint8Array;

  /** `list`: most common first; the first `topCount` are the most common. */
  constructor(list: readonly string[], topCount: number) {
    const rank = new Map<string, number>();
    list.forEach((word, i) => {
      const lower = word.toLowerCase();
      if (!rank.has(lower)) rank.set(lower, i);
    });
    const sorted = [...rank.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.starts = new Uint32Array(sorted.length);
    this.top = new Uint8Array(sorted.length);
    let at = 0;
    sorted.forEach((word, i) => {
      this.starts[i] = at;
      at += word.length + 1;
      if (rank.get(word)! < topCount) this.top[i] = 1;
    });
    this.words = `${sorted.join('\n')}\n`;
  }

  /**
   * The package's list, read once. The modules this loads (the list's and the decompressor it
   * requires) are dropped from the require cache afterwards, so that the list's array of strings
   * and its source (380 KB) can be collected.
   */
  static load(topCount: number): CommonPasswords {
    const require = createRequire(import.meta.url);
    const before = new Set(Object.keys(require.cache));
    try {
      return new CommonPasswords(require(LIST_MODULE) as string[], topCount);
    } finally {
      for (const path of Object.keys(require.cache)) if (!before.has(path)) delete require.cache[path];
    }
  }

  get size(): number {
    return this.starts.length;
  }

  /** Whether `lower` (already lower-cased) is on the list. */
  has(lower: string): boolean {
    return this.find(lower) >= 0;
  }

  /** Whether `lower` (already lower-cased) is among the `topCount` most common. */
  isTop(lower: string): boolean {
    const i = this.find(lower);
    return i >= 0 && this.top[i] === 1;
  }

  private find(word: string): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const start = this.starts[mid];
      const end = mid + 1 < this.starts.length ? this.starts[mid + 1] - 1 : this.words.length - 1;
      const candidate = this.words.slice(start, end);
      if (candidate === word) return mid;
      if (candidate < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
