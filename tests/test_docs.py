"""The reference docs stay in step with the code, and every command is documented."""

import re

from sysdesign.cli import COMMANDS
from sysdesign.render import reference_docs
from tests.conftest import ROOT

DOCS = ROOT / "docs"
HINT = "regenerate with: python3 -m sysdesign.render.reference_docs {}"


def test_spec_fields_table_is_current():
    text = (DOCS / "spec.md").read_text()
    m = re.search(re.escape(reference_docs.BEGIN) + r"\n(.*)" + re.escape(reference_docs.END),
                  text, re.S)
    assert m, "docs/spec.md lost its generated-fields markers"
    assert m.group(1) == reference_docs.spec_fields_markdown(), HINT.format("spec")


def test_assumptions_doc_is_current():
    assert (DOCS / "assumptions.md").read_text() == reference_docs.assumptions_markdown(), \
        HINT.format("assumptions > docs/assumptions.md")


def test_every_command_has_a_docs_section():
    text = (DOCS / "cli.md").read_text()
    for name, _, _ in COMMANDS:
        assert f"## sysdesign {name}\n" in text, f"docs/cli.md lacks {name}; " + \
            HINT.format("cli > docs/cli.md")


def test_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    block = "\n".join(lines[:6])
    assert "pip install . && sysdesign estimate examples/twitter.yaml" in block
    assert "bash .ci/run" in block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pytest" in ci


def test_readme_links_resolve():
    text = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (ROOT / link).exists(), link
