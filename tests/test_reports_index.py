"""reports/index.html opens each study with its findings, linked to the supporting report
sections, then lists the reports with their status."""

from __future__ import annotations

import json

from research.reports.index import section_link, write_index
from research.reports.manifest import write_manifest

XSS = "<script>alert(1)</script>"


def _manifest(root, study, runs):
    write_manifest(
        root / "data" / "processed" / study / "manifest.json",
        {"version": 1, "study": study, "title": f"Study {study}", "runs": runs},
    )


def _results(root, study, run_id, results, anchors=()):
    folder = root / "reports" / study / run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps({"results": results}), encoding="utf-8")
    page = "".join(f'<h2 id="{anchor}">x</h2>' for anchor in anchors)
    (root / "reports" / study / f"{run_id}.html").write_text(f"<html>{page}</html>", encoding="utf-8")
    return {
        "status": "ok",
        "title": f"Title {run_id}",
        "html": f"{study}/{run_id}.html",
        "results": f"{study}/{run_id}/results.json",
    }


def test_index_opens_with_findings_linked_to_sections(project_copy):
    root = project_copy
    findings = [
        {"text": f"Desk is the first place to act {XSS}.", "run": None, "section": "priority"},
        {"text": "The change at Desk worked.", "run": "eval", "section": "verdicts"},
        {"text": "Codes by touchpoint.", "run": "coding", "section": "touchpoint_ranking"},
        {"text": "A run without a page.", "run": "missing", "section": "x"},
        {"text": "A section the page lacks.", "run": "eval", "section": "quotes"},
    ]
    runs = {
        "eval": _results(root, "alpha", "eval", {"effects": {}}, anchors=["Verdicts"]),  # nbconvert's id
        "coding": _results(
            root, "alpha", "coding", {"pain_point_scores": {}}, anchors=["touchpoint-ranking"]
        ),
        "card": _results(
            root, "alpha", "card", {"language": "zh", "findings": findings}, anchors=["priority"]
        ),
        "card-en": _results(root, "alpha", "card-en", {"language": "en", "findings": [{"text": "second"}]}),
    }
    runs["broken"] = {"status": "failed", "title": "Broken", "html": "alpha/broken.html", "error": "boom"}
    _manifest(root, "alpha", runs)
    _manifest(root, "beta", {"only": _results(root, "beta", "only", {"effects": {}})})
    page = write_index(root).read_text(encoding="utf-8")
    alpha = page[page.index("Study alpha") : page.index("Study beta")]
    # Findings come first, in the language of the first run that has them, then the table.
    assert alpha.index("主要发现") < alpha.index("<table>")
    assert "second" not in alpha
    assert XSS not in page and "&lt;script&gt;" in alpha
    assert 'href="alpha/card.html#priority"' in alpha  # the scorecard's own section
    assert 'href="alpha/eval.html#Verdicts"' in alpha  # the page's own id, matched without case
    assert 'href="alpha/eval.html">' in alpha  # a section the page lacks: the page itself
    assert 'href="alpha/coding.html#touchpoint-ranking"' in alpha
    assert "A run without a page." in alpha and "alpha/missing.html" not in alpha
    assert alpha.count("<li>") == 5
    assert "status-failed" in alpha  # the list of reports with status follows
    beta = page[page.index("Study beta") :]
    assert 'class="findings"' not in beta  # no run with findings: no box


def test_section_link():
    assert section_link("s", "r", "a_b") == "s/r.html#a-b"
    assert section_link("s", "r", "") == "s/r.html"
