"""partners is the bottom layer: it imports none of the apps above it (security registers into partners.hooks)."""

import ast
from pathlib import Path

import partners

ABOVE = {"security", "cases", "workflows", "metrics", "exchange", "safetyteams"}


def test_partners_imports_no_app_above_it():
    offending = []
    for path in Path(partners.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offending += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ABOVE]
    assert offending == []
