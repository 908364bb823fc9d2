// Renders Mermaid diagrams with Mermaid 11 in headless Chromium, as GitHub's column shows them.
//
//   node render.mjs INPUT.json OUTPUT.json
//
// INPUT: {"column": 880, "diagrams": [{"name": "...", "text": "...", "screenshot": "a.png"?}]}
// OUTPUT: one result a diagram, in order: its error (null when it rendered), its kind, its
// natural size (the SVG's viewBox), the scale it is drawn at in a column of `column` pixels,
// the smallest label font at that scale, and what it drew (node and cluster labels, arrows;
// gantt bars, labels, sections, title, axis ticks, whether a "today" line is drawn; an
// xychart's title, legend, x labels, the points of each line and the height of each bar).
//
// One browser session renders them all. Mermaid is loaded from node_modules through a
// file:// page; every request that is not file:// is refused and reported, so the page
// works without a network and cannot reach one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const [input, output] = process.argv.slice(2);
const job = JSON.parse(readFileSync(input, 'utf8'));
const column = job.column ?? 880;
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'mermaid-render-'));
const page = join(profile, 'page.html');
const mermaidJs = pathToFileURL(join(here, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'));
writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8">
<style>body { margin: 0; width: ${column}px; background: #fff; font-family: sans-serif; }
#column { width: ${column}px; }</style>
<script src="${mermaidJs.href}"></script></head><body><div id="column"></div></body></html>`);

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: false, // the flag is in args, as Debian's chromium takes it
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${join(profile, 'profile')}`],
  defaultViewport: { width: column, height: 1000 },
});
const results = [];
try {
  const tab = await browser.newPage();
  const problems = [];
  tab.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  tab.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await tab.setRequestInterception(true);
  tab.on('request', (request) => {
    if (request.url().startsWith('file:') || request.url().startsWith('data:')) {
      request.continue();
    } else {
      problems.push(`blocked request: ${request.url()}`);
      request.abort();
    }
  });
  await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
  await tab.evaluate(() => window.mermaid.initialize({ startOnLoad: false, logLevel: 'error' }));
  const { version } = JSON.parse(
    readFileSync(join(here, 'node_modules', 'mermaid', 'package.json'), 'utf8'));
  for (const [index, diagram] of job.diagrams.entries()) {
    problems.length = 0;
    const started = Date.now();
    const result = await tab.evaluate(measure, diagram.text, `d${index}`);
    result.name = diagram.name;
    result.ms = Date.now() - started;
    if (!result.error && problems.length) result.error = problems.join('\n');
    if (diagram.screenshot && !result.error) {
      const box = await tab.$('#column');
      await box.screenshot({ path: diagram.screenshot });
    }
    results.push(result);
  }
  writeFileSync(output, JSON.stringify({ mermaid: version, results }, null, 1));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

// In the page: parse and render one diagram into the column, and measure what it drew.
async function measure(text, id) {
  const columnDiv = document.getElementById('column');
  columnDiv.innerHTML = '';
  const out = { error: null };
  let svgText;
  try {
    await window.mermaid.parse(text);
    ({ svg: svgText } = await window.mermaid.render(id, text));
  } catch (err) {
    out.error = `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
    return out;
  }
  columnDiv.innerHTML = svgText;
  const svg = columnDiv.querySelector('svg');
  out.kind = svg?.getAttribute('aria-roledescription') ?? null;
  if (!svg || out.kind === 'error' || /Syntax error|Maximum text size/i.test(svg.textContent)) {
    out.error = `Mermaid drew an error: ${svg?.textContent?.slice(0, 200)}`;
    return out;
  }
  const box = svg.viewBox.baseVal;
  const shown = svg.getBoundingClientRect();
  out.width = box?.width || shown.width;
  out.height = box?.height || shown.height;
  out.shown_width = shown.width;
  out.shown_height = shown.height;
  out.scale = out.width ? shown.width / out.width : 1;
  const texts = (selector) => [...svg.querySelectorAll(selector)].map(
    (node) => node.textContent.replace(/\s+/g, ' ').trim());
  const smallest = (selector) => {
    const sizes = [...svg.querySelectorAll(selector)].map(
      (node) => parseFloat(getComputedStyle(node).fontSize));
    return sizes.length ? Math.min(...sizes) * out.scale : null;
  };
  if (out.kind === 'gantt') {
    out.bars = svg.querySelectorAll('rect.task').length;
    out.labels = texts('text.taskText, text.taskTextOutsideRight, text.taskTextOutsideLeft');
    out.sections = texts('text.sectionTitle');
    out.title = texts('text.titleText')[0] ?? null;
    out.ticks = texts('g.grid .tick text');
    out.today = svg.querySelector('line.today') !== null;
    out.font = smallest('text.taskText, text.taskTextOutsideRight, text.taskTextOutsideLeft');
  } else if (out.kind === 'xychart') {
    out.title = texts('g.chart-title text')[0] ?? null;
    out.legend = texts('g.legend text');
    out.x_labels = texts('g.bottom-axis g.label text');
    out.y_title = texts('g.left-axis g.title text')[0] ?? null;
    out.lines = [...svg.querySelectorAll('g[class^="line-plot"] path')].map(
      (path) => (path.getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length);
    out.bars = [...svg.querySelectorAll('g[class^="bar-plot"] rect')].map(
      (rect) => parseFloat(rect.getAttribute('height')));
    out.font = smallest('g.bottom-axis g.label text');
  } else {
    out.nodes = texts('g.node');
    out.clusters = texts('g.cluster-label, g.cluster .nodeLabel');
    out.edges = svg.querySelectorAll('.edgePaths path, path.flowchart-link').length;
    out.font = smallest('g.node .nodeLabel, g.node text');
  }
  return out;
}
