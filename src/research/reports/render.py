"""Render an executed notebook as one self-contained HTML report for non-programmers.

The report hides code (unless asked), embeds figures as base64 PNG, and needs no network: the
JupyterLab template's CDN scripts (require.js, MathJax, Mermaid, widget manager) are dropped,
its CSS is inlined (TeX in Markdown therefore shows as source). Papermill's injected-parameters
cell and the notebook's own parameters cell are removed; the parameters appear in a small
header table instead. A failed run gets a red banner naming the error and the cell it happened
in. All data text is HTML-escaped (DataFrame output escapes itself; the header and banner are
escaped here).

nbconvert is imported only when rendering, so the warm path of the runner never loads it.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from research.io import write_text
from research.reports.fonts import embed_cjk_font
from research.reports.sections import GLANCE_CLASS
from research.wording import resolve_language, say

#: Cells removed from every report: papermill's injected parameters and the defaults cell.
HIDDEN_CELL_TAGS = frozenset({"injected-parameters", "parameters"})

_TEMPLATE_NAME = "research_report.html.j2"
# Extends JupyterLab's template; empties every block that would load a script from a CDN.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.research_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.research_header }}
{%- endblock body_header -%}
"""

_CSS = """
.research-header { max-width: 1100px; margin: 1em auto 1.5em auto; padding: 0 1em;
  font-family: var(--jp-ui-font-family); }
.research-header h1 { font-size: 1.6em; margin: 0.2em 0 0.4em 0; }
.research-header table { border-collapse: collapse; font-size: 0.85em; color: #444; }
.research-header th { text-align: left; font-weight: 600; padding: 1px 1em 1px 0; }
.research-header td { padding: 1px 1em 1px 0; }
.research-banner { background: #fdecea; border-left: 6px solid #D55E00; padding: 0.8em 1em;
  margin: 1em 0; color: #5f1f00; }
.research-banner pre { white-space: pre-wrap; background: #fff6f3; padding: 0.5em; }
.research-glance { background: #eef5fb; border-left: 6px solid #0072B2; padding: 0.4em 1.2em;
  margin: 0.5em 0 1.5em 0; }
.research-glance h2 { font-size: 1.2em; margin: 0.4em 0; }
.research-glance li { margin: 0.3em 0; line-height: 1.5; }
table.research-table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em 0; }
table.research-table th { border-bottom: 1px solid #333; text-align: left; padding: 3px 10px; }
table.research-table td { border-bottom: 1px solid #e5e5e5; padding: 3px 10px;
  font-variant-numeric: tabular-nums; }
table.research-table caption { caption-side: bottom; color: #666; font-size: 0.85em; }
"""


#: Words of the report header and failure banner, by report language.
def _escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _format_parameter(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_summary(ename: str, evalue: str) -> str:
    r"""The one line a reader sees for an error: its message, never a traceback.

    A :class:`~research.errors.DataError` already says what to do, so its class name is left
    out; other errors keep their type, which helps whoever fixes the code.

    Examples
    --------
    >>> error_summary("DataError", "Not a date [file k.csv, row 3]. Write ISO dates.")
    'Not a date [file k.csv, row 3]. Write ISO dates.'
    >>> error_summary("KeyError", "'\x1b[0;31mnps\x1b[0m'")
    "KeyError: 'nps'"
    >>> error_summary("ValueError", "could not convert string to float: 'a@b.cn'")
    "ValueError: could not convert string to float: '[email]'"
    """
    from research.privacy import redact

    message = redact(_ANSI.sub("", str(evalue)).strip())
    return message if ename == "DataError" else f"{ename}: {message}".strip()


def scrub_paths(text: str, folders: Sequence[str | Path]) -> str:
    """Replace the machine's folders in *text* by paths relative to them.

    Examples
    --------
    >>> scrub_paths("read /home/ann/proj/data/raw/s/a.csv", ["/home/ann/proj"])
    'read data/raw/s/a.csv'
    """
    for folder in sorted(
        {str(f).rstrip("/") for f in folders if str(f) not in ("", "/")}, key=len, reverse=True
    ):
        text = text.replace(folder + "/", "").replace(folder, ".")
    return text


def machine_folders() -> list[Path]:
    """Folders of any machine that never belong in a shared report: home, Python, the package."""
    return [Path.home(), Path(sys.prefix), Path(__file__).resolve().parents[3]]


def _for_readers(notebook: Any) -> None:
    """Outputs a shared report shows: error messages without tracebacks, no stderr chatter.

    The executed notebook under ``data/processed`` keeps everything for whoever debugs it.
    """
    import nbformat

    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            if output.get("output_type") == "error":
                text = error_summary(output.get("ename", "Error"), output.get("evalue", ""))
                output = nbformat.v4.new_output(
                    "display_data",
                    {"text/html": f'<div class="research-banner">{_escape(text)}</div>', "text/plain": text},
                )
            kept.append(output)
        cell["outputs"] = kept


def _failed_cell(notebook: Any) -> tuple[int | None, str, str]:
    """(1-based code cell number, source, "Error: message") of the first cell that errored."""
    number = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = error_summary(output.get("ename", "Error"), output.get("evalue", ""))
                return number, cell.source, message
    return None, "", ""


def report_header(
    *,
    title: str,
    study: str,
    run_id: str,
    parameters: dict[str, Any],
    status: str,
    generated_at: str,
    error: str | None = None,
    failed_source: str | None = None,
    language: str | None = None,
) -> str:
    """The escaped HTML header of a report: title, parameters table, failure banner.

    The header is the report's only title (:func:`render_report` drops the notebook's own
    level-1 heading); its words are in the report's *language* (``"zh"`` or ``"en"``).

    Examples
    --------
    >>> head = report_header(title="<b>T</b>", study="s", run_id="r", parameters={"x": 1},
    ...                      status="ok", generated_at="2026-01-01T00:00:00+00:00")
    >>> "<b>T</b>" in head, "&lt;b&gt;T&lt;/b&gt;" in head
    (False, True)
    """
    language = resolve_language(language)

    def words(key: str) -> str:
        return say("reports", f"header_{key}", language)

    rows = [
        (words("study"), study),
        (words("report"), run_id),
        (words("generated"), generated_at),
        (words("status"), status),
    ]
    rows += [
        (f"{words('parameter')} {name}", _format_parameter(value))
        for name, value in parameters.items()
        if name not in ("study", "output_dir")  # shown above / a local path of no use to readers
    ]
    table = "".join(f"<tr><th>{_escape(k)}</th><td>{_escape(v)}</td></tr>" for k, v in rows)
    parts = ['<header class="research-header">', f"<h1>{_escape(title)}</h1>", f"<table>{table}</table>"]
    if status != "ok":
        parts.append('<div class="research-banner" role="alert">')
        what = words("interrupted") if status == "interrupted" else words("failed")
        parts.append(f"<strong>{what}</strong> {_escape(error or '')}")
        if failed_source:
            parts.append(f"<p>{words('step')}</p><pre>{_escape(failed_source)}</pre>")
        parts.append(f"<p>{words('stop')}</p></div>")
    parts.append("</header>")
    return "\n".join(parts)


_LANGUAGE_ATTRIBUTE = re.compile(r'data-language="(zh|en)"')
_TITLE_LINE = re.compile(r"^#\s[^\n]*\n?", re.MULTILINE)


def lift_glance(notebook: Any) -> str | None:
    """Move the at-a-glance box to the top of *notebook*; return the report's language, if shown.

    The box (:func:`research.reports.sections.glance_html`) is displayed by the notebook's last
    step, when its results are known; readers need it first. It becomes the first cell's output.
    """
    import nbformat

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            if GLANCE_CLASS in markup:
                cell["outputs"].remove(output)
                notebook.cells.insert(0, nbformat.v4.new_code_cell("", outputs=[output]))
                found = _LANGUAGE_ATTRIBUTE.search(markup)
                return found.group(1) if found else None
    return None


def drop_titles(notebook: Any) -> None:
    """Remove level-1 Markdown headings: the report header carries the one title of a report.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell("# 标题 / Title")
    >>> cell.source += chr(10) + "Text."
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> drop_titles(nb); nb.cells[0].source
    'Text.'
    """
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _TITLE_LINE.sub("", cell.source).strip()


@lru_cache(maxsize=2)
def _exporter(show_code: bool) -> Any:
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
    )
    remover = TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_CELL_TAGS), enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    return exporter


