"""The house's layers: no import circle among sip's modules, and the import contracts hold.

An import inside a function counts: it is an import all the same. A feature reaches what
another knows through ``sip.facts``, reacts to another's event through ``sip.events`` or a
registry (``sip.evidence``, the notification kinds), and never imports one that imports it.
"""

import os

import grimp
import pytest

from sip.paths import ROOT


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("sip", cache_dir=None)


def circles(graph) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def _edges(graph, component: set[str]) -> list[str]:
    return [
        f"{a} -> {b} (line {detail['line_number']})"
        for a in sorted(component)
        for b in sorted(graph.find_modules_directly_imported_by(a) & component)
        for detail in graph.get_import_details(importer=a, imported=b)[:1]
    ]


def test_no_import_circle_among_sip_modules(graph):
    found = circles(graph)
    assert found == [], "\n\n".join("\n".join(_edges(graph, c)) for c in found)


def test_a_circle_is_found_when_there_is_one():
    """The finder itself: two modules importing each other, and a longer circle."""
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d", "p.e"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.d")
    graph.add_import(importer="p.d", imported="p.e")
    graph.add_import(importer="p.e", imported="p.c")
    graph.add_import(importer="p.e", imported="p.a")
    assert sorted(map(sorted, circles(graph))) == [["p.a", "p.b"], ["p.c", "p.d", "p.e"]]


def test_the_import_contracts_of_pyproject_hold(capsys):
    """`lint-imports`: entry points on top, shared modules below the features, and within a
    feature views over services over permissions over models (pyproject's importlinter)."""
    from importlinter.cli import lint_imports

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, capsys.readouterr().out[-4000:]
