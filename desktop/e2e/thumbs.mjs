// Small copies of the WebDriver run's screenshots for docs/desktop.md: each PNG in SRC scaled
// down to at most WIDTH pixels wide (box filter) and written to DEST under the same name.
//   node desktop/e2e/thumbs.mjs target/e2e-screenshots docs/img/desktop [WIDTH]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";

const [src, dest, widthArg] = process.argv.slice(2);
if (!src || !dest) {
  console.error("usage: node thumbs.mjs SRC DEST [WIDTH]");
  process.exit(2);
}
const width = Number(widthArg ?? 640);
mkdirSync(dest, { recursive: true });
for (const name of readdirSync(src).filter((f) => f.endsWith(".png")).sort()) {
  const png = PNG.sync.read(readFileSync(join(src, name)));
  const factor = Math.max(1, Math.ceil(png.width / width));
  const out = new PNG({ width: Math.floor(png.width / factor), height: Math.floor(png.height / factor), colorType: 2 });
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const sum = [0, 0, 0];
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const i = ((y * factor + dy) * png.width + (x * factor + dx)) * 4;
          sum[0] += png.data[i];
          sum[1] += png.data[i + 1];
          sum[2] += png.data[i + 2];
        }
      }
      const o = (y * out.width + x) * 4;
      for (let c = 0; c < 3; c++) out.data[o + c] = Math.round(sum[c] / (factor * factor));
      out.data[o + 3] = 255;
    }
  }
  writeFileSync(join(dest, name), PNG.sync.write(out, { colorType: 2, deflateLevel: 9 }));
  console.log(`${name}: ${png.width}x${png.height} -> ${out.width}x${out.height}`);
}
