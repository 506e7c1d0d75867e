// The example frontend: every destination of every vendor workspace the key may see, through one
// GraphQL request. Each workspace's destinations are deferred (@defer), so the gateway answers in
// parts (multipart/mixed): the workspaces at once, then each vendor's rows as that vendor answers.
// meros reads the parts as they arrive; a gateway that answers in one piece works too.
//
// Plain ES modules, no build step. config.js names the gateway and, in the demo, its key
// (`destgraph serve --demo` writes it for each run); ?gateway=URL overrides the gateway.

import config from "./config.js";
import { meros } from "./vendor/meros-1.3.2/index.mjs";

const FIELDS = "id name typeKey enabled connectionStatus type { label }";
const QUERY = `query ExampleDestinations {
  workspaces {
    key
    label
    provider
    ... @defer(label: "workspace") {
      health { status latencyMs }
      destinations(first: 100) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ${FIELDS} }
      }
    }
  }
}`;
const NEXT_PAGE = `query ExampleNextPage($key: String!, $after: String) {
  workspace(key: $key) {
    destinations(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${FIELDS} }
    }
  }
}`;
// multipart/mixed first: the gateway then answers in parts; application/json is the fallback
const ACCEPT = "multipart/mixed; deferSpec=20220824, application/graphql-response+json, application/json;q=0.9";
const PROVIDERS = { SEGMENT: "Segment", OURS: "Ours Privacy", ZEOTAP: "Zeotap", NIMRIZ: "Nimriz" };

const gatewayUrl = new URLSearchParams(location.search).get("gateway") || config.gatewayUrl;
let apiKey = config.apiKey || "";

const $ = (selector) => document.querySelector(selector);
const state = {
  workspaces: [], // {key, label, provider, health, rows, total, status, arrival, ms, error}
  arrivals: 0,
  started: 0,
  run: 0,
};

function element(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child ?? "");
  return node;
}

function problem(text) {
  $("#problems").append(element("li", {}, text));
}

function describeErrors(errors) {
  return errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ");
}

