// Extracts one entry of a zip archive (the kubectl layer), with nothing but node: node unzip-entry.cjs ARCHIVE ENTRY OUT
const fs = require("fs");
const zlib = require("zlib");
const [archive, entry, out] = process.argv.slice(2);
const zip = fs.readFileSync(archive);
let end = zip.length - 22;
while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
if (end < 0) throw new Error(`${archive}: not a zip archive`);
let at = zip.readUInt32LE(end + 16);
const count = zip.readUInt16LE(end + 10);
for (let i = 0; i < count; i++) {
  const method = zip.readUInt16LE(at + 10);
  const size = zip.readUInt32LE(at + 20);
  const nameLength = zip.readUInt16LE(at + 28);
  const extraLength = zip.readUInt16LE(at + 30);
  const commentLength = zip.readUInt16LE(at + 32);
  const local = zip.readUInt32LE(at + 42);
  const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
  if (name === entry) {
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    fs.writeFileSync(out, method === 0 ? data : zlib.inflateRawSync(data), { mode: 0o755 });
    process.exit(0);
  }
  at += 46 + nameLength + extraLength + commentLength;
}
throw new Error(`${archive}: no entry ${entry}`);
