// transformers.js peer for Tessera's RopeBenchmarks: times transformers.js's own Qwen2-VL `get_rope_index` (M-RoPE
// position ids, [3, 1, L], and the rope delta) on the sequence Tessera's benchmark writes with --rope-sequence.
// No model is loaded: the method is called through the class prototype on a stub `this` that holds only the config
// fields it reads (vision_config.spatial_merge_size, image_token_id, video_token_id, vision_start_token_id).
//
// Before timing, the result is checked: shapes ([3, 1, L] and [1, 1]), and every position and the delta against an
// independent restatement of the upstream Python Qwen2-VL rule written here. With --positions FILE it is also
// compared with positions written elsewhere (e.g. by Tessera): JSON {positions: [[t...], [h...], [w...]] or a flat
// array of 3L, rope_delta?: number}.
//
// transformers.js 4.3.1 has no Qwen2.5-VL rule: Qwen2_5_VLForConditionalGeneration (and Qwen3-VL) inherit the Qwen2-VL
// get_rope_index unchanged and never read second_per_grid_ts / tokens_per_second. The script checks that they
// inherit it and reports what the Qwen2.5-VL rule would give instead (delta, row sums) for the lead to compare.
//
// Usage: node rope-tjs.mjs SEQ.json [--positions FILE] [--runs N] [--warmup N]     (run from a folder where
// @huggingface/transformers resolves). Prints one JSON object to stdout; diagnostics go to stderr.
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  Tensor,
  Qwen2VLForConditionalGeneration,
  Qwen2_5_VLForConditionalGeneration,
} from '@huggingface/transformers';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const positionsPath = opt('--positions', null);
const RUNS = Number(opt('--runs', process.env.RUNS ?? 15));
const WARMUP = Number(opt('--warmup', process.env.WARMUP ?? 5));
const seqPath = argv[0];
if (!seqPath) {
  console.error('usage: rope-tjs.mjs SEQ.json [--positions FILE] [--runs N] [--warmup N]');
  process.exit(2);
}

// Token ids and vision config of the Qwen2-VL / Qwen2.5-VL checkpoints (the values Tessera's benchmark uses).
const IMAGE_PAD = 151655, VIDEO_PAD = 151656, VISION_START = 151652;
const SPATIAL_MERGE = 2, TOKENS_PER_SECOND = 2;

const seq = JSON.parse(fs.readFileSync(seqPath, 'utf8'));
const ids = seq.input_ids;
const L = ids.length;
const images = seq.image_grid_thw ?? [];
const videos = seq.video_grid_thw ?? [];
const seconds = seq.second_per_grid_ts ?? videos.map(() => 1);

const grids = (list) => (list.length ? new Tensor('int64', BigInt64Array.from(list.flat(), BigInt), [list.length, 3]) : null);
const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, L]);
const attentionMask = new Tensor('int64', new BigInt64Array(L).fill(1n), [1, L]);
const imageGrid = grids(images);
const videoGrid = grids(videos);

// The stub `this`: only what get_rope_index and its helpers read.
const stub = (cls) => {
  const self = Object.create(cls.prototype);
  self.config = {
    vision_config: { spatial_merge_size: SPATIAL_MERGE, tokens_per_second: TOKENS_PER_SECOND },
    image_token_id: IMAGE_PAD,
    video_token_id: VIDEO_PAD,
    vision_start_token_id: VISION_START,
  };
  return self;
};
const model = stub(Qwen2VLForConditionalGeneration);
const call = () => model.get_rope_index(inputIds, imageGrid, videoGrid, attentionMask);

// Independent restatement of upstream Python get_rope_index for one unpadded sequence. temporalScale: null for
// Qwen2-VL (t index as is), or per video the factor second_per_grid_t * tokens_per_second (Qwen2.5-VL, truncated to
// an integer as .long() does; images use factor 0 there, which with t = 1 gives the same zeros).
function reference(temporalScale) {
  const pos = [new Float64Array(L), new Float64Array(L), new Float64Array(L)];
  const indexOf = (tok, from) => {
    for (let i = from; i < L; i++) if (ids[i] === tok) return i;
    return -1;
  };
  let visionBlocks = 0, imageCount = 0, videoCount = 0;
  for (let i = 0; i + 1 < L; i++) {
    if (ids[i] !== VISION_START) continue;
    if (ids[i + 1] === IMAGE_PAD) imageCount++;
    else if (ids[i + 1] === VIDEO_PAD) videoCount++;
  }
  visionBlocks = imageCount + videoCount;
  let st = 0, next = 0, imageIndex = 0, videoIndex = 0, remainImages = imageCount, remainVideos = videoCount;
  const text = (from, to) => {
    for (let i = from; i < to; i++) pos[0][i] = pos[1][i] = pos[2][i] = next + (i - from);
    next += to - from;
  };
  for (let b = 0; b < visionBlocks; b++) {
    const ei = remainImages > 0 ? indexOf(IMAGE_PAD, st) : -1;
    const ev = remainVideos > 0 ? indexOf(VIDEO_PAD, st) : -1;
    const edImage = ei >= 0 ? ei : L + 1, edVideo = ev >= 0 ? ev : L + 1;
    let t, h, w, scale, ed;
    if (edImage < edVideo) {
      [t, h, w] = images[imageIndex++];
      scale = temporalScale ? 0 : 1;
      remainImages--;
      ed = edImage;
    } else {
      [t, h, w] = videos[videoIndex];
      scale = temporalScale ? temporalScale[videoIndex] : 1;
      videoIndex++;
      remainVideos--;
      ed = edVideo;
    }
    const gh = Math.floor(h / SPATIAL_MERGE), gw = Math.floor(w / SPATIAL_MERGE);
    text(st, ed);
    let k = ed, maxPos = next - 1;
    for (let ti = 0; ti < t; ti++)
      for (let hi = 0; hi < gh; hi++)
        for (let wi = 0; wi < gw; wi++, k++) {
          pos[0][k] = next + Math.trunc(ti * scale);
          pos[1][k] = next + hi;
          pos[2][k] = next + wi;
          maxPos = Math.max(maxPos, pos[0][k], pos[1][k], pos[2][k]);
        }
    next = maxPos + 1;
    st = ed + t * gh * gw;
  }
  if (st < L) text(st, L);
  let max = -Infinity;
  for (const row of pos) for (const v of row) if (v > max) max = v;
  return { pos, delta: max + 1 - L };
}

