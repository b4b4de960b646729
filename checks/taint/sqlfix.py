"""The "parameterize this query" fix, in the placeholder style of the driver in use.

The query (an f-string, ``+`` concatenation, ``%`` formatting or ``.format`` call, used
directly or through a local variable assigned once and read once) is split into constant
text and interpolated values. Each value must sit where SQL expects a value: inside a quoted
literal (the whole literal becomes one placeholder; ``'%{x}%'`` becomes the parameter
``f"%{x}%"``), or after a comparison operator, ``LIKE``, ``LIMIT``/``OFFSET`` or inside
``VALUES (...)``. Anything else (table or column names, ``IN ({ids})`` lists, fragments glued
to other text) cannot be a parameter, so no fix is offered. The rest of the SQL text is kept
byte for byte (``%`` doubled for ``%s``-style drivers, which format the query).
"""

from __future__ import annotations

import ast
import re
import string

from ..context import RuleContext
from ..model import Edit, Fix, Range
from .flow import SinkHit

Piece = str | ast.expr  # constant SQL text, or an interpolated value

_VALUE_BEFORE = re.compile(r"(?:<=|>=|<>|!=|[=<>]|\b(?:like|ilike|limit|offset))\s*$", re.IGNORECASE)
_LIST_BEFORE = re.compile(r"[(,]\s*$")
_CLAUSE = re.compile(r"\b(values|select|from|join|into|update|table|where|set|having|order\s+by|group\s+by|in|on)\b", re.IGNORECASE)
_IN_LIST = re.compile(r"\bin\s*\(\s*$", re.IGNORECASE)
_VALUE_AFTER = re.compile(r"^(?:\s|\)|,|;|$)")
_MODULE_STYLES = (
    ("sqlite3", "qmark"),
    ("aiosqlite", "qmark"),
    ("psycopg2", "format"),
    ("psycopg", "format"),
    ("pymysql", "format"),
    ("MySQLdb", "format"),
    ("django.db", "format"),
    ("asyncpg", "numeric"),
)


def parameterize_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    call = hit.call
    if not isinstance(call, ast.Call) or hit.arg is None or hit.row is None:
        return None
    style = hit.row.get("driver") or _style_from_imports(ctx)
    if style is None or style == "none":
        return None
    params_call = call
    if style == "named":  # text(sql) passed as the first argument of execute()
        outer = ctx.doc.parent(call)
        if not isinstance(outer, ast.Call) or not outer.args or outer.args[0] is not call or len(outer.args) > 1 or outer.keywords:
            return None
        params_call = outer
    if len(call.args) != 1 or call.args[0] is not hit.arg or call.keywords:
        return None
    query = _query_expression(ctx, hit)
    if query is None:
        return None
    pieces = split_query(query)
    if pieces is None or not any(isinstance(p, ast.expr) for p in pieces):
        return None
    built = build(ctx, pieces, style)
    if built is None:
        return None
    sql, params = built
    edits = [ctx.replace(query, _literal(ctx, query, sql))]
    end = ctx.doc.range_of(params_call.args[0]).end
    edits.append(Edit(Range(end, end), ", " + _params_text(style, params)))
    return ctx.fix(edits)


def _style_from_imports(ctx: RuleContext) -> str | None:
    imported = set(ctx.doc.names.imports.values())
    styles = {
        style
        for module, style in _MODULE_STYLES
        if any(path == module or path.startswith(module + ".") for path in imported)
    }
    return styles.pop() if len(styles) == 1 else None


def _query_expression(ctx: RuleContext, hit: SinkHit) -> ast.expr | None:
    """The expression building the query: the argument, or a local's single assignment
    when the local is read nowhere else (so rewriting it changes nothing else)."""
    arg = hit.arg
    if not isinstance(arg, ast.Name):
        return arg if isinstance(arg, ast.expr) else None
    scope = hit.function
    if scope is None:
        return None
    value = ctx.doc.names.binding(arg.id, scope)
    if not isinstance(value, ast.expr):
        return None
    loads = sum(1 for node in ast.walk(scope) if isinstance(node, ast.Name) and node.id == arg.id and isinstance(node.ctx, ast.Load))
    return value if loads == 1 else None


