/**
 * Word storage allocated lazily in pages, so a memory with a 1 GiB (or 64 GiB) address space
 * costs host memory only for the pages a simulation touches. Each entry is `wordsPerEntry`
 * 32-bit words; untouched entries read as zero.
 */
export class PagedStorage {
  private readonly pages: (Uint32Array | undefined)[] = [];
  /** Entries per page: a power of two so the page index is a shift. */
  readonly entriesPerPage: number;
  private readonly pageShift: number;
  private readonly offsetMask: number;
  private pageCount = 0;

  constructor(
    readonly entries: number,
    readonly wordsPerEntry: number,
    pageBytes = 64 * 1024,
  ) {
    const perPage = Math.max(1, Math.floor(pageBytes / (4 * wordsPerEntry)));
    this.pageShift = 31 - Math.clz32(perPage);
    this.entriesPerPage = 1 << this.pageShift;
    this.offsetMask = this.entriesPerPage - 1;
  }

  /** Host bytes allocated so far. */
  get allocatedBytes(): number {
    return this.pageCount * this.entriesPerPage * this.wordsPerEntry * 4;
  }

  /** Word `w` of entry `index`; 0 where nothing was written. */
  readWord(index: number, w: number): number {
    const page = this.pages[this.pageOf(index)];
    return page === undefined ? 0 : page[(index & this.offsetMask) * this.wordsPerEntry + w]!;
  }

  /** Page number of an entry: a shift for the (usual) 32-bit indices. */
  private pageOf(index: number): number {
    return index <= 0xffffffff ? index >>> this.pageShift : Math.floor(index / this.entriesPerPage);
  }

  /** Sets word `w` of entry `index`, keeping only the bits set in `mask`. */
  writeWord(index: number, w: number, value: number, mask: number): void {
    const page = this.pageFor(index);
    const at = (index & this.offsetMask) * this.wordsPerEntry + w;
    page[at] = (page[at]! & ~mask) | (value & mask);
  }

  private pageFor(index: number): Uint32Array {
    const p = this.pageOf(index);
    let page = this.pages[p];
    if (page === undefined) {
      page = new Uint32Array(this.entriesPerPage * this.wordsPerEntry);
      this.pages[p] = page;
      this.pageCount++;
    }
    return page;
  }

  /** Drops every page (contents become zero). */
  clear(): void {
    this.pages.length = 0;
    this.pageCount = 0;
  }
}
