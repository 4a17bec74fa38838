/**
 * Compressed attachments (a CSV in a zip from a national CERT, a DMARC report as .xml.gz or .zip): unpacked
 * with the zip reader and the limits of the Shadowserver path (ZIP_LIMITS: total size, ratio, entries), so
 * that a bomb is refused the same way whatever its format.
 */
import { Gunzip } from "fflate";
import { ReportFormatError } from "./common.ts";
import { unzipCsv, ZIP_LIMITS } from "./shadowserver.ts";

export interface UnpackedFile {
  name: string;
  data: Uint8Array;
}

/** Files of a zip that a structured reader may understand. */
const READABLE_IN_ZIP = /\.(csv|txt|tsv|xml|json)$/i;

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

/** Inflates a gzip stream with the zip limits: more than maxBytes, or a bomb's ratio, is refused. */
export function gunzipBounded(data: Uint8Array, limits = ZIP_LIMITS): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let failure: string | undefined;
  const gunzip = new Gunzip((chunk) => {
    if (failure) return;
    total += chunk.length;
    if (total > limits.maxBytes || (total > limits.ratioFloor && total > data.length * limits.maxRatio)) {
      failure = `gzip expands past the limit (more than ${Math.round(total / 1024 / 1024)} MB from ${Math.round(data.length / 1024)} kB): refused as a bomb`;
      return;
    }
    chunks.push(chunk);
  });
  try {
    const step = 4 * 1024;
    for (let i = 0; i < data.length && !failure; i += step)
      gunzip.push(data.subarray(i, Math.min(data.length, i + step)), i + step >= data.length);
  } catch (e) {
    if (!failure) failure = `gzip is unreadable: ${(e as Error).message}`;
  }
  if (failure) throw new ReportFormatError(failure);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The files inside: a zip's readable entries, a gzip's one file, or the bytes themselves. */
export function unpack(data: Uint8Array, name = ""): UnpackedFile[] {
  if (isZip(data)) return unzipCsv(data, ZIP_LIMITS, READABLE_IN_ZIP);
  if (isGzip(data)) return [{ name: name.replace(/\.t?gz$/i, ""), data: gunzipBounded(data) }];
  return [{ name, data }];
}
