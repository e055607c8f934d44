import type { Diagnostic } from '../model/diagnostic.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a file as UTF-8 (a BOM is dropped), or says where the first byte that
 * is not UTF-8 sits. YAML files must be UTF-8; guessing another encoding would
 * silently change values.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { diagnostic: Diagnostic } {
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = countNewlines(before) + 1;
    const column = [...before.slice(lineStart)].length + 1;
    return {
      diagnostic: {
        severity: 'error',
        code: 'load.not-utf8',
        message: `file is not valid utf-8: byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset}`,
        hint: 're-save the file as utf-8 (e.g. `iconv -f latin1 -t utf-8`)',
        file,
        line,
        column,
      },
    };
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1) {
      // TextDecoder finds overlongs and surrogates too; check them by decoding the sequence alone
      const seq = bytes.subarray(i, i + length);
      if (seq.length < length) return i;
      try {
        decoder.decode(seq);
      } catch {
        return i;
      }
    }
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}