def split_query(expr: ast.expr) -> list[Piece] | None:
    """Constant text and values of a query built with an f-string, ``+``, ``%`` or ``format``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        pieces: list[Piece] = []
        for value in expr.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                pieces.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
                pieces.append(value.value)
            else:
                return None
        return pieces
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = split_query(expr.left), split_query(expr.right) if _is_text(expr.right) else [expr.right]
        if left is None or right is None:
            return None
        return [*left, *right]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        if not (isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str)):
            return None
        return _split_percent(expr.left.value, expr.right)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = expr.func.value
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            return _split_format(template.value, expr)
    if not _is_text(expr):
        return [expr]
    return None


def _is_text(expr: ast.expr) -> bool:
    return isinstance(expr, (ast.JoinedStr, ast.BinOp)) or (isinstance(expr, ast.Constant) and isinstance(expr.value, str))


_PERCENT = re.compile(r"%(?:\((?P<key>\w+)\))?(?P<spec>[sdifr%])")


def _split_percent(template: str, right: ast.expr) -> list[Piece] | None:
    values = right.elts if isinstance(right, ast.Tuple) else None
    mapping = right if isinstance(right, ast.Dict) else None
    pieces: list[Piece] = []
    cursor = 0
    used = 0
    for match in _PERCENT.finditer(template):
        pieces.append(template[cursor : match.start()])
        cursor = match.end()
        if match.group("spec") == "%":
            pieces.append("%")
            continue
        key = match.group("key")
        if key is not None:
            if mapping is None:
                return None
            value = next((v for k, v in zip(mapping.keys, mapping.values) if isinstance(k, ast.Constant) and k.value == key), None)
            if value is None:
                return None
            pieces.append(value)
        elif values is not None:
            if used >= len(values) or isinstance(values[used], ast.Starred):
                return None
            pieces.append(values[used])
            used += 1
        elif mapping is None and used == 0:
            pieces.append(right)
            used += 1
        else:
            return None
    pieces.append(template[cursor:])
    if values is not None and used != len(values):
        return None
    return [p for p in pieces if p != ""]


def _split_format(template: str, call: ast.Call) -> list[Piece] | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    pieces: list[Piece] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for text, field, spec, conversion in parsed:
        if text:
            pieces.append(text)
        if field is None:
            continue
        if spec or conversion:
            return None
        if field == "":
            index: int | str = auto
            auto += 1
        elif field.isdigit():
            index = int(field)
        else:
            index = field
        if isinstance(index, int):
            if index >= len(call.args):
                return None
            pieces.append(call.args[index])
        elif index in keywords:
            pieces.append(keywords[index])
        else:
            return None
    return pieces


def build(ctx: RuleContext, pieces: list[Piece], style: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(SQL with placeholders, [(parameter name, parameter expression text)]) or None."""
    sql = ""
    params: list[tuple[str, str]] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if isinstance(piece, str):
            sql += piece
            index += 1
            continue
        if sql.count("'") % 2 == 1:  # inside a quoted literal: the literal becomes one value
            start = sql.rfind("'")
            if _IN_LIST.search(sql[:start]):
                return None  # IN ('{joined}') builds several literals: not one parameter
            content: list[Piece] = [sql[start + 1 :]] if sql[start + 1 :] else []
            sql = sql[:start]
            index, rest = _literal_until_quote(pieces, index, content)
            if index is None:
                return None
            value = _value_text(ctx, content)
            if value is None:
                return None
            name = _name_for(content, len(params))
            sql += _placeholder(style, name, len(params))
            params.append((name, value))
            sql += rest
            continue
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        if not isinstance(following, str) or not _VALUE_AFTER.match(following):
            return None  # glued to more text or to another value: not a whole SQL value
        if sql.endswith('"') or not _value_position(sql):
            return None
        name = _name_for([piece], len(params))
        sql += _placeholder(style, name, len(params))
        params.append((name, ctx.doc.source_of(piece)))
        index += 1
    if style in ("format", "django"):
        sql = _escape_percent(sql, [p for p in pieces if isinstance(p, str)])
    return sql, params


