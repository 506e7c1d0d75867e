"""FQL: parsing Segment's filter/trigger language into trees, rendering them back, and pointing at errors."""

from __future__ import annotations

import pytest

from destgraph.domain.fql import (
    And,
    Boolean,
    Call,
    Compare,
    Field,
    FQLSyntaxError,
    List,
    Not,
    Null,
    Number,
    Or,
    String,
    parse,
    render,
)

#: every statement of Segment's FQL reference (segment-docs fql.md), plus the shapes triggers use
VALID = [
    "event = 'Button Clicked'",
    "event = 'Screen Tapped'",
    "context.path.path = '/login'",
    "type = 'identify' or type = 'track'",
    "event = 'Button Clicked' and type = 'track'",
    "match( context.library.version, '1.*' )",
    "type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )",
    "!contains( context.library.name, 'js' )",
    "'dark-mode' in properties.features",
    "type = 'track' and ( event = 'Click' or match( 'Button *', event ) )",
    "( type = 'track' or type = 'identify' ) and ( properties.enabled or match( traits.email, '*@company.com' ) )",
    "!( type in ['track', 'identify'] )",
    "length( userId ) > 0",
    "typeof( userId ) = 'string' and length( userId ) > 0",
    'type = "track"',
    'type = "track" and event = "Order Completed"',
    "properties.product\\ 1.price = '19.99'",
    "properties.`product 1`.price != null",
    "properties.revenue >= 10.5 and properties.revenue < 1e3",
    "properties.count <= -1",
    'lowercase(event) = "order completed"',
    "uppercase(event) != 'X' and snakecase(event) = 'a_b' and kebabcase(event) = 'a-b' and titlecase(event) = 'A'",
    "bool(properties.flag) = true and string(properties.n) = '1' and number(properties.s) = 2",
    "not type = 'page'",
    "properties.is_test = false",
    "true",
    "userId",
    "bool(properties.flag)",
    "!match(event, 'Order *') and bool(properties.flag)",
    "properties.a-b = 1",
    "match(event, 'ab\\*d')",
    'event = "quote \\" and backslash \\\\ and unicode \\u00e9"',
    "context.page.path = '/pricing'\n  and\ttraits.plan = 'pro'",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_statements_parse_and_round_trip(text: str) -> None:
    tree = parse(text)
    canonical = render(tree)
    assert parse(canonical) == tree
    assert render(parse(canonical)) == canonical


def test_trees_are_frozen_dataclasses() -> None:
    tree = parse('type = "track" and properties.total > 10')
    assert tree == And(
        (Compare("=", Field(("type",)), String("track")), Compare(">", Field(("properties", "total")), Number(10)))
    )
    with pytest.raises(AttributeError):
        tree.operands = ()  # type: ignore[misc]
    assert hash(tree) == hash(parse('type = "track" and properties.total > 10'))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a = 1", Compare("=", Field(("a",)), Number(1))),
        ("a = 1.5", Compare("=", Field(("a",)), Number(1.5))),
        ("a = -2", Compare("=", Field(("a",)), Number(-2))),
        ("a = 'x'", Compare("=", Field(("a",)), String("x"))),
        ("a = true", Compare("=", Field(("a",)), Boolean(True))),
        ("a = null", Compare("=", Field(("a",)), Null())),
        ("a in [1, 'b', null]", Compare("in", Field(("a",)), List((Number(1), String("b"), Null())))),
        ("!a", Not(Field(("a",)))),
        ("not a", Not(Field(("a",)))),
        ("!!a", Not(Not(Field(("a",))))),
        ("contains(a, 'b')", Call("contains", (Field(("a",)), String("b")))),
        ("a.`b c`.d = 1", Compare("=", Field(("a", "b c", "d")), Number(1))),
        ("a.b\\.c = 1", Compare("=", Field(("a", "b.c")), Number(1))),
        ("\\and = 1", Compare("=", Field(("and",)), Number(1))),
        ("a.null = 1", Compare("=", Field(("a", "null")), Number(1))),
    ],
)
def test_statements_parse_to_the_expected_tree(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_and_binds_tighter_than_or() -> None:
    tree = parse("a or b and c or d")
    assert tree == Or((Field(("a",)), And((Field(("b",)), Field(("c",)))), Field(("d",))))


def test_negation_covers_a_whole_comparison() -> None:
    assert parse("!a = 1") == Not(Compare("=", Field(("a",)), Number(1)))
    assert render(parse("!a = 1")) == "!(a = 1)"


def test_same_operator_chains_flatten() -> None:
    assert parse("a and (b and c)") == parse("a and b and c") == And((Field(("a",)), Field(("b",)), Field(("c",))))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("event = 'Button Clicked'", 'event = "Button Clicked"'),
        ("match( context.library.version, '1.*' )", 'match(context.library.version, "1.*")'),
        ("!( type in ['track', 'identify'] )", '!(type in ["track", "identify"])'),
        ("not type = 'page'", '!(type = "page")'),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("((a))", "a"),
        ("properties.`product 1`.price = 1", "properties.product\\ 1.price = 1"),
        ("a = 1e3", "a = 1000.0"),
        ("(a = 1) = true", "(a = 1) = true"),
        ("a    =\n'x'", 'a = "x"'),
    ],
)
def test_render_writes_the_canonical_form(text: str, canonical: str) -> None:
    assert render(parse(text)) == canonical


