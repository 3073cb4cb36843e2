"""``reports/index.html``: one page listing every report of every study, with links.

Built from the studies' manifests (``data/processed/*/manifest.json``), so it lists the last
known state of each run: title, parameters, status, duration, time generated. Each study opens
with its most important findings in plain language, read from the first report run of the
study whose ``results.json`` has ``findings`` (the touchpoint scorecard, notebook 50), each
linking to the section of the report that supports it. Self-contained (inline CSS, no scripts)
and every value is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from research.io import write_text
from research.paths import processed_dir, reports_dir
from research.reports.fonts import embed_cjk_font
from research.reports.manifest import MANIFEST_NAME, read_manifest
from research.wording import say

INDEX_NAME = "index.html"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Touchpoint Workbench reports</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.2em; margin-top: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
th, td {{ text-align: left; padding: 4px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f3f3f3; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.status-ok {{ color: #0072B2; font-weight: 600; }}
.status-failed {{ color: #D55E00; font-weight: 600; }}
.status-interrupted {{ color: #CC79A7; font-weight: 600; }}
code {{ font-size: 0.9em; }}
.findings {{ background: #f6f9fc; border-left: 4px solid #0072B2; padding: 0.6em 1.2em; margin: 1em 0; }}
.findings h3 {{ margin: 0.3em 0; font-size: 1.05em; }}
.findings li {{ margin: 0.4em 0; line-height: 1.5; }}
.findings a {{ font-size: 0.85em; white-space: nowrap; }}
</style>
</head>
<body>
<h1>Touchpoint Workbench reports</h1>
<p>{summary}</p>
{sections}
</body>
</html>
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _parameters(parameters: dict[str, Any]) -> str:
    shown = {k: v for k, v in parameters.items() if k not in ("study", "output_dir")}
    if not shown:
        return ""
    return "<br>".join(
        f"<code>{_e(k)}</code> = {_e(json.dumps(v, ensure_ascii=False, default=str))}"
        for k, v in shown.items()
    )


def _run_row(run_id: str, entry: dict[str, Any]) -> str:
    status = entry.get("status", "unknown")
    link = entry.get("html")
    title = _e(entry.get("title", run_id))
    title_cell = f'<a href="{_e(link)}">{title}</a>' if link else title
    duration = entry.get("duration_s")
    duration_cell = f"{duration:.1f} s" if isinstance(duration, int | float) else ""
    error = f"<br><small>{_e(entry['error'])}</small>" if entry.get("error") else ""
    return (
        f"<tr><td>{title_cell}</td><td><code>{_e(run_id)}</code></td>"
        f"<td>{_parameters(entry.get('parameters', {}))}</td>"
        f'<td class="status-{_e(status)}">{_e(status)}{error}</td>'
        f'<td class="num">{duration_cell}</td><td>{_e(entry.get("generated_at", ""))}</td></tr>'
    )


def section_link(study: str, run_id: str, section: str | None) -> str:
    """The index's link to a section of a report: ``<study>/<run>.html#<section anchor>``.

    Section anchors are the report sections' keys with ``_`` written ``-`` (see
    :class:`research.wording.Prose`).

    Examples
    --------
    >>> section_link("sample", "coding-zh", "touchpoint_ranking")
    'sample/coding-zh.html#touchpoint-ranking'
    >>> section_link("sample", "scorecard", None)
    'sample/scorecard.html'
    """
    anchor = f"#{section.replace('_', '-')}" if section else ""
    return f"{study}/{run_id}.html{anchor}"


def page_anchor(page: Path, section: str | None) -> str | None:
    """The id in the HTML *page* that marks *section*, matched case-insensitively (None if absent).

    Report sections carry their key as anchor (``_`` written ``-``); headings rendered from
    Markdown carry nbconvert's ids (``Verdicts``). A finding links to whichever the page has.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> _ = page.write_text('<h2 id="Touchpoint-ranking">x</h2>', encoding="utf-8")
    >>> page_anchor(page, "touchpoint_ranking"), page_anchor(page, "quotes")
    ('Touchpoint-ranking', None)
    """
    if not section:
        return None
    wanted = section.replace("_", "-").lower()
    try:
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return next((found for found in re.findall(r'\bid="([^"]+)"', text) if found.lower() == wanted), None)


def _study_findings(root: Path | None, study: str, manifest: dict[str, Any]) -> tuple[str, str, list[dict]]:
    """The findings of *study*: (run id, language, findings) of its first run that has them.

    Read from ``reports/<study>/<run>/results.json`` of runs that succeeded; ``("", "", [])``
    when no run has findings.
    """
    for run_id, entry in manifest.get("runs", {}).items():
        if entry.get("status") != "ok" or not entry.get("results"):
            continue
        try:
            content = json.loads((reports_dir(root) / entry["results"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        results = content.get("results", {}) if isinstance(content, dict) else {}
        if isinstance(results, dict) and results.get("findings"):
            return run_id, str(results.get("language") or "en"), list(results["findings"])
    return "", "", []


def _findings_box(root: Path | None, study: str, manifest: dict[str, Any]) -> str:
    run_id, language, findings = _study_findings(root, study, manifest)
    if not findings:
        return ""
    language = "zh" if language == "zh" else "en"

    def words(key: str, **values: str) -> str:
        return say("reports", f"findings_{key}", language, **values)

    runs = manifest.get("runs", {})
    items = []
    for finding in findings:
        source = finding.get("run") or run_id
        entry = runs.get(source, {})
        title = entry.get("title") or source
        link = ""
        if entry.get("html"):
            anchor = page_anchor(reports_dir(root) / entry["html"], finding.get("section"))
            href = section_link(study, source, None) + (f"#{anchor}" if anchor else "")
            link = f' <a href="{_e(href)}">{_e(words("source", title=title))}</a>'
        items.append(f"<li>{_e(finding.get('text', ''))}{link}</li>")
    scorecard = runs.get(run_id, {})
    origin = words("from", title=scorecard.get("title") or run_id)
    return (
        f'<section class="findings" lang="{_e(language)}"><h3>{_e(words("heading"))}</h3>\n'
        f"<ol>\n{chr(10).join(items)}\n</ol><small>{_e(origin)}</small></section>\n"
    )


def _study_section(study: str, manifest: dict[str, Any], root: Path | None = None) -> str:
    rows = "\n".join(_run_row(run_id, entry) for run_id, entry in manifest.get("runs", {}).items())
    title = manifest.get("title") or study
    return (
        f"<h2>{_e(title)} <small>(<code>{_e(study)}</code>)</small></h2>\n"
        f"{_findings_box(root, study, manifest)}<table>\n"
        "<tr><th>Report</th><th>Run</th><th>Parameters</th><th>Status</th><th>Duration</th>"
        f"<th>Generated (UTC)</th></tr>\n{rows}\n</table>"
    )


def collect_manifests(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every study's reports manifest under ``data/processed``, by study name."""
    found = {}
    for path in sorted(processed_dir(root).glob(f"*/{MANIFEST_NAME}")):
        manifest = read_manifest(path)
        if manifest.get("runs"):
            found[manifest.get("study") or path.parent.name] = manifest
    return found


def write_index(root: Path | None = None) -> Path:
    """Write ``reports/index.html`` listing every study's reports; return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data" / "raw").mkdir(parents=True)
    >>> write_index(root).name
    'index.html'
    """
    manifests = collect_manifests(root)
    runs = [entry for m in manifests.values() for entry in m["runs"].values()]
    failed = sum(1 for entry in runs if entry.get("status") != "ok")
    summary = f"{len(runs)} report(s) in {len(manifests)} stud{'y' if len(manifests) == 1 else 'ies'}"
    summary += f", {failed} failed." if failed else ", all ok." if runs else "."
    sections = "\n".join(_study_section(name, m, root) for name, m in manifests.items())
    page = _PAGE.format(summary=_e(summary), sections=sections)
    return write_text(reports_dir(root) / INDEX_NAME, embed_cjk_font(page))
