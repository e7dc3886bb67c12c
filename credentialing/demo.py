"""Deterministic demo data at the platform's real scale.

About 3,800 applications from about 1,200 institutions (82% universities), about 1,700 of which meet the
criteria, 200 approved supervisors, and applications in every state of the workflow with a plausible audit
trail. Everything comes from ``random.Random(seed)`` and fixed dates, so the same seed gives the same data.

The generator is made of pure functions (``plan``, ``make_profile``, ``make_claims``, ``import_rows``...);
``seed_demo`` writes a plan with one ``bulk_create`` per table.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from common.audit import audit_log_bulk
from common.models import AuditEntry
from credentialing.audit import CredentialingAction
from credentialing.criteria import evaluate
from credentialing.enums import (
    TRANSITIONS,
    ApplicationState,
    EvidenceCheck,
    InstitutionKind,
    PracticeEvidenceKind,
    RoleApplied,
    SpecialTopic,
    StaffRole,
    VolunteerStatus,
)
from credentialing.importing import COLUMNS, unusable_password
from credentialing.models import (
    EVIDENCE_MODELS,
    Application,
    EthicsTraining,
    Evidence,
    Institution,
    PracticeRecord,
    Qualification,
    QualificationKind,
    SpecialTraining,
    stored_verdict,
)
from credentialing.selectors import active_criteria_set, facts_from_records, platform_today, thresholds_from
from credentialing.services import application_audit_entry, working_profile_of
from people.models import User, Volunteer
from people.services import (
    NewVolunteer,
    staff_role_grant,
    staff_roles_grant_bulk,
    users_create_bulk,
    volunteers_create_bulk,
)

DEMO_DOMAIN = "demo.example"
DEMO_PASSWORD = "demo-password-2026"
# A fixed, published secret so that anyone trying the demo can sign in as staff (``manage.py totp_code``).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
SHANGHAI = ZoneInfo("Asia/Shanghai")
INTAKE_START = datetime(2026, 2, 1, 9, 0, tzinfo=SHANGHAI)
FULL_SIZE = 3800

S = ApplicationState
C = RoleApplied
# How the full-size demo divides into roles and states; smaller sizes keep the proportions.
STATE_PLAN = (
    (C.SUPERVISOR, S.APPROVED, 200),
    (C.COUNSELOR, S.APPROVED, 1150),
    (C.COUNSELOR, S.REJECTED, 1080),
    (C.COUNSELOR, S.SUBMITTED, 520),
    (C.COUNSELOR, S.IN_REVIEW, 260),
    (C.COUNSELOR, S.CHANGES_REQUESTED, 150),
    (C.COUNSELOR, S.RESUBMITTED, 70),
    (C.COUNSELOR, S.DRAFT, 250),
    (C.COUNSELOR, S.WITHDRAWN, 120),
)
# The chance that an application of this state declares everything the criteria ask for.
COMPLETE_SHARE = {S.APPROVED: 1.0, S.REJECTED: 0.0, S.SUBMITTED: 0.28, S.IN_REVIEW: 0.45,
                  S.CHANGES_REQUESTED: 0.0, S.RESUBMITTED: 0.6, S.DRAFT: 0.1, S.WITHDRAWN: 0.3}
INSTITUTIONS_PER_APPLICATION = 1200 / 3800
UNIVERSITY_SHARE, HOSPITAL_SHARE = 0.82, 0.12
OVERSEAS_SHARE = 0.04

# --- names ------------------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")
GIVEN_CHARACTERS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯琳晨欣怡佳雪梅"
                    "婷倩颖思雨雯悦嘉慧晶璐瑶婧宁哲睿博轩然彤瑞鑫晓东海波志坤蕾逸航睿安若昕楠颖妍茜")
PROVINCES = (
    ("北京市", "北京", ("北京",)), ("上海市", "上海", ("上海",)), ("天津市", "天津", ("天津",)),
    ("重庆市", "重庆", ("重庆", "万州", "涪陵")), ("河北省", "河北", ("石家庄", "保定", "唐山", "邯郸")),
    ("山西省", "山西", ("太原", "大同", "长治")), ("内蒙古自治区", "内蒙古", ("呼和浩特", "包头", "赤峰")),
    ("辽宁省", "辽宁", ("沈阳", "大连", "鞍山", "锦州")), ("吉林省", "吉林", ("长春", "吉林", "延边")),
    ("黑龙江省", "黑龙江", ("哈尔滨", "齐齐哈尔", "牡丹江")),
    ("江苏省", "江苏", ("南京", "苏州", "无锡", "徐州", "扬州")),
    ("浙江省", "浙江", ("杭州", "宁波", "温州", "绍兴", "金华")), ("安徽省", "安徽", ("合肥", "芜湖", "蚌埠", "安庆")),
    ("福建省", "福建", ("福州", "厦门", "泉州", "漳州")), ("江西省", "江西", ("南昌", "赣州", "九江", "景德镇")),
    ("山东省", "山东", ("济南", "青岛", "烟台", "潍坊", "临沂")), ("河南省", "河南", ("郑州", "洛阳", "开封", "新乡")),
    ("湖北省", "湖北", ("武汉", "宜昌", "襄阳", "荆州", "黄冈", "孝感")),
    ("湖南省", "湖南", ("长沙", "株洲", "湘潭", "衡阳")),
    ("广东省", "广东", ("广州", "深圳", "珠海", "汕头", "佛山", "东莞")),
    ("广西壮族自治区", "广西", ("南宁", "桂林", "柳州")),
    ("海南省", "海南", ("海口", "三亚")), ("四川省", "四川", ("成都", "绵阳", "南充", "宜宾")),
    ("贵州省", "贵州", ("贵阳", "遵义", "六盘水")), ("云南省", "云南", ("昆明", "大理", "曲靖")),
    ("西藏自治区", "西藏", ("拉萨",)), ("陕西省", "陕西", ("西安", "宝鸡", "咸阳", "延安")),
    ("甘肃省", "甘肃", ("兰州", "天水")), ("青海省", "青海", ("西宁",)), ("宁夏回族自治区", "宁夏", ("银川",)),
    ("新疆维吾尔自治区", "新疆", ("乌鲁木齐", "喀什", "伊犁")),
)
UNIVERSITY_SUFFIXES = ("大学", "师范大学", "医科大学", "理工大学", "科技大学", "财经大学", "中医药大学", "工业大学",
                       "农业大学", "师范学院", "医学院", "职业技术学院", "外国语学院", "学院", "城市学院")
HOSPITAL_PATTERNS = ("{city}市第一人民医院", "{city}市第二人民医院", "{city}市第三人民医院", "{city}市中心医院",
                     "{city}市精神卫生中心", "{city}市妇幼保健院", "{city}市中医院", "{province}省人民医院",
                     "{province}省精神卫生中心", "{city}大学附属医院", "{city}市康宁医院", "{city}市儿童医院")
OTHER_PATTERNS = ("{city}市心理咨询中心", "{city}市心理援助热线", "{city}市青少年心理辅导中心", "{province}心理学会",
                  "{city}市社会工作服务中心", "{city}市红十字会", "{city}心理健康服务中心", "{city}市教育科学研究院")
OVERSEAS = (
    ("Europe/London", "伦敦", ("伦敦大学学院", "伦敦国王学院")), ("Europe/London", "爱丁堡", ("爱丁堡大学",)),
    ("Europe/Berlin", "柏林", ("柏林洪堡大学",)), ("America/New_York", "纽约", ("纽约大学", "哥伦比亚大学")),
    ("America/Toronto", "多伦多", ("多伦多大学",)), ("America/Los_Angeles", "洛杉矶", ("加州大学洛杉矶分校",)),
    ("Australia/Sydney", "悉尼", ("悉尼大学", "新南威尔士大学")), ("Australia/Melbourne", "墨尔本", ("墨尔本大学",)),
    ("Asia/Tokyo", "东京", ("东京大学", "早稻田大学")), ("Asia/Singapore", "新加坡", ("新加坡国立大学",)),
)
OVERSEAS_PROVINCE = "海外"
REGISTRY = "中国心理学会临床与咨询心理学注册系统"
OTHER_ETHICS_PROVIDERS = ("本校心理中心伦理工作坊", "线上伦理讲座")
TRAINING_PROVIDERS = ("中国红十字会", "中国心理卫生协会", "北京师范大学", "本省心理学会")

# --- what reviewers write -----------------------------------------------------------------------

FAILURE_REASONS = {
    "ethics_short": "经注册系统认证的伦理培训不足16学时。",
    "topics_missing": "缺少创伤治疗、心理急救或危机干预的专项培训证明。",
    "practice_short": "个体咨询实践时数不足500小时。",
    "qualification_other": "所提交的资质不在认可范围内，且无法提供同等证明。",
    "qualification_expired": "专业资质证书已过期。",
    "no_qualification": "未提供专业资质证明。",
}
CHANGE_REQUESTS = ("请重新上传清晰的证书扫描件，目前无法辨认证书编号。",
                   "请补充经注册系统认证的伦理培训学时证明。",
                   "请补充由督导或所在机构出具的个体咨询时数证明（需加盖公章）。",
                   "专项培训证明缺少培训时长，请补充。")
NOT_ACCEPTABLE_NOTES = ("文件模糊，无法辨认。", "证明未加盖机构公章。", "证书上的姓名与申请人不符。",
                        "所附文件与所填信息不一致。")
WITHDRAW_REASONS = ("工作安排有变，暂时无法参与。", "家中有事，无法保证值班时间。", "已在本单位参与类似热线工作。", "")
APPROVAL_NOTE = "四项标准均已核实。"


# --- pure generators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    kind: str
    province: str
    city: str


@dataclass(frozen=True)
class Profile:
    email: str
    full_name: str
    phone: str
    province: str
    city: str
    timezone: str
    languages: str
    institution: InstitutionSpec


@dataclass(frozen=True)
class Claims:
    """What a person declares for the criteria (the flattened evidence of an import row)."""

    role: str
    channels: tuple[str, ...]
    kind_code: str = ""
    number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    ethics_approved: tuple[Decimal, ...] = ()
    ethics_other: tuple[Decimal, ...] = ()
    topics: tuple[str, ...] = ()
    practice: tuple[Decimal, ...] = ()
    failing: tuple[str, ...] = ()


def scaled_counts(total: int) -> list[tuple[str, str, int]]:
    """The state plan for ``total`` applications: same proportions, at least one of each, exact total."""
    full = sum(count for _role, _state, count in STATE_PLAN)
    shares = [(role, state, count * total / full) for role, state, count in STATE_PLAN]
    counts = [max(1, int(share)) for _role, _state, share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: -(shares[i][2] - int(shares[i][2])))
    i = 0
    while sum(counts) < total:
        counts[by_remainder[i % len(counts)]] += 1
        i += 1
    while sum(counts) > total:  # tiny sizes: take from the biggest groups
        counts[counts.index(max(counts))] -= 1
    return [(role, state, count) for (role, state, _share), count in zip(shares, counts, strict=True)]


def person_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARACTERS) for _ in range(length))


def make_institutions(rng: random.Random, count: int) -> list[InstitutionSpec]:
    """``count`` distinct institutions: universities (82%), hospitals and other services, a few overseas."""
    places = [(province, short, city) for province, short, cities in PROVINCES for city in cities]
    universities = _distinct(
        [InstitutionSpec(f"{city}{suffix}", InstitutionKind.UNIVERSITY, province, f"{city}市")
         for province, _short, city in places for suffix in UNIVERSITY_SUFFIXES]
        + [InstitutionSpec(f"{short}{suffix}", InstitutionKind.UNIVERSITY, province, "")
           for province, short, _cities in PROVINCES for suffix in UNIVERSITY_SUFFIXES[:4]])
    overseas = [InstitutionSpec(name, InstitutionKind.UNIVERSITY, OVERSEAS_PROVINCE, city)
                for _zone, city, names in OVERSEAS for name in names]
    hospitals = _distinct([InstitutionSpec(p.format(city=city, province=short), InstitutionKind.HOSPITAL, province,
                                           f"{city}市") for province, short, city in places for p in HOSPITAL_PATTERNS])
    others = _distinct([InstitutionSpec(p.format(city=city, province=short), InstitutionKind.OTHER, province,
                                        f"{city}市") for province, short, city in places for p in OTHER_PATTERNS])
    n_overseas = min(len(overseas), round(count * 0.01))
    n_universities = max(1, round(count * UNIVERSITY_SHARE)) - n_overseas
    n_hospitals = round(count * HOSPITAL_SHARE)
    n_others = max(0, count - n_overseas - n_universities - n_hospitals)
    chosen = (overseas[:n_overseas] + rng.sample(universities, n_universities) + rng.sample(hospitals, n_hospitals)
              + rng.sample(others, n_others))
    rng.shuffle(chosen)
    return chosen


def _distinct(specs: list[InstitutionSpec]) -> list[InstitutionSpec]:
    """One institution per name (a province-wide name is made once per city of the province)."""
    return sorted({spec.name: spec for spec in reversed(specs)}.values(), key=lambda spec: spec.name)


@dataclass(frozen=True)
class InstitutionPool:
    home: tuple[InstitutionSpec, ...]
    overseas: tuple[InstitutionSpec, ...]

    @classmethod
    def of(cls, institutions: list[InstitutionSpec]) -> InstitutionPool:
        return cls(home=tuple(i for i in institutions if i.province != OVERSEAS_PROVINCE),
                   overseas=tuple(i for i in institutions if i.province == OVERSEAS_PROVINCE))


def make_profile(rng: random.Random, index: int, pool: InstitutionPool, *,
                 email_domain: str = DEMO_DOMAIN) -> Profile:
    if pool.overseas and rng.random() < OVERSEAS_SHARE:
        institution = rng.choice(pool.overseas)
        zone = next(zone for zone, city, _names in OVERSEAS if city == institution.city)
        province, city, timezone = OVERSEAS_PROVINCE, institution.city, zone
        languages = rng.choice(("中文,英语", "中文,英语", "中文,日语" if zone == "Asia/Tokyo" else "中文"))
    else:
        home = pool.home
        # the first applications spread over every institution, the rest crowd into the big ones
        institution = home[index] if index < len(home) else home[int(len(home) * rng.random() ** 2.5)]
        province = institution.province
        city = institution.city or next(f"{c}市" for p, _s, cities in PROVINCES if p == province for c in cities)
        timezone = "Asia/Shanghai"
        languages = rng.choices(("中文", "中文,英语", "中文,粤语", "中文,英语,粤语"), weights=(70, 20, 7, 3))[0]
    phone = "1" + rng.choice(("38", "39", "50", "58", "86", "88", "36", "77")) + f"{rng.randrange(10**8):08d}"
    return Profile(email=f"applicant{index + 1:05d}@{email_domain}", full_name=person_name(rng), phone=phone,
                   province=province, city=city, timezone=timezone, languages=languages, institution=institution)


def _hours(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 2, high * 2 + 1)) / 2


def make_claims(rng: random.Random, role: str, complete: bool, index: int) -> Claims:
    """Evidence declarations; an incomplete set fails one or two criteria (the reasons are kept)."""
    channels = rng.choices((("voice", "text"), ("voice",), ("text",)), weights=(60, 22, 18))[0]
    issued = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 16 * 365))
    if role == RoleApplied.SUPERVISOR:
        return Claims(role=role, channels=channels, kind_code="registered-supervisor", number=f"D-{index + 1:05d}",
                      issuer=REGISTRY, issued_on=issued,
                      expires_on=date(2029 + rng.randrange(0, 4), issued.month, min(issued.day, 28)))
    failing: tuple[str, ...] = ()
    if not complete:
        modes = ("ethics_short", "topics_missing", "practice_short", "qualification_other", "qualification_expired",
                 "no_qualification")
        failing = tuple(rng.sample(modes, rng.choice((1, 1, 2))))
    kind_code = rng.choices(("registered-psychologist", "counselor-level-2"), weights=(45, 55))[0]
    issuer = REGISTRY if kind_code == "registered-psychologist" else "人力资源和社会保障部"
    expires_on = None if kind_code == "counselor-level-2" else date(2028 + rng.randrange(0, 5), 6, 30)
    if "qualification_other" in failing:
        kind_code, issuer = "other", rng.choice(("美国心理学会", "香港心理学会", "某高校心理学硕士学位"))
    if "qualification_expired" in failing:
        kind_code, issuer, expires_on = "registered-psychologist", REGISTRY, date(2025, 6, 30)
    if "no_qualification" in failing:
        kind_code = ""
    ethics = (_hours(rng, 16, 24),) if rng.random() < 0.7 else (_hours(rng, 8, 12), _hours(rng, 8, 12))
    ethics_other = (_hours(rng, 4, 20),) if rng.random() < 0.25 else ()
    if "ethics_short" in failing:
        ethics = (_hours(rng, 4, 15),)
        ethics_other = (_hours(rng, 6, 30),) if rng.random() < 0.6 else ()
    topics = tuple(SpecialTopic.values)
    if "topics_missing" in failing:
        topics = tuple(t for t in topics if t not in rng.sample(topics, rng.choice((1, 2, 3))))
    practice = (_hours(rng, 520, 3000),) if rng.random() < 0.6 else (_hours(rng, 260, 900), _hours(rng, 260, 900))
    if "practice_short" in failing:
        practice = (_hours(rng, 60, 480),)
    prefix = "R" if kind_code == "registered-psychologist" else "C"
    return Claims(role=role, channels=channels, kind_code=kind_code,
                  number=f"{prefix}-{index + 1:06d}" if kind_code else "",
                  issuer=issuer if kind_code else "", issued_on=issued if kind_code else None,
                  expires_on=expires_on if kind_code else None, ethics_approved=ethics, ethics_other=ethics_other,
                  topics=topics, practice=practice, failing=failing)


def import_row(profile: Profile, claims: Claims, state: str = ApplicationState.SUBMITTED) -> dict[str, str]:
    """The spreadsheet row of one applicant (``credentialing.importing.COLUMNS``)."""

    def total(values) -> str:
        return f"{sum(values, Decimal(0)).normalize():f}" if values else "0"

    values = {
        "email": profile.email, "full_name": profile.full_name, "phone": profile.phone,
        "institution": profile.institution.name, "province": profile.province, "city": profile.city,
        "timezone": profile.timezone, "languages": profile.languages, "role": claims.role,
        "channels": ",".join(claims.channels), "qualification_kind": claims.kind_code,
        "qualification_number": claims.number, "qualification_issuer": claims.issuer,
        "qualification_issued_on": claims.issued_on.isoformat() if claims.issued_on else "",
        "qualification_expires_on": claims.expires_on.isoformat() if claims.expires_on else "",
        "ethics_hours_approved": total(claims.ethics_approved), "ethics_hours_other": total(claims.ethics_other),
        "special_topics": ",".join(claims.topics), "practice_hours": total(claims.practice), "state": state,
    }
    assert tuple(values) == COLUMNS
    return values


def import_rows(count: int, seed: int = 1, *, email_domain: str = "import.example") -> list[dict[str, str]]:
    """Rows of a realistic import file: mostly submitted counselors, some supervisors, a few drafts."""
    rng = random.Random(seed)
    pool = InstitutionPool.of(make_institutions(rng, max(1, round(count * INSTITUTIONS_PER_APPLICATION))))
    rows = []
    for index in range(count):
        role = RoleApplied.SUPERVISOR if rng.random() < 0.05 else RoleApplied.COUNSELOR
        state = ApplicationState.DRAFT if rng.random() < 0.05 else ApplicationState.SUBMITTED
        profile = make_profile(rng, index, pool, email_domain=email_domain)
        rows.append(import_row(profile, make_claims(rng, role, rng.random() < 0.45, index), state))
    return rows


# --- the plan of one application ---------------------------------------------------------------


@dataclass(frozen=True)
class PlannedEntry:
    """An audit entry to write once its application and evidence have ids."""

    action: str
    when: datetime
    actor: User | None
    before: str = ""
    after: str = ""
    reason: str = ""
    evidence: Evidence | None = None


@dataclass
class Planned:
    """One application with everything that will be written for it (unsaved model instances)."""

    profile: Profile
    claims: Claims
    user: User
    application: Application
    records: list[Evidence] = field(default_factory=list)
    audit: list[PlannedEntry] = field(default_factory=list)
    volunteer: NewVolunteer | None = None


@dataclass(frozen=True)
class SharedFiles:
    pdf: str
    png: str
    pdf_size: int
    png_size: int


def _records(rng: random.Random, claims: Claims, kinds: dict[str, QualificationKind], files: SharedFiles,
             declared: datetime) -> list[Evidence]:
    def attach(record: Evidence, name: str) -> Evidence:
        as_png = rng.random() < 0.3
        record.file = files.png if as_png else files.pdf
        record.original_name = f"{name}.{'png' if as_png else 'pdf'}"
        record.content_type = "image/png" if as_png else "application/pdf"
        record.size = files.png_size if as_png else files.pdf_size
        record.created_at = declared
        return record

    records: list[Evidence] = []
    if claims.kind_code:
        records.append(attach(Qualification(qualification_kind=kinds[claims.kind_code], number=claims.number,
                                            issuing_body=claims.issuer, issued_on=claims.issued_on,
                                            expires_on=claims.expires_on), "资质证书"))
    for hours, approved in [(h, True) for h in claims.ethics_approved] + [(h, False) for h in claims.ethics_other]:
        provider = "中国心理学会注册系统伦理培训" if approved else rng.choice(OTHER_ETHICS_PROVIDERS)
        records.append(attach(EthicsTraining(provider=provider, hours=hours, approved_by_registry=approved,
                                             completed_on=date(2019 + rng.randrange(0, 6), rng.randrange(1, 13), 15)),
                              "伦理培训证明"))
    titles = {SpecialTopic.TRAUMA: "创伤治疗连续培训", SpecialTopic.FIRST_AID: "心理急救（PFA）培训",
              SpecialTopic.CRISIS: "危机干预实务培训"}
    for topic in claims.topics:
        records.append(attach(SpecialTraining(
            title=titles[topic], provider=rng.choice(TRAINING_PROVIDERS),
            hours=_hours(rng, 6, 40), completed_on=date(2018 + rng.randrange(0, 7), rng.randrange(1, 13), 1),
            **SpecialTraining.topic_flags({topic})), "专项培训证书"))
    for hours in claims.practice:
        kind = rng.choice(PracticeEvidenceKind.values)
        records.append(attach(PracticeRecord(hours=hours, evidence_kind=kind,
                                             description=rng.choice(("高校心理咨询中心个体咨询", "医院心理科门诊",
                                                                     "社会心理服务机构", "个人执业"))),
                              "咨询时数证明"))
    return records


def _check(records: list[Evidence], rng: random.Random, state: str, reviewer: User | None, when: datetime) -> None:
    """Mark evidence the way a reviewer would have by now, given the application's state."""
    if reviewer is None or state in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN):
        return
    rejected_one = state in (S.CHANGES_REQUESTED, S.REJECTED) and records
    unlucky = rng.randrange(len(records)) if rejected_one else -1
    for position, record in enumerate(records):
        if position == unlucky:
            record.check_state, record.check_note = EvidenceCheck.NOT_ACCEPTABLE, rng.choice(NOT_ACCEPTABLE_NOTES)
        elif state == S.APPROVED or (state != S.RESUBMITTED and rng.random() < 0.55):
            record.check_state = EvidenceCheck.VERIFIED
        else:
            continue
        record.checked_by, record.checked_at = reviewer, when + timedelta(minutes=3 * position + 2)