async function post(query, variables, accept) {
  return fetch(gatewayUrl, {
    method: "POST",
    headers: { Accept: accept, "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
}

// -- the answer, part by part ----------------------------------------------------------------------

/** Apply one part (or a whole answer) of ExampleDestinations. */
function apply(part, pending) {
  if (part.data?.workspaces) {
    const given = part.data.workspaces;
    state.workspaces = given.map(({ key, label, provider }) => ({ key, label, provider, rows: [], status: "loading" }));
    // a whole answer (no parts) holds every workspace's destinations already
    given.forEach((data, index) => data.destinations && arrived(state.workspaces[index], data));
  }
  for (const p of part.pending ?? []) pending.set(p.id, p.path);
  for (const entry of part.incremental ?? []) {
    // the 2022-08-24 format's whole path, or graphql-js 17's pending path and subPath
    const path = entry.path ?? [...(pending.get(entry.id) ?? []), ...(entry.subPath ?? [])];
    const ws = path.length === 2 && path[0] === "workspaces" ? state.workspaces[path[1]] : undefined;
    if (ws) arrived(ws, entry.data, entry.errors);
  }
  for (const done of part.completed ?? []) {
    if (!done.errors) continue;
    const path = pending.get(done.id) ?? [];
    const ws = state.workspaces[path[1]];
    if (ws) failed(ws, done.errors);
  }
  if (part.errors && !part.incremental) problem(describeErrors(part.errors));
  render();
}

function arrived(ws, data, errors) {
  ws.arrival = ++state.arrivals;
  ws.ms = Math.round(performance.now() - state.started);
  ws.at = Date.now();
  ws.health = data.health;
  const page = data.destinations;
  ws.rows = page ? page.nodes.map((node) => ({ ...node, provider: ws.provider, workspace: ws.label })) : [];
  ws.total = page?.totalCount ?? null;
  ws.status = errors?.length ? "partial" : "ready";
  if (errors?.length) {
    ws.error = describeErrors(errors);
    problem(`${ws.label}: ${ws.error}`);
  }
  if (page?.pageInfo?.hasNextPage) nextPages(ws, page.pageInfo.endCursor, state.run);
}

function failed(ws, errors) {
  ws.status = "failed";
  ws.error = describeErrors(errors);
  ws.arrival = ws.arrival ?? ++state.arrivals;
  problem(`${ws.label}: ${ws.error}`);
}

async function nextPages(ws, after, run) {
  let cursor = after;
  while (cursor && run === state.run) {
    const response = await post(NEXT_PAGE, { key: ws.key, after: cursor }, "application/graphql-response+json");
    const body = await response.json();
    if (body.errors) problem(`${ws.label}: ${describeErrors(body.errors)}`);
    const page = body.data?.workspace?.destinations;
    if (!page || run !== state.run) return;
    ws.rows.push(...page.nodes.map((node) => ({ ...node, provider: ws.provider, workspace: ws.label })));
    cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    render();
  }
}

// -- rendering -------------------------------------------------------------------------------------

function matches(row, search, provider, status) {
  if (provider && row.provider !== provider) return false;
  if (status === "enabled" && !row.enabled) return false;
  if (status === "disabled" && row.enabled) return false;
  if (status && !["enabled", "disabled"].includes(status) && row.connectionStatus !== status) return false;
  if (!search) return true;
  const text = `${row.name} ${row.typeKey} ${row.type?.label ?? ""} ${row.id}`.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

function healthBadge(health) {
  if (!health) return element("span", { className: "badge muted" }, "…");
  const latency = health.latencyMs == null ? "" : ` ${Math.round(health.latencyMs)} ms`;
  return element("span", { className: `badge health-${health.status.toLowerCase()}` }, `${health.status}${latency}`);
}

function renderVendors() {
  const cards = state.workspaces.map((ws) => {
    const count =
      ws.status === "loading"
        ? "waiting for the vendor…"
        : `${ws.rows.length}${ws.total != null && ws.total !== ws.rows.length ? ` of ${ws.total}` : ""} destinations`;
    const timing = ws.ms != null ? `arrived #${ws.arrival}, after ${ws.ms} ms` : "";
    return element(
      "article",
      {
        className: `vendor ${ws.status}`,
        dataset: {
          provider: ws.provider,
          state: ws.status,
          arrival: String(ws.arrival ?? ""),
          ms: String(ws.ms ?? ""),
          at: String(ws.at ?? ""),
        },
      },
      element("h2", {}, ws.label),
      element("p", { className: "provider" }, PROVIDERS[ws.provider] ?? ws.provider),
      element("p", { className: "count" }, count),
      element("p", { className: "meta" }, healthBadge(ws.health), " ", element("span", { className: "timing" }, timing)),
    );
  });
  $("#vendors").replaceChildren(...cards);
}

function renderRows() {
  const search = $("#search").value.trim();
  const provider = $("#provider").value;
  const status = $("#status").value;
  const all = state.workspaces.flatMap((ws) => ws.rows.map((row) => ({ row, ws })));
  const shown = all.filter(({ row }) => matches(row, search, provider, status));
  const rows = shown.map(({ row, ws }) =>
    element(
      "tr",
      { dataset: { provider: row.provider, arrival: String(ws.arrival) } },
      element("td", {}, element("span", { className: `provider-tag p-${row.provider.toLowerCase()}` }, PROVIDERS[row.provider] ?? row.provider)),
      element("td", {}, row.workspace),
      element("td", { className: "name" }, row.name || element("em", {}, "(no name)")),
      element("td", {}, row.type?.label ?? row.typeKey, element("small", {}, row.typeKey)),
      element(
        "td",
        {},
        element("span", { className: `badge ${row.enabled ? "on" : "off"}` }, row.enabled ? "Enabled" : "Disabled"),
        " ",
        element("span", { className: `badge conn-${row.connectionStatus.toLowerCase()}` }, row.connectionStatus),
      ),
      element("td", {}, healthBadge(ws.health)),
    ),
  );
  $("#destinations tbody").replaceChildren(...rows);
  $("#shown").textContent = `${shown.length} of ${all.length} shown`;
  $("#empty").hidden = shown.length > 0 || state.workspaces.some((ws) => ws.status === "loading");
}

function render() {
  renderVendors();
  renderRows();
}

// -- loading ---------------------------------------------------------------------------------------

async function load() {
  state.run += 1;
  state.arrivals = 0;
  state.workspaces = [];
  state.started = performance.now();
  $("#problems").replaceChildren();
  document.body.dataset.state = "loading";
  render();
  const pending = new Map();
  try {
    const response = await post(QUERY, {}, ACCEPT);
    const parts = await meros(response);
    if (parts instanceof Response) {
      // one answer: merged by the gateway, or a refusal
      const body = await parts.json();
      if (!parts.ok || !body.data) throw new Error(describeErrors(body.errors ?? [{ message: `HTTP ${parts.status}` }]));
      apply(body, pending);
      if (body.errors) problem(describeErrors(body.errors));
    } else {
      for await (const part of parts) if (part.json) apply(part.body, pending);
    }
    document.body.dataset.state = "done";
  } catch (error) {
    problem(`The gateway could not be read: ${error.message}`);
    document.body.dataset.state = "failed";
  }
  render();
}

function start() {
  $("#gateway-url").textContent = gatewayUrl;
  for (const id of ["#search", "#provider", "#status"]) $(id).addEventListener("input", renderRows);
  $("#filters").addEventListener("submit", (event) => event.preventDefault());
  $("#reload").addEventListener("click", () => apiKey && load());
  if (apiKey) {
    load();
    return;
  }
  const form = $("#key-form");
  form.hidden = false;
  document.body.dataset.state = "needs-key";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apiKey = $("#api-key").value.trim();
    if (!apiKey) return;
    form.hidden = true;
    load();
  });
}

start();
