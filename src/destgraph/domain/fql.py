"""Segment's Filter Query Language (FQL): parse a trigger or filter into a tree, and render it back.

FQL is the language of Segment destination filters and of action subscription triggers
(``type = "track" and event = "Order Completed"``). The grammar follows Segment's reference
(segment-docs ``src/api/public-api/fql.md``), lowest precedence first::

    expression := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := ("!" | "not") not | comparison
    comparison := value [("=" | "!=" | "<" | "<=" | ">" | ">=" | "in") value]
    value      := string | number | "true" | "false" | "null" | list | call | field | "(" expression ")"
    list       := "[" [literal ("," literal)*] "]"
    call       := name "(" [expression ("," expression)*] ")"
    field      := segment ("." segment)*

- Strings are single- or double-quoted, with JSON escapes (``\\"``, ``\\n``, ``\\u00e9`` ...); any other
  backslash pair is kept as written, so glob escapes such as ``'ab\\*d'`` reach ``match`` intact.
- A field segment is made of ``a-z A-Z 0-9 _ -``; any other character is escaped with a backslash
  (``properties.product\\ 1.price``) or the whole segment is backticked (``properties.`product 1```).
  A top-level name may not start with a digit or ``-`` unescaped (that reads as a number), and an unescaped keyword
  (``and or not in true false null``) is the keyword, not a field.
- Numbers are written with ASCII digits (``-?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)?``).
- Comparisons do not chain (``a = b = c`` is an error); ``<`` ``<=`` ``>`` ``>=`` take numbers and ``in``
  takes a list (a literal or a field), as the reference's operator tables say.
- Functions: ``contains match length lowercase uppercase snakecase kebabcase titlecase typeof bool string
  number``, with their arities checked. ``match`` patterns given as literals must be valid globs.
- A condition (the whole expression, and each operand of ``and``, ``or`` and ``!``) must be a bool or null,
  as the reference's Boolean and Unary tables say and its introduction (a statement evaluates to true or
  false) implies: a string, number or list literal, or a call returning a string or number
  (``length(userId)``, ``type = 'track' and typeof(userId)``), is an error; a field can be anything.
- The operand types of ``<`` ``<=`` ``>`` ``>=`` and ``in`` are checked wherever they are known without
  the event: literals, conditions (which are bools) and calls (the reference's Return Type column:
  ``length`` and ``number`` give numbers, ``contains``, ``match`` and ``bool`` bools, the rest strings).
  So ``lowercase(event) > 0`` and ``(a = 1) > 2`` are errors, as ``'x' > 0`` is; a field can be anything.
  Argument types of functions are not checked.

``render`` writes the canonical text: double-quoted strings, ``!`` for negation, single spaces around
binary operators, parentheses only where precedence needs them, so ``render(parse(render(n)))`` equals
``render(n)``, and ``parse(render(n)) == n`` for every tree ``parse`` returns.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "FUNCTIONS",
    "And",
    "Boolean",
    "Call",
    "Compare",
    "FQLSyntaxError",
    "Field",
    "List",
    "Node",
    "Not",
    "Null",
    "Number",
    "Or",
    "String",
    "parse",
    "render",
]


class FQLSyntaxError(ValueError):
    """An FQL text that does not parse; ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Field:
    """A dot-separated path into the event: ``context.page.path`` is ``("context", "page", "path")``."""

    path: tuple[str, ...]


@dataclass(frozen=True)
class String:
    """A string literal."""

    value: str


@dataclass(frozen=True)
class Number:
    """A number literal (int when written without a fraction or exponent)."""

    value: int | float


@dataclass(frozen=True)
class Boolean:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Null:
    """``null``."""


@dataclass(frozen=True)
class List:
    """A list literal, the right side of ``in``: ``["track", "identify"]``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    """A function call: ``contains(event, "Order")``."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    """A comparison: ``op`` is one of ``= != < <= > >= in``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    """Negation, written ``!`` (``not`` parses too)."""

    operand: Node