def _timeline(rng: random.Random, index: int, total: int) -> datetime:
    # about 80% apply within the first three days of the call, the rest over the following five weeks
    if index < total * 0.8:
        return INTAKE_START + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
    return INTAKE_START + timedelta(days=3, minutes=rng.randrange(0, 35 * 24 * 60))


def plan_application(rng: random.Random, index: int, total: int, role: str, state: str, profile: Profile,
                     *, kinds, files, reviewers, criteria_set, thresholds, institutions) -> Planned:
    complete = rng.random() < COMPLETE_SHARE[state]
    claims = make_claims(rng, role, complete, index)
    created = _timeline(rng, index, total)
    user = User(email=profile.email, full_name=profile.full_name, timezone=profile.timezone,
                password=unusable_password(), date_joined=created)
    application = Application(
        applicant=user, role=role, serves_voice="voice" in claims.channels, serves_text="text" in claims.channels,
        full_name=profile.full_name, phone=profile.phone, institution=institutions[profile.institution.name],
        province=profile.province, city=profile.city, timezone=profile.timezone, languages=profile.languages,
        state=state, created_at=created,
    )
    planned = Planned(profile, claims, user, application, _records(rng, claims, kinds, files, created))

    def log(action: str, when: datetime, actor: User | None, before: str = "", after: str = "", reason: str = "",
            evidence: Evidence | None = None):
        planned.audit.append(PlannedEntry(action, when, actor, before, after, reason, evidence))

    log(CredentialingAction.APPLICATION_CREATED, created, user, after=S.DRAFT)
    for record in planned.records:
        log(CredentialingAction.EVIDENCE_ADDED, created, user, evidence=record)
    reviewer = rng.choice(reviewers) if state not in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN) else None
    moment = created + timedelta(hours=rng.randrange(1, 48))
    if state != S.DRAFT and not (state == S.WITHDRAWN and rng.random() < 0.3):
        application.submitted_at, application.criteria_set = moment, criteria_set
        log(CredentialingAction.SUBMIT, moment, user, S.DRAFT, S.SUBMITTED)
    if reviewer is not None:
        application.reviewer = reviewer
        moment += timedelta(days=rng.randrange(1, 7), minutes=rng.randrange(0, 600))
        log(CredentialingAction.START_REVIEW, moment, reviewer, S.SUBMITTED, S.IN_REVIEW)
        _check(planned.records, rng, state, reviewer, moment)
        for record in planned.records:
            if record.checked_by is not None:
                log(CredentialingAction.EVIDENCE_CHECKED, record.checked_at, reviewer, EvidenceCheck.PENDING,
                    record.check_state, record.check_note, evidence=record)
        moment += timedelta(hours=rng.randrange(1, 72))
    if state in (S.CHANGES_REQUESTED, S.RESUBMITTED):
        application.decision_reason = rng.choice(CHANGE_REQUESTS)
        log(CredentialingAction.REQUEST_CHANGES, moment, reviewer, S.IN_REVIEW, S.CHANGES_REQUESTED,
            application.decision_reason)
        if state == S.RESUBMITTED:
            moment += timedelta(days=rng.randrange(1, 6))
            log(CredentialingAction.RESUBMIT, moment, user, S.CHANGES_REQUESTED, S.RESUBMITTED)
    if state in (S.APPROVED, S.REJECTED):
        application.decided_at = moment
        if state == S.APPROVED:
            application.decision_reason = APPROVAL_NOTE
            log(CredentialingAction.APPROVE, moment, reviewer, S.IN_REVIEW, S.APPROVED, APPROVAL_NOTE)
            planned.volunteer = NewVolunteer(
                user=user, role=role, profile=working_profile_of(application), since=moment, actor=reviewer,
                status=VolunteerStatus.ACTIVE if role == C.SUPERVISOR or rng.random() < 0.75
                else VolunteerStatus.AWAITING_TRAINING, data={"application": None})
        else:
            reasons = [FAILURE_REASONS[f] for f in claims.failing] or [rng.choice(NOT_ACCEPTABLE_NOTES)]
            application.decision_reason = "".join(reasons)
            log(CredentialingAction.REJECT, moment, reviewer, S.IN_REVIEW, S.REJECTED, application.decision_reason)
    if state == S.WITHDRAWN:
        before = S.SUBMITTED if application.submitted_at else S.DRAFT
        moment += timedelta(days=rng.randrange(0, 10))
        log(CredentialingAction.WITHDRAW, moment, user, before, S.WITHDRAWN, rng.choice(WITHDRAW_REASONS))
    application.version = len(planned.audit) - 1  # as the services bump it: every change but the creation
    evaluation = evaluate(facts_from_records(role, planned.records), thresholds, platform_today())
    for name, value in stored_verdict(evaluation).items():
        setattr(application, name, value)
    return planned


