"""Taint per key and per position of local dicts and lists.

``values = {"a": "safe", "b": user}`` then ``values["a"]`` is clean; ``lst = ["safe", user,
"more"]``, ``lst.pop(0)`` then ``lst[1]`` is ``"more"``. The walker keeps, next to a local
container's own taint (the union of everything ever put in it, used when the container is
used whole), an entry per constant key or index: ``env["values['a']"]``. A list's length is
kept with the known constants (``lst#len``) so ``append`` and ``pop`` shift the positions.
Whenever the content is no longer known (a key that is not constant, ``insert``, ``sort``,
a call that may change it), the entries are dropped and reads fall back to the whole
container: never less taint than before, only less where the code shows it.
"""

from __future__ import annotations

import ast

from .constants import LENGTH, UNKNOWN, evaluate
from .labels import CLEAN, Label, union

Env = dict[str, frozenset[Label]]

#: List methods whose effect on positions is known.
_KNOWN_LIST_METHODS = frozenset({"append", "pop"})
#: Methods that change a container in ways positions cannot follow.
_RESHAPING = frozenset({
    "insert", "extend", "remove", "clear", "sort", "reverse", "update", "setdefault", "popitem", "appendleft",
    "popleft", "add", "discard", "__setitem__",
})


def item_key(base: str, key: object) -> str:
    return f"{base}[{key!r}]"


def is_item_key(name: str) -> bool:
    return name.endswith("]") and "[" in name


def base_of(name: str) -> str:
    return name.split("[", 1)[0]


