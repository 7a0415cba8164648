// bench/images.py --equal-score: one reference image encoded by sharp (libvips) at each
// quality of a sweep, with the settings a peer uses (eleventy-img, Astro): sharp's
// defaults, mozjpeg for JPEG. Writes sharp-<format>-<quality>.<ext> into the folder.
import sharp from "sharp";

const [reference, folder, specs] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
sharp.cache(false);
const encoders = {
  avif: (p, q) => p.avif({ quality: q }),
  webp: (p, q) => p.webp({ quality: q }),
  jpeg: (p, q) => p.jpeg({ quality: q, mozjpeg: true }),
};
for (const { format, quality } of specs) {
  await encoders[format](sharp(reference), quality).toFile(`${folder}/sharp-${format}-${quality}.${format}`);
}