# --- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoExtension:
    """Demo data of an app above credentialing (training, rostering), added after the people exist.

    ``seed(seed=)`` returns lines for the summary; ``reset(users)`` deletes what it made for these demo users
    (it runs before the people are deleted). The apps register themselves: credentialing imports none of them.
    """

    name: str
    seed: object
    reset: object


_EXTENSIONS: dict[str, DemoExtension] = {}


def register_demo_extension(name: str, *, seed, reset) -> None:
    _EXTENSIONS[name] = DemoExtension(name, seed, reset)


def demo_extensions() -> list[DemoExtension]:
    return list(_EXTENSIONS.values())


DEMO_ACCOUNTS = (
    # e-mail, what it shows, staff role
    ("applicant@demo.example", "an applicant with a draft application", None),
    ("counselor@demo.example", "an approved counselor", None),
    ("supervisor@demo.example", "an approved supervisor", None),
    ("vetting@demo.example", "vetting team member", StaffRole.VETTING),
    ("scheduler@demo.example", "scheduler", StaffRole.SCHEDULER),
    ("coordinator@demo.example", "coordinator (admin)", StaffRole.COORDINATOR),
    ("monitoring@demo.example", "monitoring team", StaffRole.MONITORING),
)


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def demo_data_exists() -> bool:
    return demo_users().exists()