@dataclass(frozen=True)
class And:
    """Two or more conditions that must all hold; nested ``and`` is flattened."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Two or more conditions of which one must hold; nested ``or`` is flattened."""

    operands: tuple[Node, ...]


Node = Field | String | Number | Boolean | Null | List | Call | Compare | Not | And | Or

#: function name -> (number of arguments, type of the result) (segment-docs fql.md, "Functions":
#: the signature and the Return Type column)
_SIGNATURES: dict[str, tuple[int, str]] = {
    "contains": (2, "bool"),
    "match": (2, "bool"),
    "length": (1, "number"),
    "lowercase": (1, "string"),
    "uppercase": (1, "string"),
    "snakecase": (1, "string"),
    "kebabcase": (1, "string"),
    "titlecase": (1, "string"),
    "typeof": (1, "string"),
    "bool": (1, "bool"),
    "string": (1, "string"),
    "number": (1, "number"),
}
#: function name -> number of arguments
FUNCTIONS: dict[str, int] = {name: arity for name, (arity, _) in _SIGNATURES.items()}

COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in")
_NUMERIC_OPERATORS = frozenset({"<", "<=", ">", ">="})
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_SEGMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
#: ASCII digits only: ``str.isdigit`` and ``\d`` also take "²" or "٣", which FQL does not write as numbers
_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_JSON_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


# -- lexer -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # string, number, path, op, punct, keyword, end
    value: object
    pos: int
    #: for paths: whether any segment was escaped or backticked (then it is never a keyword or a call)
    escaped: bool = False


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "end of expression"
    if token.kind == "string":
        return "string " + json.dumps(token.value)
    if token.kind == "path":
        return "field " + ".".join(token.value)  # type: ignore[arg-type]
    return repr(str(token.value)) if token.kind != "number" else f"number {token.value}"


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def tokens(self) -> list[_Token]:
        out: list[_Token] = []
        text = self.text
        while True:
            while self.i < len(text) and text[self.i] in " \t\r\n":
                self.i += 1
            if self.i >= len(text):
                out.append(_Token("end", None, self.i))
                return out
            start = self.i
            char = text[start]
            if char in "\"'":
                out.append(_Token("string", self._string(char), start))
            elif char in _DIGITS or (char == "-" and text[start + 1 : start + 2] in _DIGITS):
                out.append(self._number())
            elif char in "()[],":
                self.i += 1
                out.append(_Token("punct", char, start))
            elif char in "=<>!":
                two = text[start : start + 2]
                if two in ("!=", "<=", ">="):
                    self.i += 2
                    out.append(_Token("op", two, start))
                else:
                    self.i += 1
                    out.append(_Token("op", char, start))
            elif (char in _SEGMENT_CHARS and char != "-") or char in "\\`":
                out.append(self._path())
            else:
                raise FQLSyntaxError(f"unexpected character {char!r}", start)

    def _string(self, quote: str) -> str:
        text, start = self.text, self.i
        self.i += 1
        chars: list[str] = []
        while True:
            if self.i >= len(text):
                raise FQLSyntaxError("unterminated string", start)
            char = text[self.i]
            if char == quote:
                self.i += 1
                return "".join(chars)
            if char == "\\":
                if self.i + 1 >= len(text):
                    raise FQLSyntaxError("unterminated string", start)
                escape = text[self.i + 1]
                if escape == "u":
                    digits = text[self.i + 2 : self.i + 6]
                    if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                        raise FQLSyntaxError("invalid \\u escape", self.i)
                    chars.append(chr(int(digits, 16)))
                    self.i += 6
                    continue
                # Unknown escapes stay as written: match() patterns use \* and \? for literals.
                chars.append(_JSON_ESCAPES.get(escape, "\\" + escape))
                self.i += 2
                continue
            chars.append(char)
            self.i += 1

    def _number(self) -> _Token:
        start = self.i
        found = _NUMBER.match(self.text, start)
        assert found is not None  # the caller saw a digit
        self.i = found.end()
        if self.i < len(self.text) and (self.text[self.i] in _SEGMENT_CHARS or self.text[self.i] in ".\\`"):
            raise FQLSyntaxError("malformed number", start)
        literal = found.group(0)
        value: int | float = float(literal) if found.group(1) or found.group(2) else int(literal)
        return _Token("number", value, start)

    def _path(self) -> _Token:
        text, start = self.text, self.i
        segments: list[str] = []
        escaped = False
        while True:
            segment_start = self.i
            if self.i < len(text) and text[self.i] == "`":
                end = self.i + 1
                chars: list[str] = []
                while True:
                    if end >= len(text):
                        raise FQLSyntaxError("unterminated backticked field", self.i)
                    if text[end] == "\\" and end + 1 < len(text):
                        chars.append(text[end + 1])
                        end += 2
                        continue
                    if text[end] == "`":
                        break
                    chars.append(text[end])
                    end += 1
                if not chars:
                    raise FQLSyntaxError("empty field name", self.i)
                segments.append("".join(chars))
                escaped = True
                self.i = end + 1
            else:
                chars = []
                while self.i < len(text):
                    char = text[self.i]
                    if char == "\\":
                        if self.i + 1 >= len(text):
                            raise FQLSyntaxError("dangling escape in field name", self.i)
                        chars.append(text[self.i + 1])
                        escaped = True
                        self.i += 2
                    elif char in _SEGMENT_CHARS:
                        chars.append(char)
                        self.i += 1
                    else:
                        break
                if not chars:
                    raise FQLSyntaxError("empty field name", segment_start)
                segments.append("".join(chars))
            if self.i < len(text) and text[self.i] == ".":
                self.i += 1
                continue
            break
        if not escaped and len(segments) == 1 and segments[0] in _KEYWORDS:
            return _Token("keyword", segments[0], start)
        return _Token("path", tuple(segments), start, escaped)


