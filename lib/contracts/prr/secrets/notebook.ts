/**
 * Jupyter notebooks are JSON: a cell's code is an array of string literals, one per source
 * line, with quotes and line breaks escaped (nbformat, "The Notebook file format"). Scanning
 * the raw JSON would see `\"` and `\n` where the code has `"` and a line break, so the
 * patterns would miss secrets. This extractor streams the file and emits the decoded text of
 * every string literal (one literal per line), in constant memory, so a notebook of any size
 * (large image outputs included) is scanned as the code its cells hold.
 *
 * Pure: text in, text out.
 */

type State = 'outside' | 'string' | 'escape' | 'unicode';

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export class NotebookTextExtractor {
  private state: State = 'outside';
  private hex = '';
  private fileLine = 1;
  private literalLine = 1;
  private lastEmitted = '\n';
  private atLineStart = true;
  /** Decoded line index (0-based) -> line of the notebook file (1-based) it comes from. */
  private readonly lineMap: number[] = [];

  /** Decode a chunk of the notebook file; returns the decoded text of its string literals. */
  push(chunk: string): string {
    let out = '';
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charAt(i);
      switch (this.state) {
        case 'outside':
          if (c === '"') {
            this.state = 'string';
            this.literalLine = this.fileLine;
          } else if (c === '\n') this.fileLine++;
          break;
        case 'string':
          if (c === '"') {
            this.state = 'outside';
            // One literal per decoded line: nbformat source lines end in "\n" except the last.
            if (this.lastEmitted !== '\n') out += this.emit('\n');
          } else if (c === '\\') this.state = 'escape';
          else {
            if (c === '\n') this.fileLine++; // invalid JSON, but keep the line count true
            out += this.emit(c);
          }
          break;
        case 'escape':
          if (c === 'u') {
            this.state = 'unicode';
            this.hex = '';
          } else {
            this.state = 'string';
            out += this.emit(ESCAPES[c] ?? c);
          }
          break;
        case 'unicode':
          this.hex += c;
          if (this.hex.length === 4) {
            this.state = 'string';
            const code = Number.parseInt(this.hex, 16);
            out += this.emit(Number.isNaN(code) ? '' : String.fromCharCode(code));
          }
          break;
      }
    }
    return out;
  }

  /** The notebook line a decoded line (1-based) came from. */
  fileLineOf(decodedLine: number): number {
    return this.lineMap[decodedLine - 1] ?? this.fileLine;
  }

  private emit(text: string): string {
    for (let i = 0; i < text.length; i++) {
      if (this.atLineStart) {
        this.lineMap.push(this.literalLine);
        this.atLineStart = false;
      }
      if (text.charAt(i) === '\n') this.atLineStart = true;
    }
    if (text !== '') this.lastEmitted = text.charAt(text.length - 1);
    return text;
  }
}