def shared_files() -> SharedFiles:
    """The demo evidence files, stored once and referenced by every demo evidence record."""
    stored = {}
    for extension in ("pdf", "png"):
        content = (settings.BASE_DIR / "fixtures" / f"demo-evidence.{extension}").read_bytes()
        name = f"demo/evidence-sample.{extension}"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
        stored[extension] = (name, len(content))
    return SharedFiles(pdf=stored["pdf"][0], png=stored["png"][0], pdf_size=stored["pdf"][1],
                       png_size=stored["png"][1])


OWN_FILES_PREFIX = "demo/own/"


@transaction.atomic
def reset_demo() -> dict[str, int]:
    """Delete every demo account and what belongs to it; institutions only demo applications used go too."""
    users = demo_users()
    applications = Application.objects.filter(applicant__in=users)
    institution_ids = set(applications.exclude(institution=None).values_list("institution_id", flat=True))
    own_files = [r.file.name for model in EVIDENCE_MODELS.values()
                 for r in model.objects.filter(application__in=applications, file__startswith=OWN_FILES_PREFIX)]
    deleted = {"volunteers": Volunteer.objects.filter(user__in=users).delete()[0],
               "audit entries": AuditEntry.objects.filter(subject__in=users).delete()[0]}
    for model in EVIDENCE_MODELS.values():
        model.objects.filter(application__in=applications).delete()
    deleted["applications"] = applications.delete()[0]
    deleted["users"] = users.count()
    users.delete()
    Institution.objects.filter(pk__in=institution_ids, applications__isnull=True).delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in own_files])
    return deleted