def render_report(
    executed: str | Path,
    html_path: str | Path,
    *,
    title: str,
    study: str,
    run_id: str,
    parameters: dict[str, Any],
    status: str,
    generated_at: str,
    error: str | None = None,
    show_code: bool = False,
    private_folders: Sequence[str | Path] = (),
) -> Path:
    """Render the executed notebook *executed* to the self-contained HTML file *html_path*.

    Parameters
    ----------
    executed : str or Path
        The executed (possibly partial, if it failed) notebook written by papermill.
    html_path : str or Path
        Where to write the report (atomically).
    title, study, run_id : str
        Shown in the header.
    parameters : dict
        The parameters the notebook ran with, shown in the header table.
    status : str
        ``"ok"`` or ``"failed"``; a failed report gets a banner.
    generated_at : str
        ISO time the report was generated (UTC).
    error : str, optional
        One-line error summary for the banner (default: taken from the notebook).
    show_code : bool
        Include code cells (default: hidden, the report is for people who never open Python).
    private_folders : list of str or Path
        Folders of the machine (project root, home) that must not appear in the report: paths
        under them are shown relative to them. The home folder is always scrubbed.

    Returns
    -------
    Path
        *html_path*.

    Examples
    --------
    Not run as a doctest: importing nbconvert alone takes about a second (the report tests
    cover this function).

    >>> import tempfile, pathlib, nbformat  # doctest: +SKIP
    >>> folder = pathlib.Path(tempfile.mkdtemp())  # doctest: +SKIP
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(  # doctest: +SKIP
    ...     "1 + 1", outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"})])])
    >>> nbformat.write(nb, folder / "run.ipynb")  # doctest: +SKIP
    >>> page = render_report(folder / "run.ipynb", folder / "run.html", title="Demo", study="s",
    ...                      run_id="run", parameters={}, status="ok", generated_at="now")  # doctest: +SKIP
    >>> text = page.read_text(encoding="utf-8")  # doctest: +SKIP
    >>> "<h1>Demo</h1>" in text, "1 + 1" in text, "<script" in text  # doctest: +SKIP
    (True, False, False)
    """
    import nbformat

    notebook = nbformat.read(str(executed), as_version=4)
    _, failed_source, failed_message = _failed_cell(notebook)
    _for_readers(notebook)
    drop_titles(notebook)
    language = lift_glance(notebook) or ("zh" if parameters.get("language") == "zh" else "en")
    header = report_header(
        title=title,
        study=study,
        run_id=run_id,
        parameters=parameters,
        status=status,
        generated_at=generated_at,
        error=error or failed_message,
        failed_source=failed_source if status != "ok" else None,
        language=language,
    )
    notebook.metadata["title"] = title
    resources = {"research_header": header, "research_css": _CSS}
    body, _ = _exporter(show_code).from_notebook_node(notebook, resources=resources)
    body = scrub_paths(body, [*private_folders, *machine_folders()])
    return write_text(html_path, embed_cjk_font(body))