# -- parser ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _Lexer(text).tokens()
        self.k = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.k]

    def advance(self) -> _Token:
        token = self.tokens[self.k]
        self.k += 1
        return token

    def at(self, kind: str, value: object) -> bool:
        return self.token.kind == kind and self.token.value == value

    def expect(self, kind: str, value: str) -> _Token:
        if not self.at(kind, value):
            raise FQLSyntaxError(f"expected {value!r} but found {_describe(self.token)}", self.token.pos)
        return self.advance()

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise FQLSyntaxError("empty expression", self.token.pos)
        pos = self.token.pos
        node = self.expression()
        if self.token.kind != "end":
            raise FQLSyntaxError(f"unexpected {_describe(self.token)}", self.token.pos)
        _check_condition(node, pos)
        return node

    def expression(self) -> Node:
        return self.boolean("or", Or, self.conjunction)

    def conjunction(self) -> Node:
        return self.boolean("and", And, self.negation)

    def boolean(self, word: str, kind: type[And] | type[Or], operand: Callable[[], Node]) -> Node:
        pos = self.token.pos
        first: Node = operand()
        if not self.at("keyword", word):
            return first
        _check_condition(first, pos)
        operands = list(_flatten(first, kind))
        while self.at("keyword", word):
            self.advance()
            pos = self.token.pos
            node = operand()
            _check_condition(node, pos)
            operands.extend(_flatten(node, kind))
        return kind(tuple(operands))

    def negation(self) -> Node:
        if self.at("op", "!") or self.at("keyword", "not"):
            self.advance()
            pos = self.token.pos
            operand = self.negation()
            _check_condition(operand, pos)
            return Not(operand)
        return self.comparison()

    def comparison(self) -> Node:
        left_pos = self.token.pos
        left = self.value()
        token = self.token
        if not ((token.kind == "op" and token.value != "!") or (token.kind == "keyword" and token.value == "in")):
            return left
        op = str(self.advance().value)
        right_pos = self.token.pos
        right = self.value()
        if op in _NUMERIC_OPERATORS:
            for node, pos in ((left, left_pos), (right, right_pos)):
                if _type_of(node) not in (None, "number"):
                    raise FQLSyntaxError(f"operator {op!r} compares numbers, not {_kind(node)}", pos)
        if op == "in":
            if _type_of(left) == "list":
                raise FQLSyntaxError("the left side of 'in' cannot be a list", left_pos)
            if _type_of(right) not in (None, "list"):
                raise FQLSyntaxError(f"the right side of 'in' must be a list, not {_kind(right)}", right_pos)
        follower = self.token
        if (follower.kind == "op" and follower.value != "!") or (follower.kind == "keyword" and follower.value == "in"):
            raise FQLSyntaxError(f"comparisons do not chain: unexpected {_describe(follower)}", follower.pos)
        return Compare(op, left, right)

    def value(self) -> Node:
        token = self.token
        if token.kind == "string":
            self.advance()
            return String(str(token.value))
        if token.kind == "number":
            self.advance()
            assert isinstance(token.value, int | float)
            return Number(token.value)
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.advance()
            return Boolean(token.value == "true")
        if token.kind == "keyword" and token.value == "null":
            self.advance()
            return Null()
        if self.at("punct", "("):
            self.advance()
            node = self.expression()
            self.expect("punct", ")")
            return node
        if self.at("punct", "["):
            return self.list_literal()
        if token.kind == "path":
            self.advance()
            path = token.value
            assert isinstance(path, tuple)
            if self.at("punct", "(") and not token.escaped and len(path) == 1:
                return self.call(path[0], token.pos)
            return Field(path)
        raise FQLSyntaxError(f"expected a value but found {_describe(token)}", token.pos)

    def list_literal(self) -> List:
        self.expect("punct", "[")
        items: list[Node] = []
        if not self.at("punct", "]"):
            while True:
                pos = self.token.pos
                item = self.value()
                if not isinstance(item, String | Number | Boolean | Null):
                    raise FQLSyntaxError("a list holds only string, number, boolean and null literals", pos)
                items.append(item)
                if not self.at("punct", ","):
                    break
                self.advance()
        self.expect("punct", "]")
        return List(tuple(items))

    def call(self, name: str, pos: int) -> Call:
        if name not in FUNCTIONS:
            raise FQLSyntaxError(f"unknown function {name!r}", pos)
        self.expect("punct", "(")
        args: list[Node] = []
        arg_positions: list[int] = []
        if not self.at("punct", ")"):
            while True:
                arg_positions.append(self.token.pos)
                args.append(self.expression())
                if not self.at("punct", ","):
                    break
                self.advance()
        end = self.expect("punct", ")")
        if len(args) != FUNCTIONS[name]:
            expected = FUNCTIONS[name]
            noun = "argument" if expected == 1 else "arguments"
            raise FQLSyntaxError(f"{name}() takes {expected} {noun}, got {len(args)}", end.pos)
        if name == "match" and isinstance(args[1], String):
            problem = _glob_problem(args[1].value)
            if problem is not None:
                raise FQLSyntaxError(f"invalid match() pattern: {problem}", arg_positions[1])
        return Call(name, tuple(args))


