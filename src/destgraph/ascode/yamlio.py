"""YAML in and out: the line of every path, duplicate keys refused; stable, diff-friendly text.

PyYAML's own loader would keep the last of two equal keys and forget where each value was; this
walks the composed node tree instead, so every problem can name its path and line.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import yaml

from destgraph.ascode.errors import FileError, Problem


def join(base: str, *parts: str) -> str:
    """``base`` (a dotted path already) extended by ``parts``; a part holding a dot or a space is quoted."""
    out = [base] if base else []
    for part in parts:
        out.append(f'"{part}"' if ("." in part or " " in part or not part) else part)
    return ".".join(out)


def read_tree(text: str, lines: dict[str, int]) -> Any:
    """The plain data of ``text``; ``lines`` gets the line of every path. FileError when it is not YAML."""
    loader = yaml.SafeLoader(text)
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        plain = _Tree(loader, lines, problems).plain(node, "") if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "malformed YAML"
        raise FileError([Problem("", f"not valid YAML: {what}", line=line)]) from None
    except yaml.YAMLError as exc:
        raise FileError([Problem("", f"not valid YAML: {type(exc).__name__}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise FileError(problems)
    return plain


class _Tree:
    """YAML nodes to plain data, remembering each path's line and refusing duplicate keys."""

    def __init__(self, loader: Any, lines: dict[str, int], problems: list[Problem]) -> None:
        self._loader = loader
        self._lines = lines
        self._problems = problems
        self._open: set[int] = set()

    def plain(self, node: Any, path: str) -> Any:
        line = node.start_mark.line + 1
        self._lines.setdefault(path, line)
        if id(node) in self._open:
            self._problems.append(Problem(path, "a YAML alias refers to its own parent", line=line))
            return None
        if isinstance(node, yaml.MappingNode):
            self._open.add(id(node))
            try:
                return self._mapping(node, path)
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.SequenceNode):
            self._open.add(id(node))
            try:
                return [self.plain(item, join(path, str(i))) for i, item in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        value = self._loader.construct_object(node, deep=True)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, bytes):
            self._problems.append(Problem(path, "binary values are not supported", line=line))
            return None
        return value

    def _mapping(self, node: Any, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self._problems.append(Problem(path, "keys must be plain strings (no merge keys)", line=line))
                continue
            key = self._loader.construct_object(key_node)
            if not isinstance(key, str):
                self._problems.append(Problem(path, f"key {key_node.value!r} must be a string: quote it", line=line))
                continue
            at = join(path, key)
            if key in out:
                self._problems.append(Problem(at, f"duplicate key {key!r}", "DUPLICATE", line=line))
                continue
            self._lines[at] = line
            out[key] = self.plain(value_node, at)
        return out


HEADER = (
    "# Destinations as code: `destgraph plan FILE` shows what would change, `destgraph apply FILE` applies it.\n"
    "# Secrets are ${NAME} references to environment variables; a reference left unset keeps the stored secret.\n"
)


def dump_yaml(plain: Mapping[str, Any], *, header: str = HEADER) -> str:
    """YAML for a plain document (settings already encoded with ``encode``), stable and diff-friendly."""
    # A JSON round trip gives every value its own object, so the YAML has no anchors or aliases.
    body = yaml.safe_dump(
        json.loads(json.dumps(dict(plain))),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=120,
    )
    return header + str(body)
