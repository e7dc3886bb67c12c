"""Reference data every installation needs: the recognised qualifications and the default criteria.

Loaded by a data migration; the test suite reloads it after tests that flush the database.
"""
from decimal import Decimal

QUALIFICATION_KINDS = [
    # code, English, Chinese, qualifies counselor, qualifies supervisor, recognised automatically
    ("registered-psychologist",
     "Registered counselor or psychologist (national clinical and counseling psychology registration system)",
     "注册心理师（中国心理学会临床与咨询心理学注册系统）", True, False, True),
    ("registered-supervisor",
     "Registered supervisor (national clinical and counseling psychology registration system)",
     "注册督导师（中国心理学会临床与咨询心理学注册系统）", True, True, True),
    ("counselor-level-2",
     "Second-level psychological counselor certificate (labour ministry)",
     "国家二级心理咨询师证书（劳动和社会保障部）", True, False, True),
    ("other", "Other qualification (judged by the vetting team)", "其他资质（由审核团队评定）", True, False, False),
]


def load_reference_data(qualification_kind_model, criteria_set_model) -> None:
    """Idempotent; takes the models so the migration can pass its historical ones."""
    for code, name_en, name_zh, counselor, supervisor, automatic in QUALIFICATION_KINDS:
        qualification_kind_model.objects.update_or_create(code=code, defaults={
            "name_en": name_en, "name_zh": name_zh, "qualifies_counselor": counselor,
            "qualifies_supervisor": supervisor, "recognised_automatically": automatic,
        })
    if not criteria_set_model.objects.exists():
        criteria_set_model.objects.create(name="Admission criteria 2026", min_ethics_hours=Decimal("16"),
                                          min_practice_hours=Decimal("500"), is_active=True)
