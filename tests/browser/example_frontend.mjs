#!/usr/bin/env node
// The example frontend in a real browser with no network: open the page (served on its own
// origin by `destgraph serve --demo`) in Debian's Chromium, with every request that would leave
// loopback aborted, and wait until every vendor's rows are in the table.
//
//   node tests/browser/example_frontend.mjs --url http://127.0.0.1:8001/ [--slow SEGMENT]
//       [--chromium /usr/bin/chromium] [--screenshot PATH] [--early-screenshot PATH] [--timeout-ms 60000]
//
// --slow: the provider whose vendor the caller slowed down; its rows must come last, after every
// other vendor's. --early-screenshot: a picture taken as soon as some vendor's rows are shown
// while another is still awaited.
//
// Prints one line `RESULT {json}` (each vendor's rows, arrival order and time, requests made) and
// exits 0 only when all four vendors' rows were shown, the slowed one last, the page's origin is
// not the gateway's, and no request left loopback. Exit 1: a check failed; 2: bad usage or the
// browser would not start.

import { parseArgs } from "node:util";

import { launchOffline } from "./offline_chromium.mjs";

const { values: options } = parseArgs({
  options: {
    url: { type: "string" },
    slow: { type: "string" },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH || "/usr/bin/chromium" },
    screenshot: { type: "string" },
    "early-screenshot": { type: "string" },
    "timeout-ms": { type: "string", default: "60000" },
  },
});
if (!options.url) {
  console.error("usage: example_frontend.mjs --url http://127.0.0.1:PORT/ [--slow PROVIDER]");
  process.exit(2);
}
const timeout = Number(options["timeout-ms"]);
const PROVIDERS = ["SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);
const leavesMachine = (url) => {
  const parsed = new URL(url);
  return !LOCAL_SCHEMES.has(parsed.protocol) && !LOOPBACK.has(parsed.hostname);
};

const offMachine = new Map(); // "METHOD url" -> whether the route aborted it
const requested = [];
const pageErrors = [];
const consoleErrors = [];

const { context, close } = await launchOffline({ executablePath: options.chromium, name: "example-frontend", timeout });

let result = null;
let failure = null;
try {
  await context.route("**/*", async (route) => {
    const request = route.request();
    if (leavesMachine(request.url())) {
      offMachine.set(`${request.method()} ${request.url()}`, true);
      await route.abort("blockedbyclient");
    } else {
      await route.continue();
    }
  });
  context.on("request", (request) => {
    const line = `${request.method()} ${request.url()}`;
    requested.push(line);
    if (leavesMachine(request.url()) && !offMachine.has(line)) offMachine.set(line, false);
  });

  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });

  const response = await page.goto(options.url, { waitUntil: "load" });
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${options.url} answered ${response ? response.status() : "nothing"}`);
  }

  if (options["early-screenshot"]) {
    // some vendor's rows shown while another vendor is still awaited
    await page.waitForFunction(
      () =>
        document.querySelector("#destinations tbody tr") &&
        document.querySelector('.vendor[data-state="loading"]'),
    );
    await page.screenshot({ path: options["early-screenshot"] });
  }

  await page.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.state), undefined, { timeout });
  const seen = await page.evaluate(() => ({
    state: document.body.dataset.state,
    gateway: document.querySelector("#gateway-url").textContent,
    vendors: Array.from(document.querySelectorAll(".vendor"), (card) => ({
      provider: card.dataset.provider,
      state: card.dataset.state,
      arrival: Number(card.dataset.arrival),
      ms: Number(card.dataset.ms),
      at: Number(card.dataset.at),
    })),
    rows: Array.from(document.querySelectorAll("#destinations tbody tr"), (row) => row.dataset.provider),
    problems: Array.from(document.querySelectorAll("#problems li"), (item) => item.textContent),
  }));
  const rows = Object.fromEntries(PROVIDERS.map((p) => [p, seen.rows.filter((r) => r === p).length]));
  result = { ...seen, rows, pageOrigin: new URL(options.url).origin, gatewayOrigin: new URL(seen.gateway).origin };

  // the filters work on what arrived: one provider, then a search that matches nothing
  await page.selectOption("#provider", "OURS");
  result.oursOnly = await page.$$eval("#destinations tbody tr", (trs) => trs.map((tr) => tr.dataset.provider));
  await page.selectOption("#provider", "");
  await page.fill("#search", "no destination is called this");
  result.emptyShown = await page.isVisible("#empty");
  await page.fill("#search", "");

  if (options.screenshot) await page.screenshot({ path: options.screenshot });

  const problems = [];
  if (seen.state !== "done") problems.push(`the page ended ${seen.state}: ${seen.problems.join("; ")}`);
  if (seen.problems.length) problems.push(`the page shows problems: ${seen.problems.join("; ")}`);
  for (const provider of PROVIDERS) if (!rows[provider]) problems.push(`no ${provider} rows`);
  if (result.pageOrigin === result.gatewayOrigin) problems.push("the page and the gateway share an origin");
  if (!result.oursOnly.length || result.oursOnly.some((p) => p !== "OURS")) problems.push("the provider filter");
  if (!result.emptyShown) problems.push("the search box");
  if (options.slow) {
    const slow = seen.vendors.find((v) => v.provider === options.slow);
    const fast = seen.vendors.filter((v) => v.provider !== options.slow);
    if (!slow) problems.push(`no vendor ${options.slow}`);
    else if (!fast.every((v) => v.arrival < slow.arrival && v.at <= slow.at)) {
      problems.push(`${options.slow}'s rows did not come last: ${JSON.stringify(seen.vendors)}`);
    }
  }
  failure = problems.join("; ") || null;
} catch (error) {
  failure = error.message.split("\n")[0];
  try {
    const page = context.pages()[0];
    if (page && options.screenshot) await page.screenshot({ path: options.screenshot });
  } catch {
    // no screenshot then
  }
} finally {
  await close();
}

const blocked = [...offMachine].map(([line, aborted]) => (aborted ? line : `${line} (not routed)`));
console.log(`requests made: ${requested.length}`);
for (const line of requested) console.log(`  ${line}`);
console.log(`blocked requests off this machine: ${blocked.length}`);
for (const line of blocked) console.log(`  BLOCKED ${line}`);
for (const error of pageErrors) console.log(`page error: ${error}`);
for (const error of consoleErrors) console.log(`console error: ${error}`);
console.log(`RESULT ${JSON.stringify({ ...result, requested, blocked })}`);

const problems = [];
if (failure) problems.push(failure);
if (blocked.length) problems.push(`${blocked.length} request(s) off this machine`);
if (pageErrors.length) problems.push(`${pageErrors.length} uncaught page error(s)`);
if (problems.length) {
  console.log(`FAIL: ${problems.join("; ")}`);
  process.exit(1);
}
console.log("OK: every vendor's rows were shown, with no request off this machine");
