"""Plan a destination change with dryRun, show it, and apply it only when asked.

    python examples/plan_and_apply.py --url http://127.0.0.1:8000/graphql --key "$DESTGRAPH_KEY" \\
        --workspace ours-demo --type Klaviyo --name "Klaviyo (EU)" --setting projectAPIKey=pk_test_... [--apply]

Without --apply it prints the plan (secrets masked by the gateway) and exits 0, or exits 1 with
the userErrors. With --apply it runs the same mutation for real, with an idempotency key derived
from the input, so a retried run never creates twice.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import httpx

WORKSPACE = "query($key: String!) { workspace(key: $key) { id } }"
CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) {
    destination { id name typeKey }
    changes { field before after }
    userErrors { field message code }
  }
}
"""


def graphql(client: httpx.Client, url: str, query: str, variables: dict) -> dict:
    body = client.post(url, json={"query": query, "variables": variables}).json()
    if body.get("errors"):
        raise SystemExit(f"error: {json.dumps(body['errors'])}")
    return body["data"]


def main() -> int:
    parser = argparse.ArgumentParser(description="Plan a destination create with dryRun, then apply it.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True, help="a destgraph API key with the write scope")
    parser.add_argument("--workspace", required=True, help="the workspace key, e.g. ours-demo")
    parser.add_argument("--type", required=True, dest="type_key")
    parser.add_argument("--name", required=True)
    parser.add_argument("--setting", action="append", default=[], help="KEY=VALUE, repeatable")
    parser.add_argument("--apply", action="store_true", help="apply the plan (default: only show it)")
    args = parser.parse_args()

    settings = dict(item.split("=", 1) for item in args.setting)
    with httpx.Client(headers={"Authorization": f"Bearer {args.key}"}, timeout=60) as client:
        workspace = graphql(client, args.url, WORKSPACE, {"key": args.workspace})["workspace"]
        if workspace is None:
            raise SystemExit(f"error: no workspace {args.workspace!r}")
        given = {"workspaceId": workspace["id"], "typeKey": args.type_key, "name": args.name, "settings": settings}
        plan = graphql(client, args.url, CREATE, {"input": {**given, "dryRun": True}})["createDestination"]
        if plan["userErrors"]:
            for error in plan["userErrors"]:
                print(f"  {'.'.join(error['field'] or [])}: {error['message']} ({error['code']})")
            return 1
        print("plan:")
        for change in plan["changes"]:
            print(f"  {'.'.join(change['field'])}: {json.dumps(change['before'])} -> {json.dumps(change['after'])}")
        if not args.apply:
            print("dry run only; run again with --apply to create it")
            return 0
        key = hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()[:32]
        done = graphql(client, args.url, CREATE, {"input": {**given, "idempotencyKey": key}})["createDestination"]
        if done["userErrors"]:
            print(json.dumps(done["userErrors"], indent=2))
            return 1
        print(f"created {done['destination']['id']} ({done['destination']['name']})")
        return 0


if __name__ == "__main__":
    sys.exit(main())