def _literal_until_quote(pieces: list[Piece], index: int, content: list[Piece]) -> tuple[int | None, str]:
    """Collect the rest of a quoted literal starting at ``pieces[index]``; returns the index
    after it and the SQL text following the closing quote."""
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if isinstance(piece, str):
            quote = _closing_quote(piece)
            if quote is not None:
                if piece[:quote]:
                    content.append(piece[:quote])
                return index, piece[quote + 1 :]
            content.append(piece)
        else:
            content.append(piece)
    return None, ""


def _closing_quote(text: str) -> int | None:
    """Index of the first ``'`` that is not part of an escaped ``''`` pair."""
    position = 0
    while True:
        found = text.find("'", position)
        if found < 0:
            return None
        if text[found + 1 : found + 2] == "'":
            position = found + 2
            continue
        return found


def _value_position(before: str) -> bool:
    if _VALUE_BEFORE.search(before):
        return True
    if _LIST_BEFORE.search(before):
        clauses = _CLAUSE.findall(before)
        return bool(clauses) and clauses[-1].lower() == "values"
    return False


def _value_text(ctx: RuleContext, content: list[Piece]) -> str | None:
    if len(content) == 1 and isinstance(content[0], ast.expr):
        return ctx.doc.source_of(content[0])
    parts = []
    for piece in content:
        if isinstance(piece, str):
            if "{" in piece or "}" in piece or '"' in piece or "\\" in piece or "\n" in piece:
                return None
            parts.append(piece.replace("''", "'"))
        else:
            inner = ctx.doc.source_of(piece)
            if '"' in inner or "\\" in inner or "\n" in inner:
                return None
            parts.append("{" + inner + "}")
    return 'f"' + "".join(parts) + '"'


def _name_for(content: list[Piece], position: int) -> str:
    values = [p for p in content if isinstance(p, ast.expr)]
    if len(values) == 1:
        value = values[0]
        if isinstance(value, ast.Name):
            return value.id
        if isinstance(value, ast.Attribute):
            return value.attr
    return f"param{position + 1}"


def _placeholder(style: str, name: str, position: int) -> str:
    if style == "qmark":
        return "?"
    if style == "numeric":
        return f"${position + 1}"
    if style == "named":
        return f":{name}"
    return "%s"


def _escape_percent(sql: str, texts: list[str]) -> str:
    """Double the literal ``%`` signs of the original text (``%s`` placeholders stay single)."""
    if not any("%" in text for text in texts):
        return sql
    marker = "\x00"
    return sql.replace("%s", marker).replace("%", "%%").replace(marker, "%s")


def _params_text(style: str, params: list[tuple[str, str]]) -> str:
    values = [value for _, value in params]
    if style == "numeric":
        return ", ".join(values)
    if style == "named":
        names = [name for name, _ in params]
        if len(set(names)) != len(names):
            names = [f"param{i + 1}" for i in range(len(names))]
        return "{" + ", ".join(f'"{n}": {v}' for n, v in zip(names, values)) + "}"
    if style == "django":
        return "[" + ", ".join(values) + "]"
    return "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"


def _literal(ctx: RuleContext, original: ast.expr, sql: str) -> str:
    """A Python string literal for ``sql``, triple-quoted when the original query was."""
    text = ctx.doc.source_of(original).lstrip("rRbBuUfF")
    if text.startswith(('"""', "'''")) and '"""' not in sql and "\\" not in sql and not sql.endswith('"'):
        return '"""' + sql + '"""'
    if '"' not in sql and "\\" not in sql and "\n" not in sql:
        return '"' + sql + '"'
    return repr(sql)
