// The peer's supergraph: GraphQL Mesh composes the emulators' own OpenAPI documents.
//
// bench/_peer.py downloads the documents into PEER_WORK (patching Segment's, see there) and names
// where each emulator listens in <VENDOR>_URL; OURSBIG_URL adds the 10,000-destination Ours
// workspace as a fifth subgraph. The vendors' type names collide (each has a Destination, an
// Error ...), so every subgraph is prefixed, root fields included. The peer holds no credentials:
// Authorization, and Zeotap's X-Workspace-ID, are forwarded from the client's request.
import { createPrefixTransform, defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const work = process.env.PEER_WORK ?? './work';

function vendor(name: string, document: string, url: string, headers: Record<string, string> = {}) {
  return {
    sourceHandler: loadOpenAPISubgraph(name, {
      source: `${work}/${document}`,
      endpoint: url,
      operationHeaders: { Authorization: '{context.headers.authorization}', ...headers },
    }),
    transforms: [createPrefixTransform({ value: `${name}_`, includeRootOperations: true })],
  };
}

function url(name: string): string {
  const value = process.env[`${name.toUpperCase()}_URL`];
  if (!value) throw new Error(`${name.toUpperCase()}_URL is not set`);
  return value;
}

const subgraphs = [
  vendor('segment', 'segment.json', url('segment')),
  vendor('ours', 'ours.json', url('ours')),
  vendor('zeotap', 'zeotap.json', url('zeotap'), { 'X-Workspace-ID': '{context.headers.x-workspace-id}' }),
  vendor('nimriz', 'nimriz.json', url('nimriz')),
];
if (process.env.OURSBIG_URL) subgraphs.push(vendor('oursbig', 'ours.json', url('oursbig')));

export const composeConfig = defineConfig({ subgraphs });