def _type_of(node: Node) -> str | None:
    """The FQL type ``node`` always evaluates to, or None where only the event can tell (a field).

    Literals have their own type, conditions (comparisons, ``!``, ``and``, ``or``) are bools and a call
    has its function's Return Type, so ``lowercase(event) > 0`` is refused like ``'x' > 0`` is.
    """
    match node:
        case String():
            return "string"
        case Number():
            return "number"
        case Boolean() | Compare() | Not() | And() | Or():
            return "bool"
        case Null():
            return "null"
        case List():
            return "list"
        case Call(name):
            signature = _SIGNATURES.get(name)
            return signature[1] if signature else None
    return None


_TYPE_WORDS = {"string": "a string", "number": "a number", "bool": "a boolean", "null": "null", "list": "a list"}


def _kind(node: Node) -> str:
    words = _TYPE_WORDS.get(_type_of(node) or "", "a value")
    if isinstance(node, Call):
        return f"{words}, which {node.name}() returns"
    if isinstance(node, Compare | Not | And | Or):
        return f"{words}, which a condition evaluates to"
    return words


#: the types a condition may have: the reference's Boolean and Unary tables take bool or null operands
_CONDITION_TYPES = frozenset({"bool", "null"})


def _check_condition(node: Node, pos: int) -> None:
    """Refuse, where a condition goes, a node whose type is known and is neither bool nor null.

    That is a string, number or list literal, or a call whose function returns a string or a number
    (``lowercase``, ``length``, ``typeof`` ...), so ``length(userId)`` alone and ``!typeof(userId)``
    are errors while ``length(userId) > 0`` is not. A field passes: only the event knows its type.
    """
    kind = _type_of(node)
    if kind is not None and kind not in _CONDITION_TYPES:
        raise FQLSyntaxError(f"expected a condition (true or false) but found {_kind(node)}", pos)