def _index_first(planned: list[Planned], role: str, state: str) -> int:
    return next(i for i, p in enumerate(planned) if p.application.role == role and p.application.state == state)


@transaction.atomic
def seed_demo(*, applications: int = FULL_SIZE, seed: int = 1) -> dict:
    """Write the demo data set. Refuses (ValueError) if demo data exist: call ``reset_demo`` first."""
    if demo_data_exists():
        raise ValueError("Demo data exist already.")
    rng = random.Random(seed)
    kinds = {kind.code: kind for kind in QualificationKind.objects.all()}
    criteria_set = active_criteria_set()
    thresholds = thresholds_from(criteria_set)
    files = shared_files()

    specs = make_institutions(rng, max(1, round(applications * INSTITUTIONS_PER_APPLICATION)))
    existing = Institution.objects.in_bulk([s.name for s in specs], field_name="name")
    Institution.objects.bulk_create([Institution(name=s.name, kind=s.kind, province=s.province, city=s.city)
                                     for s in specs if s.name not in existing])
    institutions = Institution.objects.in_bulk([s.name for s in specs], field_name="name")

    staff = _staff_accounts()
    reviewers = [staff["vetting@demo.example"]] + _reviewers(rng, max(2, applications // 300))

    slots = [(role, state) for role, state, count in scaled_counts(applications) for _ in range(count)]
    rng.shuffle(slots)
    pool = InstitutionPool.of(specs)
    profiles = [make_profile(rng, i, pool) for i in range(applications)]
    planned = [plan_application(rng, i, applications, role, state, profiles[i], kinds=kinds, files=files,
                                reviewers=reviewers, criteria_set=criteria_set, thresholds=thresholds,
                                institutions=institutions)
               for i, (role, state) in enumerate(slots)]
    showcase = {
        "applicant@demo.example": _index_first(planned, C.COUNSELOR, S.DRAFT),
        "counselor@demo.example": _index_first(planned, C.COUNSELOR, S.APPROVED),
        "supervisor@demo.example": _index_first(planned, C.SUPERVISOR, S.APPROVED),
    }
    for email, index in showcase.items():
        planned[index].user.email = email
        planned[index].user.set_password(DEMO_PASSWORD)

    users_create_bulk([p.user for p in planned], email_verified=True)
    Application.objects.bulk_create([p.application for p in planned])
    _own_files(planned[showcase["applicant@demo.example"]].records)
    records_by_model: dict[type, list[Evidence]] = {}
    for p in planned:
        for record in p.records:
            record.application = p.application
            records_by_model.setdefault(type(record), []).append(record)
    for model, records in records_by_model.items():
        model.objects.bulk_create(records, batch_size=2000)
    audit_log_bulk([_audit_entry(p.application, entry) for p in planned for entry in p.audit])
    volunteers_create_bulk([replace(p.volunteer, data={"application": p.application.pk})
                            for p in planned if p.volunteer is not None])

    by_state = Counter(p.application.state for p in planned)
    by_verdict = Counter(p.application.verdict for p in planned)
    return {
        "applications": len(planned),
        "institutions": len(specs),
        "universities": sum(1 for s in specs if s.kind == InstitutionKind.UNIVERSITY),
        "by_state": {str(state): by_state[state] for state in S.values},
        "by_verdict": {str(verdict): count for verdict, count in sorted(by_verdict.items())},
        "supervisors": sum(1 for p in planned if p.application.role == C.SUPERVISOR),
        "volunteers": sum(1 for p in planned if p.volunteer is not None),
        "evidence": sum(len(r) for r in records_by_model.values()),
        "audit entries": sum(len(p.audit) for p in planned),
    }


def _audit_entry(application: Application, planned: PlannedEntry) -> AuditEntry:
    """The entry the service would have written; a state change must be one the workflow allows."""
    action = planned.action.removeprefix("application.")
    if action in TRANSITIONS:
        sources, target = TRANSITIONS[action]
        if planned.before not in sources or planned.after != target:
            raise ValueError(f"The demo plans a transition the workflow forbids: {action} "
                             f"from {planned.before} to {planned.after}.")
    data = {"file": planned.evidence.original_name} if planned.action == CredentialingAction.EVIDENCE_ADDED else {}
    return application_audit_entry(application, planned.action, actor=planned.actor, evidence=planned.evidence,
                                   from_state=planned.before, to_state=planned.after, reason=planned.reason,
                                   created_at=planned.when, data=data)


def _own_files(records: list[Evidence]) -> None:
    # The demo applicant may remove evidence from the draft, which deletes its file: give it copies of its own.
    for record in records:
        extension = record.file.name.rsplit(".", 1)[-1]
        with default_storage.open(record.file.name, "rb") as handle:
            record.file.name = default_storage.save(f"{OWN_FILES_PREFIX}{record.kind}.{extension}",
                                                    ContentFile(handle.read()))


def _staff_accounts() -> dict[str, User]:
    """The demo staff accounts: known password, verified address, a TOTP authenticator with a known secret."""
    accounts = {}
    for email, _label, role in DEMO_ACCOUNTS:
        if role is None:
            continue
        user = User(email=email, full_name={"vetting": "审核组 周敏", "scheduler": "排班组 吴磊",
                                            "coordinator": "协调组 郑晓东", "monitoring": "督导质控组 孙丽"}[role],
                    is_staff=role == StaffRole.COORDINATOR, is_superuser=role == StaffRole.COORDINATOR)
        user.set_password(DEMO_PASSWORD)
        user.save()
        staff_role_grant(user=user, role=role, actor=None)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)
        accounts[email] = user
    return accounts


def _reviewers(rng: random.Random, count: int) -> list[User]:
    """More members of the vetting team (they cannot sign in: no password)."""
    reviewers = User.objects.bulk_create([
        User(email=f"reviewer{i + 1:02d}@{DEMO_DOMAIN}", full_name=person_name(rng), password=unusable_password())
        for i in range(count)
    ])
    staff_roles_grant_bulk(users=reviewers, role=StaffRole.VETTING, actor=None)
    return reviewers