const rowSums = (pos) => pos.map((row) => row.reduce((a, v) => a + Number(v), 0));
const rowsOf = (tensor) => [0, 1, 2].map((r) => tensor.data.subarray(r * L, (r + 1) * L));
function compare(a, b) {
  let mismatches = 0, first = null;
  for (let r = 0; r < 3; r++)
    for (let i = 0; i < L; i++)
      if (Number(a[r][i]) !== Number(b[r][i])) {
        mismatches++;
        first ??= { row: r, index: i, got: Number(a[r][i]), expected: Number(b[r][i]) };
      }
  return { mismatches, first };
}

// One call, checked before timing.
const [positionIds, deltas] = call();
const checks = {};
checks.position_ids_dims = positionIds.dims;
checks.rope_deltas_dims = deltas.dims;
checks.position_ids_type = positionIds.type;
checks.shapes_ok =
  JSON.stringify(positionIds.dims) === JSON.stringify([3, 1, L]) && JSON.stringify(deltas.dims) === JSON.stringify([1, 1]);
const tjsRows = rowsOf(positionIds);
const tjsDelta = Number(deltas.data[0]);
const ref2 = reference(null);
const ref25 = reference(seconds.map((s) => s * TOKENS_PER_SECOND));
const vsRef = compare(tjsRows, ref2.pos);
checks.matches_reference_qwen2_vl = vsRef.mismatches === 0 && tjsDelta === ref2.delta;
if (vsRef.mismatches) checks.reference_first_mismatch = vsRef.first;
checks.reference_delta_qwen2_vl = ref2.delta;
if (positionsPath) {
  const given = JSON.parse(fs.readFileSync(positionsPath, 'utf8'));
  const p = given.positions ?? given;
  const rows = Array.isArray(p[0]) ? p : [0, 1, 2].map((r) => p.slice(r * L, (r + 1) * L));
  const vsFile = compare(tjsRows, rows);
  checks.positions_file = positionsPath;
  checks.positions_file_mismatches = vsFile.mismatches;
  if (vsFile.first) checks.positions_file_first_mismatch = vsFile.first;
  if (given.rope_delta !== undefined) checks.positions_file_delta_equal = Number(given.rope_delta) === tjsDelta;
}
if (!checks.shapes_ok || !checks.matches_reference_qwen2_vl) console.error('rope-tjs: CHECK FAILED', JSON.stringify(checks));

const inherits25 = Qwen2_5_VLForConditionalGeneration.prototype.get_rope_index === Qwen2VLForConditionalGeneration.prototype.get_rope_index;

// Warm-up, then timed runs of the whole call (list conversion, segment lists, reordering, output tensors).
for (let i = 0; i < WARMUP; i++) call();
const times = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  call();
  times.push(performance.now() - t0);
}
const sorted = [...times].sort((x, y) => x - y);
const median = RUNS % 2 ? sorted[(RUNS - 1) >> 1] : (sorted[RUNS / 2 - 1] + sorted[RUNS / 2]) / 2;
const round = (x, d = 3) => +x.toFixed(d);

console.log(JSON.stringify({
  variant: 'qwen2_vl',
  tokens: L,
  median_ms: round(median),
  min_ms: round(sorted[0]),
  ns_per_token: round((median * 1e6) / L, 1),
  runs: RUNS,
  warmup: WARMUP,
  peer: 'transformers.js 4.3.1 Qwen2VLForConditionalGeneration.prototype.get_rope_index',
  rope_delta: tjsDelta,
  row_sums: rowSums(tjsRows),
  checks,
  qwen2_5_vl: {
    timed: false,
    note: inherits25
      ? 'transformers.js has no Qwen2.5-VL rule: Qwen2_5_VLForConditionalGeneration inherits the Qwen2-VL get_rope_index and ignores second_per_grid_ts'
      : 'Qwen2_5_VLForConditionalGeneration overrides get_rope_index (not timed here)',
    reference_rope_delta: ref25.delta,
    reference_row_sums: rowSums(ref25.pos),
  },
  node: process.version,
  cpu: os.cpus()[0]?.model,
}));
