"""The YAML codebook: loading, hierarchy, validation errors naming file and field."""

from __future__ import annotations

import pytest
import yaml

from research import DataError, load_study
from research.coding import Codebook, codebook_from_dict, load_codebook, write_codebook

CODEBOOK = """
codebook: 触点体验编码簿 / Touchpoint experience codebook
version: 1
codes:
  - id: service_access
    name: {zh: 服务可达性, en: Service access}
    codable: false
    definition: Reaching the company.
  - id: hotline_wait
    parent: service_access
    name: {zh: 热线等待久, en: Long hotline wait}
    definition: Waiting long on the hotline.
    include: Queue time, being on hold.
    exclude: IVR menus (ivr_maze).
    example: 等了四十分钟才接通
    valence: pain_point
    touchpoints: [hotline]
    stages: [after-sales]
    keywords: {zh: [等了半天, 打不进去], en: [on hold, waited]}
    patterns: {zh: ['等了?\\d+分钟'], en: ['\\bon hold for \\d+']}
    color: "#D55E00"
  - id: ivr_maze
    parent: hotline_wait
    name: {zh: 语音菜单复杂, en: IVR maze}
    valence: pain_point
  - id: staff_helpful
    name: {zh: 店员热情, en: Helpful staff}
    valence: delight
    touchpoints: [store]
"""


def _write(tmp_path, text, name="codebook.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_codebook_fields_and_hierarchy(tmp_path):
    cb = load_codebook(_write(tmp_path, CODEBOOK))
    assert isinstance(cb, Codebook) and len(cb) == 4
    assert cb.title.startswith("触点体验编码簿")
    code = cb.code("hotline_wait")
    assert code.name == {"zh": "热线等待久", "en": "Long hotline wait"}
    assert code.valence == "pain_point" and code.touchpoints == ("hotline",)
    assert code.stages == ("after-sales",)
    assert code.keywords["zh"] == ["等了半天", "打不进去"]
    assert code.patterns["en"] == [r"\bon hold for \d+"]
    assert code.color == "#D55E00" and code.exclude.startswith("IVR")
    assert cb.ancestors("ivr_maze") == ["hotline_wait", "service_access"]
    assert [c.id for c in cb.children("service_access")] == ["hotline_wait"]
    assert [c.id for c in cb.children(None)] == ["service_access", "staff_helpful"]
    assert cb.descendants("service_access") == ["hotline_wait", "ivr_maze"]
    assert cb.codable_ids == ["hotline_wait", "ivr_maze", "staff_helpful"]
    frame = cb.frame()
    assert frame.loc[frame["id"] == "ivr_maze", "theme"].item() == "service_access"
    assert frame.loc[frame["id"] == "ivr_maze", "level"].item() == 2
    assert {"id", "parent", "name_zh", "name_en", "valence", "touchpoints", "stages"} <= set(frame.columns)


def test_write_and_reload_is_identical(tmp_path):
    cb = load_codebook(_write(tmp_path, CODEBOOK))
    again = load_codebook(write_codebook(tmp_path / "out" / "codebook.yml", cb))
    assert again.codes == cb.codes and again.title == cb.title and again.version == 1


def _codes(**change):
    data = yaml.safe_load(CODEBOOK)
    for key, value in change.items():
        index, field = key.split("__")
        data["codes"][int(index)][field] = value
    return data


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (_codes(**{"3__id": "hotline_wait"}), "Duplicate code id", "codes[3].id"),
        (_codes(**{"2__parent": "nope"}), "Unknown parent code", "codes[2].parent"),
        (_codes(**{"0__parent": "ivr_maze"}), "Cycle", "codes[0].parent"),
        (_codes(**{"1__valence": "bad"}), "not allowed", "codes[1].valence"),
        (_codes(**{"1__color": "red"}), "Invalid codebook", "codes[1].color"),
        (_codes(**{"1__colour": "#000000"}), "unknown field", "codes[1].colour"),
        (_codes(**{"1__patterns": {"zh": ["等了(\\d+"]}}), "does not compile", "codes[1].patterns.zh[0]"),
    ],
)
def test_validation_errors_name_the_field(tmp_path, data, message, field):
    path = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DataError, match=message) as caught:
        load_codebook(path)
    assert caught.value.column == field
    assert caught.value.file == str(path)


def test_self_parent_is_a_cycle():
    with pytest.raises(DataError, match="Cycle"):
        codebook_from_dict({"codes": [{"id": "a", "name": {"en": "A"}, "parent": "a"}]})


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, "codes:\n  - id: a\n    name: {en: A\n")
    with pytest.raises(DataError, match="not valid YAML") as caught:
        load_codebook(path)
    assert caught.value.row is not None


def test_touchpoints_and_stages_checked_against_the_study(tmp_path, minimal_study):
    minimal_study()
    study = load_study("mini")  # catalog: only "store", stage purchase
    path = _write(tmp_path, CODEBOOK)
    with pytest.raises(DataError, match="Unknown touchpoint") as caught:
        load_codebook(path, study=study)
    assert caught.value.column == "codes[1].touchpoints[0]" and caught.value.value == "hotline"
    data = _codes(**{"1__touchpoints": ["store"], "1__stages": ["aftercare"]})
    with pytest.raises(DataError, match="Unknown journey stage") as caught:
        codebook_from_dict(data, study=study)
    assert caught.value.column == "codes[1].stages[0]"


def test_without_catalog_or_stages_any_touchpoint_and_stage_is_accepted(tmp_path, minimal_study):
    minimal_study(touchpoints=[])
    codebook = load_codebook(_write(tmp_path, CODEBOOK), study=load_study("mini"))
    assert codebook.code("hotline_wait").touchpoints == ("hotline",)
    minimal_study(touchpoints=[], stages=["before", "after"])  # declared stages are still checked
    with pytest.raises(DataError, match="Unknown journey stage"):
        load_codebook(_write(tmp_path, CODEBOOK), study=load_study("mini"))


def test_unknown_code_lookup(tmp_path):
    cb = load_codebook(_write(tmp_path, CODEBOOK))
    with pytest.raises(DataError, match="Unknown code"):
        cb.code("nope")
