#!/usr/bin/env node
// Prices every LLM interaction of the given cassettes twice: with
// `cassette usage --cost` and with `calcPrice` from @pydantic/genai-prices
// (the database's own calculator), both on the same data file, and requires
// the two to agree to the nano-dollar on every interaction both price
// (README.md). Differences the project makes on purpose are in docs/cost.md
// and listed in DELIBERATE below; any other difference fails the check.
//
// usage: node prices_check.mjs --cassette BIN --data DATA.json [--skip-missing CODE] [--synthetic N] [-v] PATH...
//
// --synthetic N also writes a cassette of N Anthropic-shaped responses, one
// per model of the data in turn, at many providers' URLs, with prompts above
// and below the tier thresholds, cache reads and writes, and Date headers from
// 2024 to 2027 at every hour (dated prices and daily windows), and checks it too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let bin = null, data = null, skipCode = null, verbose = false, synthetic = 0;
const paths = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--cassette') bin = args[++i];
  else if (a === '--data') data = args[++i];
  else if (a === '--skip-missing') skipCode = Number(args[++i]);
  else if (a === '-v' || a === '--verbose') verbose = true;
  else if (a === '--synthetic') synthetic = Number(args[++i]);
  else paths.push(a);
}
if (!bin || !data || (!paths.length && !synthetic)) {
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

// A deterministic generator (no Math.random: the same file every run).
let seed = 12345;
const next15 = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return Math.floor(seed / 65536);  // the high bits: the low ones of this generator repeat quickly
};
const rand = (n) => (next15() * 32768 + next15()) % n;
// A URL for each provider (most calls go to their model's provider; some
// elsewhere, for fallbacks and unpriced ones).
const BASES = {
  anthropic: 'https://api.anthropic.com', openai: 'https://api.openai.com', openrouter: 'https://openrouter.ai/api',
  'x-ai': 'https://api.x.ai', groq: 'https://api.groq.com/openai', deepseek: 'https://api.deepseek.com',
  mistral: 'https://api.mistral.ai', together: 'https://api.together.xyz', fireworks: 'https://api.fireworks.ai/inference',
  cerebras: 'https://api.cerebras.ai', cohere: 'https://api.cohere.com/compatibility', moonshotai: 'https://api.moonshot.ai',
  zai: 'https://api.z.ai/api/paas', zhipuai: 'https://open.bigmodel.cn/api/paas', perplexity: 'https://api.perplexity.ai',
  novita: 'https://api.novita.ai/openai', huggingface_together: 'https://router.huggingface.co/together',
  azure: 'https://my.openai.azure.com/openai', google: 'https://generativelanguage.googleapis.com',
  minimax: 'https://api.minimax.io', baseten: 'https://inference.baseten.co', avian: 'https://api.avian.io',
  arcee: 'https://api.arcee.ai', other: 'http://localhost:8080',
};
const BASE_LIST = Object.values(BASES);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function httpDate(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}
function writeSynthetic(dir, n) {
  const providers = JSON.parse(readFileSync(data, 'utf8'));
  const models = providers.flatMap((p) => p.models.map((m) => [p.id, m.id]));
  let out = '---\nversion: 2\ninteractions:\n';
  const start = Date.UTC(2024, 0, 1), span = Date.UTC(2027, 11, 31) - start;
  for (let i = 0; i < n; i++) {
    const [provider, model] = models[i % models.length];
    const base = BASES[provider] && rand(5) ? BASES[provider] : BASE_LIST[rand(BASE_LIST.length)];
    const prompt = [0, 1, 17, 1000, 31999, 128001, 199999, 200001, 272001, 1000001][rand(10)] + rand(500);
    const read = rand(3) ? 0 : rand(prompt + 1);
    const write = rand(3) ? 0 : rand(prompt - read + 1);
    const usage = {
      input_tokens: prompt - read - write, cache_creation_input_tokens: write, cache_read_input_tokens: read,
      output_tokens: rand(5) ? rand(4000) : 0,
    };
    const body = JSON.stringify({
      id: `msg_${i}`, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn', usage,
    });
    out += `- id: ${i}\n  request:\n    proto: HTTP/1.1\n    proto_major: 1\n    proto_minor: 1\n    content_length: 0\n` +
      `    body: ""\n    form: {}\n    headers: {}\n    url: ${base}/v1/messages\n    method: POST\n` +
      `  response:\n    proto: HTTP/2.0\n    proto_major: 2\n    proto_minor: 0\n    content_length: -1\n` +
      `    body: ${JSON.stringify(body)}\n    headers:\n      Content-Type:\n        - application/json\n` +
      `      Date:\n        - ${httpDate(start + rand(span / 1000) * 1000)}\n    status: 200 OK\n    code: 200\n    duration: 1s\n`;
  }
  writeFileSync(path.join(dir, 'synthetic.yaml'), out);
}
let tmpDir = null;
if (synthetic) {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'prices-check-'));
  writeSynthetic(tmpDir, synthetic);
  paths.push(path.join(tmpDir, 'synthetic.yaml'));
  process.on('exit', () => rmSync(tmpDir, { recursive: true, force: true }));
}

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
