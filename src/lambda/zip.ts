// Extracts a deployment package (.zip) the way Lambda unpacks Code.ZipFile: reads the central
// directory, inflates stored / deflated entries and refuses paths that escape the target directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Writes every file of the archive under `dir`; returns the number of files. */
export function extractZip(zip: Buffer, dir: string): number {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const root = resolve(dir);
  let files = 0;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (zip.readUInt32LE(local) !== LOCAL) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) throw new ZipError(`Refusing to extract ${name}: it leaves the function directory`);
    if (name.endsWith('/')) { mkdirSync(target, { recursive: true }); continue; }
    const raw = zip.subarray(start, start + size);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new ZipError(`Unsupported compression method ${method} for ${name}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(join(target), data);
    files++;
  }
  return files;
}