def _flatten(node: Node, kind: type[And] | type[Or]) -> tuple[Node, ...]:
    return node.operands if isinstance(node, kind) else (node,)


def _glob_problem(pattern: str) -> str | None:
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                return "trailing backslash"
            i += 2
            continue
        if char == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                return "unterminated character class"
            i = end + 1
            continue
        i += 1
    return None


def parse(text: str) -> Node:
    """Parse FQL text into a tree of frozen dataclasses; raises FQLSyntaxError with the offending position."""
    if not isinstance(text, str):
        raise TypeError("FQL text must be a string")
    return _Parser(text).parse()


# -- renderer ----------------------------------------------------------------------------------


def render(node: Node) -> str:
    """The canonical FQL text of a tree."""
    match node:
        case Field(path):
            return ".".join(_render_segment(segment, first=i == 0) for i, segment in enumerate(path))
        case String(value):
            return json.dumps(value, ensure_ascii=False)
        case Boolean(value):
            return "true" if value else "false"
        case Null():
            return "null"
        case Number(value):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"not a number: {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"FQL has no literal for {value!r}")
            return repr(value) if isinstance(value, float) else str(value)
        case List(items):
            return "[" + ", ".join(render(item) for item in items) + "]"
        case Call(name, args):
            return f"{name}(" + ", ".join(render(arg) for arg in args) + ")"
        case Compare(op, left, right):
            return f"{_operand(left)} {op} {_operand(right)}"
        case Not(operand):
            inner = render(operand)
            simple = isinstance(operand, Field | Call | Boolean | Null | Not)
            return "!" + inner if simple else f"!({inner})"
        case And(operands):
            return " and ".join(f"({render(o)})" if isinstance(o, Or) else render(o) for o in operands)
        case Or(operands):
            return " or ".join(render(o) for o in operands)
    raise TypeError(f"not an FQL node: {node!r}")


def _operand(node: Node) -> str:
    # A comparison's sides bind tighter than everything but a value, so anything else is grouped.
    text = render(node)
    return f"({text})" if isinstance(node, Compare | Not | And | Or) else text


def _render_segment(segment: str, *, first: bool) -> str:
    if not segment:
        raise ValueError("a field path segment cannot be empty")
    out = "".join(char if char in _SEGMENT_CHARS else "\\" + char for char in segment)
    # A top-level name that would lex as a number or a keyword is escaped at its first character.
    if first and (segment[0] in _DIGITS or segment[0] == "-" or segment in _KEYWORDS):
        out = "\\" + out
    return out
