/**
 * Cuts a stream of text into bounded pieces so that the cost of scanning never depends on how
 * long a line is. Regular-expression scanners cost up to quadratic time in the length of the
 * text they search when a pattern backtracks; capping every piece caps that cost, and the
 * overlap between pieces keeps a secret that straddles a cut whole in at least one piece.
 *
 * Pure: no I/O, no clock.
 */

/** Size limits of the pieces handed to a matcher. */
export interface SegmentCaps {
  /** Longest piece, in characters. */
  readonly size: number;
  /** Characters repeated at the start of the next piece (the longest secret found whole). */
  readonly overlap: number;
}

/**
 * Pieces for the secretlint rules: 16 KiB, repeating 4 KiB, which holds a whole PEM block of
 * an RSA 4096 key (about 3.2 KiB) and any token format of the rules.
 */
export const SEGMENT_CAPS: SegmentCaps = { size: 16 * 1024, overlap: 4 * 1024 };

/** Lines for the line rules: longer lines are cut into overlapping windows of this size. */
export const LINE_CAPS: SegmentCaps = { size: 4 * 1024, overlap: 512 };

/** A piece of the stream, where it starts in it (characters from the start) and on which line. */
export interface Segment {
  readonly start: number;
  /** 1-based line of the piece's first character. */
  readonly line: number;
  readonly text: string;
}

/** Number of line breaks in `text`. */
export function countBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Buffers pushed text and releases pieces of at most `caps.size` characters. A piece ends at
 * the last line break that fits, so multi-line secrets stay whole; a line longer than a piece
 * is cut anywhere. Consecutive pieces overlap by up to `caps.overlap` characters.
 */
export class SegmentBuffer {
  private buf = '';
  private bufStart = 0;
  private bufLine = 1;

  constructor(private readonly caps: SegmentCaps = SEGMENT_CAPS) {
    if (caps.overlap * 2 > caps.size)
      throw new RangeError('the overlap must be at most half of the piece size');
  }

  /** Add text; returns the pieces that are complete. */
  push(text: string): Segment[] {
    this.buf += text;
    const out: Segment[] = [];
    while (this.buf.length > this.caps.size) out.push(this.cut());
    return out;
  }

  /** The rest of the stream. */
  end(): Segment[] {
    if (this.buf.length === 0) return [];
    const last = { start: this.bufStart, line: this.bufLine, text: this.buf };
    this.bufStart += this.buf.length;
    this.buf = '';
    return [last];
  }

  private cut(): Segment {
    const { size, overlap } = this.caps;
    const window = this.buf.slice(0, size);
    const lastBreak = window.lastIndexOf('\n');
    // Prefer ending at a line break, unless that leaves a piece shorter than the overlap.
    const end = lastBreak >= overlap ? lastBreak + 1 : size;
    const piece = { start: this.bufStart, line: this.bufLine, text: this.buf.slice(0, end) };
    // The next piece repeats the tail, starting at a line start inside it when there is one.
    let next = end - overlap;
    const lineStart = this.buf.indexOf('\n', next);
    if (lineStart >= 0 && lineStart + 1 < end) next = lineStart + 1;
    this.bufStart += next;
    this.bufLine += countBreaks(this.buf.slice(0, next));
    this.buf = this.buf.slice(next);
    return piece;
  }
}

/** A line (or a window of a long line), where it starts in the stream, and its 1-based number. */
export interface Line {
  readonly start: number;
  readonly line: number;
  readonly text: string;
}

/**
 * Splits pushed text into lines without the line break; a line longer than `caps.size` comes
 * out as overlapping windows, so no line rule ever sees more than `caps.size` characters.
 */
export class LineSplitter {
  private partial = '';
  private partialStart = 0;
  private lineNo = 1;

  constructor(private readonly caps: SegmentCaps = LINE_CAPS) {}

  push(text: string): Line[] {
    const out: Line[] = [];
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      this.partial += text.slice(from, nl);
      out.push(...this.flushLine());
      this.partialStart += 1; // the line break itself
      this.lineNo++;
      from = nl + 1;
    }
    this.partial += text.slice(from);
    out.push(...this.flushLong());
    return out;
  }

  end(): Line[] {
    return this.flushLine();
  }

  /** Emit windows of an overlong partial line, keeping the overlap for the next window. */
  private flushLong(): Line[] {
    const out: Line[] = [];
    const { size, overlap } = this.caps;
    while (this.partial.length > size) {
      out.push({ start: this.partialStart, line: this.lineNo, text: this.partial.slice(0, size) });
      const step = size - overlap;
      this.partial = this.partial.slice(step);
      this.partialStart += step;
    }
    return out;
  }

  private flushLine(): Line[] {
    const out = this.flushLong();
    const line = this.partial.replace(/\r$/, '');
    out.push({ start: this.partialStart, line: this.lineNo, text: line });
    this.partialStart += this.partial.length;
    this.partial = '';
    return out;
  }
}