@pytest.mark.parametrize(
    "tree",
    [
        Field(("1st",)),
        Field(("-x", "y z")),
        Field(("true",)),
        Field(("a", "b.c", "d\\e")),
        String('multi\nline "quoted" \\ \u00e9'),
        Not(And((Field(("a",)), Field(("b",))))),
        And((Or((Field(("a",)), Field(("b",)))), Not(Compare("<", Field(("n",)), Number(-0.5))))),
        Compare("in", String("x"), List((String("x"), Number(2), Boolean(False), Null()))),
        Compare(">", Call("length", (Field(("a",)),)), Number(0)),
    ],
)
def test_rendered_text_parses_back_to_the_same_tree(tree: object) -> None:
    if isinstance(tree, String | Field):
        tree = Compare("=", tree, Null())  # a bare value is not a condition
    text = render(tree)  # type: ignore[arg-type]
    assert parse(text) == tree
    assert render(parse(text)) == text


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty expression"),
        ("   ", 3, "empty expression"),
        ("type =", 6, "expected a value"),
        ('userId = oops"', 13, "unterminated string"),
        ("type = 'track", 7, "unterminated string"),
        ("a = b = c", 6, "do not chain"),
        ("a == b", 3, "expected a value"),
        ("a and", 5, "expected a value"),
        ("a or or b", 5, "expected a value"),
        ("(a = 1", 6, "expected ')'"),
        ("a = 1)", 5, "unexpected ')'"),
        ("foo(a)", 0, "unknown function 'foo'"),
        ("contains(a)", 10, "takes 2 arguments"),
        ("length(a, b)", 11, "takes 1 argument"),
        ('"track"', 0, "expected a condition"),
        ("a and 'x'", 6, "expected a condition"),
        ("!5", 1, "expected a condition"),
        ("length(a)", 0, "expected a condition (true or false) but found a number, which length() returns"),
        ("a and lowercase(b)", 6, "found a string, which lowercase() returns"),
        ("typeof(a) or a", 0, "found a string, which typeof() returns"),
        ("!length(a)", 1, "found a number, which length() returns"),
        ("(number(a))", 0, "found a number, which number() returns"),
        ("a < 'x'", 4, "compares numbers"),
        ("true > 1", 0, "compares numbers"),
        ("a in 'x'", 5, "must be a list"),
        ("[1] in a", 0, "cannot be a list"),
        ("a in [b]", 6, "only string, number"),
        ("a in [1, [2]]", 9, "only string, number"),
        ("1abc = 2", 0, "malformed number"),
        ("a = 1.", 4, "malformed number"),
        ("a # b", 2, "unexpected character '#'"),
        ("-x = 1", 0, "unexpected character '-'"),
        ("a.`` = 1", 2, "empty field name"),
        ("a. = 1", 2, "empty field name"),
        ("a.`b = 1", 2, "unterminated backticked field"),
        ("a = 'x\\u12'", 6, "invalid \\u escape"),
        ("match(a, '[ab')", 9, "unterminated character class"),
        ("match(a, 'ab\\\\')", 9, "trailing backslash"),
        ("a b", 2, "unexpected field b"),
    ],
)
def test_invalid_statements_raise_with_the_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(FQLSyntaxError) as caught:
        parse(text)
    assert caught.value.position == position, caught.value
    assert fragment in caught.value.message
    assert str(caught.value).endswith(f"at position {position}")


def test_syntax_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="position"):
        parse("type =")


def test_parse_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_render_refuses_numbers_fql_cannot_write(value: float) -> None:
    with pytest.raises(ValueError, match="no literal"):
        render(Compare("=", Field(("a",)), Number(value)))


def test_render_refuses_an_empty_field_segment() -> None:
    with pytest.raises(ValueError, match="empty"):
        render(Field(("a", "")))
