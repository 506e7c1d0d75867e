// Runs every audit of graphql-http's serverAudits (GraphQL over HTTP conformance) against a running
// server, prints each result, and exits non-zero unless every one passed: MUST, SHOULD and MAY alike.
//
//   node tests/http_audit/audit.mjs URL [AUTHORIZATION]
//
// AUTHORIZATION (or $AUDIT_AUTHORIZATION) is sent as the Authorization header of every request,
// e.g. "Bearer dg_...": the audits themselves send none, and the gateway answers 401 without a key.
// The last line is the summary: `graphql-http X.Y.Z serverAudits: N audits, N ok, 0 warnings, ...`.

import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';

const [url, authorizationArg] = process.argv.slice(2);
const authorization = authorizationArg ?? process.env.AUDIT_AUTHORIZATION ?? '';
if (!url) {
  console.error('usage: node audit.mjs URL [AUTHORIZATION]');
  process.exit(2);
}

const { version } = JSON.parse(
  readFileSync(new URL('./node_modules/graphql-http/package.json', import.meta.url), 'utf8'),
);

/** fetch with the Authorization header added, and a timeout so a hung server fails the run. */
async function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (authorization) headers.set('authorization', authorization);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(30_000) });
}

function levelOf(name) {
  return name.split(' ', 1)[0]; // MUST, SHOULD or MAY
}

async function describe(response) {
  if (!response) return '';
  let body = '';
  try {
    body = await response.clone().text();
  } catch {
    body = '(body already read)';
  }
  const type = response.headers.get('content-type') ?? '-';
  return `HTTP ${response.status} ${type} ${body.slice(0, 300)}`;
}

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  // one at a time, so the output reads in the audits' order and a failure is easy to replay
  const result = await audit.fn();
  results.push(result);
  const mark = result.status === 'ok' ? 'ok    ' : result.status.toUpperCase().padEnd(6);
  console.log(`${mark} ${result.id} ${result.name}`);
  if (result.status !== 'ok') {
    console.log(`       ${result.reason}; ${await describe(result.response)}`);
  }
}

const count = (status) => results.filter((r) => r.status === status).length;
const levels = ['MUST', 'SHOULD', 'MAY'].map((level) => {
  const of = results.filter((r) => levelOf(r.name) === level);
  return `${level} ${of.filter((r) => r.status === 'ok').length}/${of.length}`;
});
const failures = results.length - count('ok');
console.log(
  `graphql-http ${version} serverAudits: ${results.length} audits, ${count('ok')} ok, ` +
    `${count('warn')} warnings, ${count('error')} errors, ${count('notice')} notices ` +
    `(${levels.join(', ')}); ${failures} failures`,
);
process.exit(failures === 0 ? 0 : 1);
