// bench/images.py's counterpart: the same photos, widths and qualities encoded by sharp
// (libvips) with the same concurrency. Prints one JSON object: seconds, cpu (CPU seconds of
// every thread), files, bytes.
import os from "node:os";
import sharp from "sharp";

const { photos, widths, quality, concurrency } = JSON.parse(process.argv[2]);
sharp.concurrency(1); // one libvips thread per job; `concurrency` jobs run at once
sharp.cache(false);

const formats = {
  // libaom speed = 9 - effort (libvips); chroma as ours (sharp's default is 4:4:4 too).
  avif: (p) => p.avif({ quality: quality.avif, effort: 9 - quality.avif_speed, chromaSubsampling: quality.avif_subsampling || "4:4:4" }),
  webp: (p) => p.webp({ quality: quality.webp, effort: quality.webp_method }),
  jpg: (p) => p.jpeg({ quality: quality.jpeg, mozjpeg: true }), // as eleventy-img and Astro use it
};
const jobs = [];
for (const photo of photos) for (const width of widths) jobs.push({ photo, width });

const bytes = {};
let files = 0;
async function worker() {
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    // One decode per (photo, width), like the pipeline's tasks; metadata dropped.
    const resized = await sharp(job.photo).rotate().resize({ width: job.width, withoutEnlargement: true })
      .toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    for (const [ext, encode] of Object.entries(formats)) {
      const input = sharp(resized.data, { raw: resized.info });
      const out = await encode(input).toBuffer();
      bytes[ext] = (bytes[ext] || 0) + out.length;
      files += 1;
    }
  }
}
const started = performance.now();
const cpuStarted = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency || os.cpus().length }, worker));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpuStarted);
const cpu = (used.user + used.system) / 1e6;
process.stdout.write(JSON.stringify({ seconds, cpu, files, bytes }));
