"""The spaCy pipeline: blank zh + entity ruler from patterns.jsonl + the precheck components."""

from __future__ import annotations

import pytest

from extractors.nlp import build_nlp, entities
from extractors.normalize import fold


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_pipeline_is_blank_zh_with_our_components(nlp):
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["entity_ruler", "precheck_org_trim", "precheck_after_label", "precheck_values"]
    assert len(nlp.get_pipe("entity_ruler").patterns) > 20


def _ents(nlp, text):
    return [(label, t, v) for label, t, _, _, v in entities(nlp, fold(text))]


def test_org_in_running_text_is_trimmed(nlp):
    got = _ents(nlp, "我们审计了上海松江智算科技有限公司（以下简称贵公司）财务报表")
    assert ("ORG", "上海松江智算科技有限公司", None) in got


@pytest.mark.parametrize("name", ["上海华信会计师事务所(特殊普通合伙)", "上海松江智算科技有限公司松江分公司",
                                  "国家密码管理局商用密码检测中心", "上海市松江区人民政府"])
def test_org_suffixes(nlp, name):
    assert [t for label, t, _ in _ents(nlp, name) if label == "ORG"] == [name]


def test_address_person_date_money(nlp):
    got = _ents(nlp, "住所：上海市松江区九亭镇沪亭北路218号3幢201室 法定代表人：黄新燕 "
                     "成立日期2015年08月13日 注册资本人民币伍佰万元整")
    assert ("ADDR", "上海市松江区九亭镇沪亭北路218号3幢201室", None) in got
    assert ("PERSON", "黄新燕", None) in got
    assert ("DATE", "2015年08月13日", "2015-08-13") in got
    assert ("MONEY", "人民币伍佰万元整", 5_000_000) in got


def test_chinese_numeral_date_and_amount(nlp):
    got = _ents(nlp, "二〇二六年三月十五日 总投资1,200.50万元")
    assert ("DATE", "二〇二六年三月十五日", "2026-03-15") in got
    assert ("MONEY", "1,200.50万元", 12_005_000) in got
