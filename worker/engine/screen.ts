/**
 * Reads the text on a QEMU `screendump` (PPM) with the console font the booted system loaded: the screen is cut
 * into character cells (8 pixels wide on the EFI framebuffer, 9 in VGA text mode; 16 high) and each cell becomes the
 * printable ASCII glyph of the PSF font nearest to it. A blank screen reads as blank lines, a garbled one as `?`.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export type ConsoleFont = { height: number; glyphs: Buffer[] };

/** A PSF1 or PSF2 font (gzipped or not); only the 8-pixel-wide glyphs of one console font. */
export function readPsf(file: string): ConsoleFont {
  let data = readFileSync(file);
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  if (data[0] === 0x36 && data[1] === 0x04) {
    const height = data[3]!;
    const count = data[2]! & 1 ? 512 : 256;
    return { height, glyphs: Array.from({ length: count }, (_, i) => data.subarray(4 + i * height, 4 + (i + 1) * height)) };
  }
  if (data.readUInt32LE(0) === 0x864ab572) {
    const headerSize = data.readUInt32LE(8);
    const count = data.readUInt32LE(16);
    const bytesPerGlyph = data.readUInt32LE(20);
    const height = data.readUInt32LE(24);
    const width = data.readUInt32LE(28);
    if (width !== 8) throw new Error(`${file}: a ${width}-pixel-wide font; the screen reader takes 8`);
    return { height, glyphs: Array.from({ length: count }, (_, i) => data.subarray(headerSize + i * bytesPerGlyph, headerSize + (i + 1) * bytesPerGlyph)) };
  }
  throw new Error(`${file} is not a PSF console font`);
}

export type Image = { width: number; height: number; rgb: Buffer };

/** A binary PPM (P6, maxval 255), as QEMU's screendump writes it. */
export function parsePpm(data: Buffer): Image {
  const header: string[] = [];
  let at = 0;
  while (header.length < 4) {
    while (at < data.length && /\s/.test(String.fromCharCode(data[at]!))) at++;
    if (data[at] === 0x23) {
      while (at < data.length && data[at] !== 0x0a) at++;
      continue;
    }
    const start = at;
    while (at < data.length && !/\s/.test(String.fromCharCode(data[at]!))) at++;
    header.push(data.subarray(start, at).toString("latin1"));
  }
  const [magic, w, h, max] = header;
  if (magic !== "P6" || max !== "255") throw new Error(`not a P6/255 PPM screendump (${magic} ${max})`);
  const width = Number(w);
  const height = Number(h);
  const rgb = data.subarray(at + 1, at + 1 + width * height * 3);
  if (rgb.length !== width * height * 3) throw new Error("truncated PPM screendump");
  return { width, height, rgb };
}

/** The screen's text, one string per character row, trailing blanks trimmed. */
export function readScreen(image: Image, font: ConsoleFont): string[] {
  // VGA text mode renders 9-pixel cells (720 wide for 80 columns); the framebuffer console 8-pixel ones.
  const cellWidth = image.width % 9 === 0 && image.width / 9 <= 90 ? 9 : 8;
  const cols = Math.floor(image.width / cellWidth);
  const rows = Math.floor(image.height / font.height);
  const printable: [string, Buffer][] = [];
  for (let code = 0x21; code < 0x7f; code++) printable.push([String.fromCharCode(code), font.glyphs[code]!]);
  const lit = (x: number, y: number) => {
    const i = (y * image.width + x) * 3;
    return Math.max(image.rgb[i]!, image.rgb[i + 1]!, image.rgb[i + 2]!) > 0x50;
  };
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = "";
    for (let col = 0; col < cols; col++) {
      const cell = Buffer.alloc(font.height);
      let bits = 0;
      for (let y = 0; y < font.height; y++) {
        let byte = 0;
        for (let x = 0; x < 8; x++) byte = (byte << 1) | (lit(col * cellWidth + x, row * font.height + y) ? 1 : 0);
        cell[y] = byte;
        bits += popcount(byte);
      }
      if (bits === 0) {
        line += " ";
        continue;
      }
      let best = "?";
      let bestDistance = 7; // a cursor or a slightly different glyph of the same letter; more is another picture
      for (const [char, glyph] of printable) {
        let d = 0;
        for (let y = 0; y < font.height && d < bestDistance; y++) d += popcount(cell[y]! ^ glyph[y]!);
        if (d < bestDistance) {
          best = char;
          bestDistance = d;
        }
      }
      line += best;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}

/** The shell prompt of a ZXCV live system (`zxcv# `, maybe with the cursor after it) on a line of the screen. */
export function promptLine(lines: string[]): string | undefined {
  return lines.find((l) => /^zxcv# ?\S?$/.test(l));
}
