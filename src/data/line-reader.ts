// Splits a stream of byte chunks into lines and hands each one over as (buffer, start, end): no string per line.
// Must never hold more than one chunk plus one partial line; `\r\n` and `\n` both end a line.

/** Called once per non-empty line; `lineNo` is 1-based and counts every line of the file, blank ones too. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

const LF = 10;
const CR = 13;

/** Feeds every line of `chunks` to `onLine`. Returns the number of lines seen (including blank lines). */
export async function forEachLine(chunks: AsyncIterable<Buffer>, onLine: LineHandler): Promise<number> {
  let lineNo = 0;
  let carry: Buffer | undefined;
  const emit = (buf: Buffer, start: number, end: number): void => {
    lineNo++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end > start) onLine(buf, start, end, lineNo);
  };
  for await (const chunk of chunks) {
    let pos = 0;
    if (carry) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = undefined;
      emit(joined, 0, joined.length);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) break;
      emit(chunk, pos, nl);
      pos = nl + 1;
    }
    // Copy the tail: the stream may reuse the chunk's memory for the next read.
    if (pos < chunk.length) carry = Buffer.from(chunk.subarray(pos));
  }
  if (carry) emit(carry, 0, carry.length);
  return lineNo;
}
