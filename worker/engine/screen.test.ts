import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parsePpm, promptLine, readPsf, readScreen, type ConsoleFont } from "./screen";

// A made-up PSF1 font (256 glyphs, 16 rows) whose glyph for each code is a distinct bit pattern.
function fontFile(): string {
  const data = Buffer.alloc(4 + 256 * 16);
  data.set([0x36, 0x04, 0x00, 16]);
  for (let code = 0x21; code < 0x7f; code++) for (let row = 0; row < 16; row++) data[4 + code * 16 + row] = ((code * 37 + row * 11) ^ (row * code)) & 0xff || 1;
  const file = join(mkdtempSync(join(tmpdir(), "zxcv-font-")), "font.psf");
  writeFileSync(file, data);
  return file;
}

/** A screendump of text drawn with the font: 80x25 cells of 9x16 pixels (VGA text) or 8x16 (framebuffer). */
function screendump(font: ConsoleFont, rows: string[], cellWidth: 8 | 9, width: number, height: number, noise = false): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  rows.forEach((text, row) =>
    [...text].forEach((char, col) => {
      const glyph = font.glyphs[char.charCodeAt(0)]!;
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 8; x++)
          if (glyph[y]! & (0x80 >> x))
            rgb.fill(0xaa, ((row * 16 + y) * width + col * cellWidth + x) * 3, ((row * 16 + y) * width + col * cellWidth + x) * 3 + 3);
    }),
  );
  if (noise) for (let i = 0; i < rgb.length; i += 7) rgb[i] = 0xff;
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), rgb]);
}

test("reads the prompt off a VGA text screen and an EFI framebuffer", () => {
  const font = readPsf(fontFile());
  for (const [cellWidth, width, height] of [
    [9, 720, 400],
    [8, 1280, 800],
  ] as const) {
    const lines = readScreen(parsePpm(screendump(font, ["BusyBox v1.35.0 built-in shell (ash)", "", "zxcv# "], cellWidth, width, height)), font);
    assert.equal(lines[0], "BusyBox v1.35.0 built-in shell (ash)");
    assert.equal(promptLine(lines), "zxcv#");
  }
});

test("a blank screen, a wrong one and a garbled one show no prompt", () => {
  const font = readPsf(fontFile());
  assert.equal(promptLine(readScreen(parsePpm(screendump(font, [], 9, 720, 400)), font)), undefined);
  assert.deepEqual(readScreen(parsePpm(screendump(font, [], 9, 720, 400)), font).filter(Boolean), []);
  assert.equal(promptLine(readScreen(parsePpm(screendump(font, ["Booting `ZXCV Linux'", "login: "], 9, 720, 400)), font)), undefined);
  assert.equal(promptLine(readScreen(parsePpm(screendump(font, ["zxcv# "], 8, 1280, 800, true)), font)), undefined);
});

test("refuses what is not a PPM screendump or a PSF font", () => {
  assert.throws(() => parsePpm(Buffer.from("P5\n2 2\n255\n\0\0\0\0")), /not a P6/);
  const file = join(mkdtempSync(join(tmpdir(), "zxcv-font-")), "x.psf");
  writeFileSync(file, "hello");
  assert.throws(() => readPsf(file), /not a PSF console font/);
});
