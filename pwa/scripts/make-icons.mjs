// Draws Warta's PNG icons (a white "W" on UNEJ blue) with no dependencies: a tiny rasterizer
// and PNG encoder. Maskable icons keep the mark inside the central 80 % safe zone.
// Run: node scripts/make-icons.mjs (writes public/icons/ and public/apple-touch-icon.png).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const BLUE = [0x0b, 0x57, 0xa4];
const WHITE = [0xff, 0xff, 0xff];

// The "W" of favicon.svg, in a 64-unit box.
const W = [
  [12, 18],
  [20, 18],
  [25, 40],
  [31, 18],
  [37, 18],
  [43, 40],
  [48, 18],
  [56, 18],
  [47, 48],
  [39, 48],
  [34, 29],
  [29, 48],
  [21, 48],
];

function inside(x, y, poly) {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, { maskable, rounded }) {
  const scale = maskable ? 0.7 : 0.95;
  const offset = (64 - 64 * scale) / 2;
  const radius = rounded ? size * 0.22 : 0;
  const raw = Buffer.alloc((size * 3 + 1) * size);
  const samples = 3;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (((x + (sx + 0.5) / samples) / size) * 64 - offset) / scale;
          const v = (((y + (sy + 0.5) / samples) / size) * 64 - offset) / scale;
          if (inside(u, v, W)) hits++;
        }
      }
      const a = hits / (samples * samples);
      let color = BLUE.map((b, i) => Math.round(b * (1 - a) + WHITE[i] * a));
      if (radius) {
        const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
        const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > radius ** 2) color = WHITE;
      }
      raw.set(color, y * (size * 3 + 1) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = [
  ['icons/icon-192.png', 192, { maskable: false, rounded: false }],
  ['icons/icon-512.png', 512, { maskable: false, rounded: false }],
  ['icons/maskable-192.png', 192, { maskable: true, rounded: false }],
  ['icons/maskable-512.png', 512, { maskable: true, rounded: false }],
  ['apple-touch-icon.png', 180, { maskable: true, rounded: false }],
];
for (const [name, size, opts] of out) {
  const file = join(root, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, png(size, opts));
}
process.stdout.write(`wrote ${out.length} icons\n`);
