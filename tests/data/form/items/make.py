#!/usr/bin/env python3
"""Writes the minimal complete application for every catalogue item
(tests/data/form/items/<item>.json): exactly the answers that item needs,
nothing optional. Synthetic people; ID numbers carry valid check digits.
Run from anywhere; the files are committed."""
import json, os

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(area, birth, seq):
    s = area + birth + seq
    c = "10X98765432"[sum(int(a) * b for a, b in zip(s, W)) % 11]
    return s + c

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
       "AAAAASUVORK5CYII=")
BASE = {"applicant_name": "测试甲", "applicant_id": idn("140502", "19700101", "123"),
        "applicant_phone": "13900000001", "hukou_address": "晋城市城区测试街道1号",
        "lives_at_hukou": True, "declaration": True, "applicant_signature": PNG}
INCOME = {"applicant_income": 0, "income_farming": 0, "income_business": 0,
          "income_pension": 0, "income_support": 0, "income_other": 0}
HEALTH = {"applicant_health": "serious", "applicant_disabled": False}
CARD = {"card_bank": "rcc", "card_number": "6217000012345670", "card_own": True}
REASON = {"apply_reason": "身体不好，家里没有收入。"}
PROPERTY = {"housing_status": "own", "houses_owned": 1, "vehicle": "none",
            "savings": 0, "business": False}
BASIC = {**REASON, "applicant_marital": "widowed", "hukou_type": "rural",
         **HEALTH, "applicant_work_ability": "none", **INCOME, **PROPERTY,
         **CARD, "authorize_check": True}
CHILD = {"name": "测试乙", "id_number": idn("140502", "20150601", "211"),
         "relation": "grandchild", "school": "primary"}

ITEMS = {
    "dibao": BASIC,
    "dibian": BASIC,
    "gangxing": {**BASIC, "medical_cost_year": 30000},
    "tekun": {**BASIC, "selfcare_cannot": ["bath", "walk"],
              "tekun_place": "centralized", "obligors_none": "none"},
    "medical": {**REASON, "hukou_type": "rural", **HEALTH, **INCOME,
                "medical_insurance": True,
                "medical_illness": "本人，脑梗，在市人民医院住院。",
                "medical_cost_year": 20000},
    "education": {**REASON, **INCOME,
                  "members": [{"name": "测试丙", "relation": "child",
                               "id_number": idn("140502", "20120301", "115"),
                               "school": "junior"}],
                  "school_cost_year": 3000, **CARD},
    "housing": {**REASON, **INCOME, "housing_status": "own",
                "houses_owned": 1, "house_area": 40, "house_dangerous": True},
    "employment": {**REASON, "applicant_work_ability": "full",
                   "applicant_job": "seeking"},
    "disaster": {"has_phone": True, "has_id": True, "crisis_kind": "flood", "crisis_date": "2026-11-01",
                 "crisis_place": "晋城市城区测试村", "crisis_what": "大水冲了房子。",
                 "crisis_loss": 20000, "card_have": False},
    "temporary": {"has_phone": False, "has_id": True, "crisis_kind": "fire", "crisis_date": "2026-11-01",
                  "crisis_place": "晋城市城区测试村", "crisis_what": "厨房着火。",
                  "crisis_loss": 8000, "card_have": False},
    "disability": {**REASON, "hukou_type": "urban", "applicant_health": "chronic",
                   "applicant_disabled": True, "applicant_disability_grade": "1",
                   "applicant_disability_kind": "physical", **INCOME, **CARD},
    "children": {**REASON, "applicant_marital": "married", "is_guardian": True,
                 "members": [{**CHILD, "father": "dead", "mother": "missing"}],
                 **CARD},
    # No phone and no ID number: an emergency asks whether there are, and
    # what is missing is not asked (nor the registered address).
    "vagrant": {"has_phone": False, "has_id": False,
                "vagrant_need": ["food", "home"]},
    "charity": {**REASON, "charity_need": ["money"], "card_have": False},
}

here = os.path.dirname(os.path.abspath(__file__))
for item, extra in ITEMS.items():
    answers = {**BASE, **extra}
    if answers.get("has_phone") is False:
        del answers["applicant_phone"]
    if answers.get("has_id") is False:
        for k in ("applicant_id", "hukou_address", "lives_at_hukou"):
            del answers[k]
    doc = {"items": [item], "today": "2026-11-22", "answers": answers}
    with open(os.path.join(here, item + ".json"), "w") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
