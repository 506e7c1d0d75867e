#!/usr/bin/env node
// GraphiQL with no network: open destgraph's GraphiQL page in Debian's Chromium, with every request
// to another origin aborted, run the query it opens on, and wait for data in the result pane.
//
//   node tests/browser/graphiql_offline.mjs --url http://127.0.0.1:8000/graphql [--key KEY]
//       [--chromium /usr/bin/chromium] [--screenshot PATH] [--timeout-ms 60000]
//
// --key: the API key to put in the Headers tab (through the page's ?headers= parameter); without
// it the page must come with a key there already, as `destgraph serve --demo` serves it.
//
// Exits 0 only when the result pane showed data (destinations with names, no errors) and the
// page asked no other origin for anything; prints every blocked request, page error and the
// screenshot's path. Exit 1: a check failed; 2: bad usage or the browser would not start.

import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { launchOffline } from "./offline_chromium.mjs";

const { values: options } = parseArgs({
  options: {
    url: { type: "string" },
    key: { type: "string" },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH || "/usr/bin/chromium" },
    screenshot: { type: "string" },
    "timeout-ms": { type: "string", default: "60000" },
  },
});
if (!options.url) {
  console.error("usage: graphiql_offline.mjs --url http://127.0.0.1:PORT/graphql [--key KEY]");
  process.exit(2);
}
const timeout = Number(options["timeout-ms"]);
const pageUrl = new URL(options.url);
const origin = pageUrl.origin;
if (options.key) {
  // the page reads its parameters with decodeURIComponent, which takes no "+" for a space
  const headers = JSON.stringify({ Authorization: `Bearer ${options.key}` }, null, 2);
  pageUrl.search = `?headers=${encodeURIComponent(headers)}`;
}

// Schemes that never leave the page (the page's favicon is a data: URL)
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);
const isOffMachine = (url) => {
  const parsed = new URL(url);
  if (LOCAL_SCHEMES.has(parsed.protocol)) return false;
  const host = parsed.protocol.startsWith("ws") ? `${parsed.protocol === "wss:" ? "https:" : "http:"}//${parsed.host}` : parsed.origin;
  return host !== origin;
};

// "METHOD url" of every request to another origin -> whether the route aborted it
const offOrigin = new Map();
const requested = [];
const pageErrors = [];
const consoleErrors = [];
const screenshot = options.screenshot || join(tmpdir(), `graphiql-offline-${process.pid}.png`);

const { context, close } = await launchOffline({ executablePath: options.chromium, name: "graphiql-offline", timeout });

let found = null;
let failure = null;
try {
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (isOffMachine(url)) {
      offOrigin.set(`${route.request().method()} ${url}`, true);
      await route.abort("blockedbyclient");
    } else {
      await route.continue();
    }
  });
  if (typeof context.routeWebSocket === "function") {
    await context.routeWebSocket(/.*/, (ws) => {
      if (isOffMachine(ws.url())) {
        offOrigin.set(`WEBSOCKET ${ws.url()}`, true);
        ws.close();
      } else {
        ws.connectToServer();
      }
    });
  }
  context.on("request", (request) => {
    requested.push(`${request.method()} ${request.url()}`);
    // seen here before the route aborts it; one the route never saw still counts against the page
    const line = `${request.method()} ${request.url()}`;
    if (isOffMachine(request.url()) && !offOrigin.has(line)) offOrigin.set(line, false);
  });

  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });

  const response = await page.goto(pageUrl.toString(), { waitUntil: "load" });
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${pageUrl} answered ${response ? response.status() : "nothing"}`);
  }

  // GraphiQL rendered, opened on destgraph's query, with an API key in the Headers tab
  const run = page.locator(".graphiql-execute-button");
  await run.waitFor({ state: "visible" });
  const editors = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll(".CodeMirror"), (element) => ({
        inResult: Boolean(element.closest(".result-window")),
        value: element.CodeMirror ? element.CodeMirror.getValue() : element.innerText,
      })),
    );
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll(".CodeMirror")).some(
      (element) => element.CodeMirror && element.CodeMirror.getValue().includes("query Everything"),
    ),
  );
  const headersTab = page.getByRole("button", { name: "Headers" });
  if (await headersTab.count()) await headersTab.first().click();
  const headerText = (await editors()).map((editor) => editor.value).find((text) => /"Authorization"/i.test(text));
  if (!headerText || !/Bearer \S+/.test(headerText)) {
    throw new Error("the Headers tab holds no Authorization: Bearer <key> (pass --key, or serve --demo)");
  }
  console.log(`Headers tab: ${headerText.replace(/Bearer [^"\s]+/, "Bearer <key>").replace(/\s+/g, " ")}`);

  // run the query with the button, and wait for data in the result pane
  await run.click();
  const handle = await page.waitForFunction(
    () => {
      const element = document.querySelector(".result-window .CodeMirror");
      const text = element && element.CodeMirror ? element.CodeMirror.getValue() : "";
      if (!text.includes('"data"') && !text.includes('"errors"')) return null;
      try {
        return JSON.parse(text);
      } catch {
        return null; // still streaming in
      }
    },
    undefined,
    { timeout },
  );
  const result = await handle.jsonValue();
  const nodes = result?.data?.destinations?.nodes ?? [];
  if (result.errors) {
    failure = `the result pane shows errors: ${JSON.stringify(result.errors).slice(0, 500)}`;
  } else if (!nodes.some((node) => node.name)) {
    failure = `the result pane shows no destinations: ${JSON.stringify(result).slice(0, 500)}`;
  } else {
    found = result.data;
  }
  await page.screenshot({ path: screenshot, fullPage: false });
} catch (error) {
  failure = error.message.split("\n")[0];
  try {
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: screenshot });
  } catch {
    // no screenshot then
  }
} finally {
  await close();
}

console.log(`requests made: ${requested.length}`);
for (const line of requested) console.log(`  ${line.replace(/headers=[^&]*/, "headers=…")}`);
if (found) {
  const providers = [...new Set(found.workspaces.map((workspace) => workspace.provider))];
  const names = found.destinations.nodes.map((node) => node.name).filter(Boolean);
  console.log(`result pane: ${found.destinations.nodes.length} destinations shown, workspaces ${providers.join(", ")}`);
  console.log(`  first: ${names.slice(0, 5).join("; ")}`);
}
const blocked = [...offOrigin].map(([line, aborted]) => (aborted ? line : `${line} (not routed)`));
console.log(`blocked requests to other origins: ${blocked.length}`);
for (const line of blocked) console.log(`  BLOCKED ${line}`);
for (const error of pageErrors) console.log(`page error: ${error}`);
for (const error of consoleErrors) console.log(`console error: ${error}`);
console.log(`screenshot: ${screenshot}`);

const problems = [];
if (failure) problems.push(failure);
if (blocked.length) problems.push(`${blocked.length} request(s) to other origins`);
if (pageErrors.length) problems.push(`${pageErrors.length} uncaught page error(s)`);
if (problems.length) {
  console.log(`FAIL: ${problems.join("; ")}`);
  process.exit(1);
}
console.log("OK: GraphiQL ran its query with no request off this machine");