class ContainerMixin:
    """Per-item taint for the flow walker (needs ``known`` and ``expr``)."""

    known: dict[str, object]

    def _item_names(self, base: str) -> set[str]:
        """Every entry name ever made for ``base`` by this walker (a superset of those in any
        one env: branches copy the env). Forgetting a container's entries looks only at
        these: scanning the whole env on each assignment made a module of 25,000
        assignments quadratic (minutes)."""
        index: dict[str, set[str]] = self.__dict__.setdefault("_items_by_base", {})
        return index.setdefault(base, set())

    def _put_item(self, base: str, key: object, value: frozenset[Label], env: Env) -> None:
        name = item_key(base, key)
        self._item_names(base).add(name)
        env[name] = value

    def _has_items(self, base: str, env: Env) -> bool:
        return any(name in env for name in self._item_names(base))

    def _forget_constants(self, base: str) -> None:
        for name in self._item_names(base):
            self.known.pop(name, None)

    def _forget_items(self, base: str, env: Env) -> None:
        for name in self._item_names(base):
            env.pop(name, None)
        self._forget_constants(base)
        self.known.pop(base + LENGTH, None)

    def _set_items(self, base: str, source: ast.AST | None, env: Env) -> None:
        """After ``base = source``: entries for a literal dict or list, none otherwise."""
        self._forget_items(base, env)
        if isinstance(source, ast.Dict):
            keys = [evaluate(k, self.known) if k is not None else UNKNOWN for k in source.keys]
            if all(isinstance(k, (str, int)) for k in keys):
                scratch = dict(env)  # one copy for the literal, not one per entry (quadratic)
                for key, value in zip(keys, source.values):
                    self._put_item(base, key, self.expr(value, scratch), env)  # type: ignore[attr-defined]
        elif isinstance(source, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in source.elts):
            scratch = dict(env)
            for index, value in enumerate(source.elts):
                self._put_item(base, index, self.expr(value, scratch), env)  # type: ignore[attr-defined]
                self._remember_item(base, index, value)
            self.known[base + LENGTH] = len(source.elts)

    def _store_item(self, target: ast.Subscript, value: frozenset[Label], env: Env) -> None:
        """``base[key] = value``: the entry for a constant key, else nothing is known."""
        if not isinstance(target.value, ast.Name):
            return
        base = target.value.id
        key = evaluate(target.slice, self.known)
        if isinstance(key, int) and not isinstance(key, bool):
            length = self.known.get(base + LENGTH)
            key = key + length if key < 0 and isinstance(length, int) else key
        if isinstance(key, (str, int)) and not isinstance(key, bool):
            self._put_item(base, key, value, env)
        else:
            self._forget_items(base, env)

    def _load_item(self, node: ast.Subscript, env: Env) -> frozenset[Label] | None:
        """The taint of ``base[key]`` when its entry is known, else None."""
        if not isinstance(node.value, ast.Name) or isinstance(node.slice, ast.Slice):
            return None
        base = node.value.id
        key = evaluate(node.slice, self.known)
        if isinstance(key, int) and not isinstance(key, bool) and key < 0:
            length = self.known.get(base + LENGTH)
            key = key + length if isinstance(length, int) else UNKNOWN
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            return None
        return env.get(item_key(base, key))

    def _container_method(self, node: ast.Call, func: ast.Attribute, args: list, env: Env) -> frozenset[Label] | None:
        """Follow ``lst.append(x)``, ``lst.pop(i)`` and ``d.get(k)`` on a local container; the
        call's taint when known (``pop``, ``get``), else None."""
        if not isinstance(func.value, ast.Name):
            return None
        base = func.value.id
        length = self.known.get(base + LENGTH)
        if func.attr == "get" and node.args:
            if not self._has_items(base, env):
                return None
            # configparser's get(section, option), else a dict's get(key, default)
            whole = evaluate(ast.Tuple(elts=node.args, ctx=ast.Load()), self.known)
            found = env.get(item_key(base, whole)) if whole is not UNKNOWN and len(node.args) > 1 else None
            if found is not None:
                return found
            key = evaluate(node.args[0], self.known)
            found = env.get(item_key(base, key)) if isinstance(key, (str, int)) else None
            if found is None:
                return None
            return union(found, *args[1:])
        if func.attr == "set" and len(node.args) >= 2:  # configparser's set(section, option, value)
            key = evaluate(ast.Tuple(elts=node.args[:-1], ctx=ast.Load()), self.known)
            if key is UNKNOWN:
                self._forget_items(base, env)
            else:
                self._put_item(base, key if len(node.args) > 2 else key[0], args[-1], env)  # type: ignore[index]
            env[base] = union(env.get(base, CLEAN), args[-1])
            return CLEAN
        if func.attr in _RESHAPING or (func.attr in _KNOWN_LIST_METHODS and not isinstance(length, int)):
            self._forget_items(base, env)
            return None
        if func.attr == "append" and isinstance(length, int) and len(args) == 1:
            self._put_item(base, length, args[0], env)
            self._remember_item(base, length, node.args[0])
            self.known[base + LENGTH] = length + 1
            return None
        if func.attr == "pop" and isinstance(length, int) and length > 0:
            index = evaluate(node.args[0], self.known) if node.args else length - 1
            if not isinstance(index, int) or isinstance(index, bool):
                self._forget_items(base, env)
                return None
            index = index + length if index < 0 else index
            if not 0 <= index < length:
                return None
            popped = env.get(item_key(base, index), CLEAN)
            self._forget_constants(base)  # constant items shift: forget them
            for position in range(index, length - 1):
                self._put_item(base, position, env.get(item_key(base, position + 1), CLEAN), env)
            env.pop(item_key(base, length - 1), None)
            self.known[base + LENGTH] = length - 1
            return popped
        return None


    def _remember_item(self, base: str, index: int, value: ast.AST) -> None:
        """Keep a list item's constant value (``["sh", "-c", cmd]``) for sinks that read it."""
        constant = evaluate(value, self.known)
        if constant is UNKNOWN:
            self.known.pop(item_key(base, index), None)
        else:
            self._item_names(base).add(item_key(base, index))
            self.known[item_key(base, index)] = constant

    def constant_items(self, expr: ast.AST, count: int) -> list[object]:
        """The first ``count`` items of a list literal or a tracked local list, each a
        constant or UNKNOWN (an empty list when the list itself is unknown)."""
        if isinstance(expr, (ast.List, ast.Tuple)):
            return [evaluate(e, self.known) for e in expr.elts[:count]]
        if isinstance(expr, ast.Name) and isinstance(self.known.get(expr.id + LENGTH), int):
            return [self.known.get(item_key(expr.id, i), UNKNOWN) for i in range(count)]
        return []


def merged_item(name: str, env: Env) -> frozenset[Label]:
    """An entry's taint in a branch that has no entry for it: the whole container's."""
    found = env.get(name)
    if found is not None:
        return found
    return env.get(base_of(name), CLEAN) if is_item_key(name) else CLEAN
