// Opens a market-data file as a stream of byte chunks: plain, gzip (zlib, streaming) or zip (yauzl, first file).
// The format is told by magic bytes, not the name. Must never read a whole file into one string or buffer.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';

export type Compression = 'gzip' | 'zip' | 'none';

const READ_CHUNK_BYTES = 1 << 20;
const INFLATE_CHUNK_BYTES = 1 << 18;

/** Tells the container from the first bytes: gzip 1f 8b, zip "PK\3\4". */
export async function detectCompression(path: string): Promise<Compression> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileOpenError(path, e);
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    return 'none';
  } finally {
    await handle.close();
  }
}

/**
 * Yields the decompressed bytes of `path` in chunks of up to a few hundred KiB. A truncated or corrupt gzip or
 * zip stream throws an InputError naming the file, after the chunks before the damage were yielded (callers
 * that write anything must finish reading first).
 */
export async function* readChunks(path: string): AsyncGenerator<Buffer> {
  const compression = await detectCompression(path);
  const stream = await openStream(path, compression);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    throw streamError(path, compression, e);
  } finally {
    stream.destroy();
  }
}

async function openStream(path: string, compression: Compression): Promise<Readable> {
  switch (compression) {
    case 'none':
      return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    case 'gzip': {
      const source = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
      const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
      source.on('error', (e) => gunzip.destroy(e));
      return source.pipe(gunzip);
    }
    case 'zip':
      return openZipEntry(path);
  }
}

async function openZipEntry(path: string): Promise<Readable> {
  const yauzl = await import('yauzl');
  let zip;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: true });
  } catch (e) {
    throw new InputError('INVALID_FILE', path, `not a readable zip archive (${messageOf(e)})`, 'download the file again');
  }
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    // data.binance.vision zips hold exactly one CSV; we read the first file.
    return zip.openReadStreamPromise(entry);
  }
  zip.close();
  throw new InputError('INVALID_FILE', path, 'the zip archive holds no file', 'download the file again');
}

function fileOpenError(path: string, e: unknown): InputError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new InputError('NOT_FOUND', path, 'no such file', 'check the path');
  return new InputError('INVALID_FILE', path, `cannot be read (${messageOf(e)})`, 'check the path and permissions');
}

function streamError(path: string, compression: Compression, e: unknown): InputError {
  if (e instanceof InputError) return e;
  const what = compression === 'gzip' ? 'gzip stream' : compression === 'zip' ? 'zip entry' : 'file';
  const truncated = /unexpected end of file/i.test(messageOf(e));
  return new InputError(
    'INVALID_FILE',
    path,
    truncated ? `the ${what} is truncated (unexpected end of file)` : `the ${what} is corrupt (${messageOf(e)})`,
    `download ${basename(path)} again (and check its .CHECKSUM)`,
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
