#!/usr/bin/env node
// Prices every LLM interaction of the given cassettes twice: with
// `cassette usage --cost` and with `calcPrice` from @pydantic/genai-prices
// (the database's own calculator), both on the same data file, and requires
// the two to agree to the nano-dollar on every interaction both price
// (README.md). Differences the project makes on purpose are in docs/cost.md
// and listed in DELIBERATE below; any other difference fails the check.
//
// usage: node prices_check.mjs --cassette BIN --data DATA.json [--skip-missing CODE] [-v] PATH...
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let bin = null, data = null, skipCode = null, verbose = false;
const paths = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--cassette') bin = args[++i];
  else if (a === '--data') data = args[++i];
  else if (a === '--skip-missing') skipCode = Number(args[++i]);
  else if (a === '-v' || a === '--verbose') verbose = true;
  else paths.push(a);
}
if (!bin || !data || !paths.length) {
  console.error('usage: prices_check.mjs --cassette BIN --data DATA.json [--skip-missing CODE] [-v] PATH...');
  process.exit(2);
}
const missing = paths.filter((p) => !existsSync(p));
if (missing.length) {
  if (skipCode !== null) {
    console.log(`skipped: ${missing.join(', ')} absent`);
    process.exit(skipCode);
  }
  console.error(`absent: ${missing.join(', ')}`);
  process.exit(2);
}

// The calculator: installed here by `npm ci` (CI does; package.json pins it).
let genai;
try {
  const require = createRequire(path.join(here, 'package.json'));
  genai = require('@pydantic/genai-prices');
} catch {
  const msg = 'skipped: @pydantic/genai-prices is not installed (run `npm ci` in tests/prices_check)';
  if (skipCode !== null) {
    console.log(msg);
    process.exit(skipCode);
  }
  console.error(msg);
  process.exit(2);
}
// Both sides use the same data file, not the calculator's bundled copy.
genai.updatePrices(({ setProviderData }) => setProviderData(JSON.parse(readFileSync(data, 'utf8'))));
await genai.waitForUpdate();

function run(argv) {
  try {
    return execFileSync(bin, argv, { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // Exit 2 for the malformed files among the inputs: the rest is still reported.
    if (e.status === 2 && e.stdout) return e.stdout;
    throw e;
  }
}

const report = JSON.parse(run(['usage', '--cost', '--by', 'interaction', '--format', 'json', '--prices', data, ...paths]));
const files = report.files.filter((f) => f.interactions.length > 0);
// The request URLs, from the JSON export of the same files (JSON Lines, one document per file).
const urls = new Map();
for (let i = 0; i < files.length; i += 50) {
  const batch = files.slice(i, i + 50).map((f) => f.path);
  const out = run(['export', '--format', 'json', ...batch]);
  // One file gives one pretty document, several give JSON Lines.
  const docs = batch.length === 1 ? [JSON.parse(out)] : out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (docs.length !== batch.length) throw new Error(`export gave ${docs.length} documents for ${batch.length} files`);
  batch.forEach((p, k) => urls.set(p, docs[k].interactions.map((ix) => ix.request.url)));
}

// Deliberate differences (docs/cost.md): none so far.
const DELIBERATE = [];

let calls = 0, withUsage = 0, both = 0, agree = 0, neither = 0;
const onlyOurs = [], onlyRef = [], differ = [];
for (const f of files) {
  for (const ix of f.interactions) {
    calls++;
    if (!ix.usage) continue;
    withUsage++;
    const url = urls.get(f.path)[ix.index];
    const at = ix.priced_as && ix.priced_as.at && ix.priced_as.at !== 'now' ? new Date(ix.priced_as.at) : undefined;
    const u = ix.usage;
    const usage = {
      input_tokens: u.input_tokens,
      output_tokens: u.output_tokens,
      cache_read_tokens: u.cache_read_tokens,
      cache_write_tokens: u.cache_write_tokens,
      output_reasoning_tokens: u.reasoning_tokens,
    };
    let ref = null, refError = null;
    try {
      ref = genai.calcPrice(usage, ix.model, { providerApiUrl: url, ...(at ? { timestamp: at } : {}) });
    } catch (e) {
      refError = e.message;
    }
    const where = `${f.path} #${ix.index} ${ix.model} ${url}`;
    const ours = ix.cost === null ? null : Math.round(ix.cost * 1e9);
    if (ours === null && !ref) {
      neither++;
      if (verbose) console.log(`unpriced by both: ${where} (${ix.priced_as.unpriced}${refError ? '; calcPrice: ' + refError : ''})`);
      continue;
    }
    if (ours === null) {
      onlyRef.push(`${where}: calcPrice ${ref.total_price} (${ref.provider.id}/${ref.model.id}); cassette: ${ix.priced_as.unpriced}`);
      continue;
    }
    if (!ref) {
      onlyOurs.push(`${where}: cassette ${ix.cost} (${ix.priced_as.provider}/${ix.priced_as.model}); calcPrice: ${refError || 'no price'}`);
      continue;
    }
    both++;
    const refNanos = ref.total_price * 1e9;
    const sameMatch = ref.provider.id === ix.priced_as.provider && ref.model.id === ix.priced_as.model;
    if (Math.abs(refNanos - ours) <= 0.5 + 1e-6 && sameMatch) {
      agree++;
      if (verbose) console.log(`agree: ${where} ${ix.cost} USD (${ix.priced_as.provider}/${ix.priced_as.model})`);
    } else {
      differ.push(`${where}: cassette ${ix.cost} (${ix.priced_as.provider}/${ix.priced_as.model}) vs calcPrice ${ref.total_price} (${ref.provider.id}/${ref.model.id})`);
    }
  }
}

const undocumented = [...differ, ...onlyOurs, ...onlyRef].filter((line) => !DELIBERATE.some((d) => d.test(line)));
for (const line of differ) console.log(`DIFFER ${line}`);
for (const line of onlyOurs) console.log(`ONLY CASSETTE ${line}`);
for (const line of onlyRef) console.log(`ONLY CALCPRICE ${line}`);
console.log(
  `prices_check: ${calls} LLM interactions, ${withUsage} with usage: ${both} priced by both, ${agree} agree to the nano-dollar, ` +
    `${differ.length} differ, ${onlyOurs.length} priced only by cassette, ${onlyRef.length} only by calcPrice, ${neither} by neither`,
);
if (undocumented.length) {
  console.log(`${undocumented.length} difference(s) not documented in docs/cost.md`);
  process.exit(1);
}
