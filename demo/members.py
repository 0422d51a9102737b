"""Demo companies for `seed_demo`: about 30 across provinces and industries, the
verification agencies (R-C2) and some verification applications. Idempotent."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from credit.services import credit_recalculate_all
from members import verification_services
from members.models import (
    Company,
    TrustPassPeriod,
    User,
    VerificationAgency,
    VerificationApplication,
)
from members.rules import certificate_code_new, uscc_check_character

DEMO_PASSWORD = "Demo-pass-2026"
STAFF_USERNAME = "admin"
STAFF_PASSWORD = "Admin-pass-2026"

# member_id, name, province, city, industry, trustpass years (0 = ordinary), verified.
# Verification is a TrustPass privilege (R-M3.3): every verified company, and every company
# with an application, has TrustPass years.
COMPANIES = [
    ("hzsteel", "杭州华钢管业有限公司", "浙江", "杭州", "冶金矿产", 3, True),
    ("wxpipe", "无锡新三洲特钢有限公司", "江苏", "无锡", "冶金矿产", 2, True),
    ("tjgangguan", "天津大无缝钢管销售有限公司", "天津", "天津", "冶金矿产", 1, False),
    ("wzvalve", "温州永嘉龙湾阀门厂", "浙江", "温州", "机械设备", 4, True),
    ("shpump", "上海东方泵业制造有限公司", "上海", "上海", "机械设备", 2, True),
    ("tzpump", "台州大元泵业有限公司", "浙江", "台州", "机械设备", 0, False),
    ("nbplastic", "宁波镇海塑料原料经营部", "浙江", "宁波", "化工", 1, True),
    ("yuyaopp", "余姚中国塑料城恒利塑化", "浙江", "余姚", "化工", 0, False),
    ("qdchem", "青岛海湾精细化工有限公司", "山东", "青岛", "化工", 2, False),
    ("szelec", "深圳市华强北元器件商行", "广东", "深圳", "电子元器件", 3, True),
    ("dgpcb", "东莞市联合电路板有限公司", "广东", "东莞", "电子元器件", 1, False),
    ("xmchip", "厦门芯源微电子有限公司", "福建", "厦门", "电子元器件", 0, False),
    ("sdfarm", "寿光市绿源蔬菜合作社", "山东", "潍坊", "农业", 1, True),
    ("hntea", "湖南安化黑茶有限公司", "湖南", "益阳", "农业", 0, False),
    ("ynfruit", "云南高原果业有限公司", "云南", "昆明", "农业", 2, False),
    ("gzpack", "广州市华美包装制品有限公司", "广东", "广州", "包装印刷", 1, True),
    ("wzprint", "苍南县龙港印刷厂", "浙江", "温州", "包装印刷", 0, False),
    ("ywgift", "义乌市小商品礼品工艺厂", "浙江", "金华", "礼品工艺", 2, True),
    ("fjcraft", "德化县陶瓷工艺品有限公司", "福建", "泉州", "礼品工艺", 0, False),
    ("sztextile", "苏州盛泽丝绸纺织有限公司", "江苏", "苏州", "纺织皮革", 3, True),
    ("kqleather", "海宁皮革城裘皮制品厂", "浙江", "嘉兴", "纺织皮革", 1, False),
    ("cdmachine", "成都锦江机床工具有限公司", "四川", "成都", "机械设备", 0, False),
    ("whsteel2", "武汉江城钢材贸易有限公司", "湖北", "武汉", "冶金矿产", 1, False),
    ("bjtools", "北京京工五金工具有限公司", "北京", "北京", "五金工具", 2, True),
    ("yklighting", "中山古镇灯饰照明有限公司", "广东", "中山", "照明电器", 1, False),
    ("cqmotor", "重庆嘉陵摩托配件有限公司", "重庆", "重庆", "汽摩配件", 0, False),
    ("xaglass", "西安秦川玻璃制品有限公司", "陕西", "西安", "建筑建材", 0, False),
    ("hfappliance", "合肥美菱小家电有限公司", "安徽", "合肥", "家用电器", 1, True),
    ("lyfurniture", "临沂板材家具有限公司", "山东", "临沂", "建筑建材", 0, False),
    ("nnsugar", "南宁糖业贸易有限公司", "广西", "南宁", "农业", 2, False),
]
CONTACTS = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]


# R-C2: the authorised third-party agencies staff keep in the list.
AGENCIES = [
    ("华夏邓白氏（中国）商业信息咨询有限公司", "国际知名企业资信调查机构"),
    ("上海杰胜企业管理咨询有限公司", "工商注册信息核实"),
    ("中诚信征信有限公司", "企业征信与信用评级"),
    ("新华信国际信息咨询（北京）有限公司", "商业信息与企业身份核实"),
]
# Province → administrative division code (first two digits) for demo registration numbers.
PROVINCE_CODES = {
    "北京": "11", "天津": "12", "上海": "31", "江苏": "32", "浙江": "33", "安徽": "34",
    "福建": "35", "山东": "37", "湖北": "42", "湖南": "43", "广东": "44", "广西": "45",
    "重庆": "50", "四川": "51", "云南": "53", "陕西": "61",
}  # fmt: skip
# Unverified companies with an application waiting for staff, and one that was rejected.
PENDING_APPLICATIONS = ["tjgangguan", "qdchem", "ynfruit", "dgpcb"]
REJECTED_APPLICATIONS = {
    "nnsugar": "统一社会信用代码与营业执照上的企业名称不一致，请上传最新营业执照后重新申请。"
}


def demo_registration_number(index: int, province: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015) for demo company `index`."""
    digits = f"{(index * 7919 + 31337) % 10**8:08d}"
    # The organisation code's own check character (GB 11714).
    total = sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c9 = 11 - total % 11
    org = digits + {10: "X", 11: "0"}.get(c9, str(c9))
    first17 = "91" + PROVINCE_CODES.get(province, "33") + "0100" + org
    return first17 + uscc_check_character(first17)


def seed(stdout) -> None:
    _seed_agencies()
    _seed_companies(stdout)
    _seed_verifications(stdout)
    # The scores the companies start with (verification, archive years): the archive's
    # history then opens with this row, and later events (trades, reviews, certificates)
    # each show their own change instead of one lump under the first of them.
    credit_recalculate_all(cause="demo")


def _seed_agencies() -> None:
    for position, (name, description) in enumerate(AGENCIES):
        VerificationAgency.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )


def _seed_verifications(stdout) -> None:
    agencies = list(VerificationAgency.objects.filter(active=True))
    made = 0
    for i, (member_id, _name, province, _city, _ind, _years, verified) in enumerate(COMPANIES):
        company = Company.objects.filter(member_id=member_id).first()
        if company is None or company.verification_applications.exists():
            continue
        wants = verified or member_id in PENDING_APPLICATIONS or member_id in REJECTED_APPLICATIONS
        if not wants:
            continue
        user = company.users.order_by("pk").first()
        agency = agencies[i % len(agencies)]
        number = demo_registration_number(i, province)
        if verified:  # verified in the demo already: its approved application and certificate
            VerificationApplication.objects.create(
                company=company,
                agency=agency,
                registration_number=number,
                applicant_name=company.contact_name,
                applicant_title="总经理",
                status=VerificationApplication.Status.APPROVED,
                created_by=user,
                decided_at=timezone.now(),
                certificate_code=certificate_code_new(),
            )
        else:
            application = verification_services.verification_apply(
                company=company,
                agency=agency,
                registration_number=number,
                applicant_name=company.contact_name,
                applicant_title="销售经理",
                by=user,
            )
            if member_id in REJECTED_APPLICATIONS:
                verification_services.verification_reject(
                    application=application, reason=REJECTED_APPLICATIONS[member_id]
                )
        made += 1
    stdout.write(
        f"身份认证：认证机构 {VerificationAgency.objects.count()} 家，新建申请 {made} 份。"
    )


def _seed_companies(stdout) -> None:
    today = timezone.localdate()
    made = 0
    # One hash for every demo account: hashing is deliberately slow (PBKDF2), and the demo
    # companies all share the published demo password anyway.
    password_hash = None
    for i, (member_id, name, province, city, industry, years, verified) in enumerate(COMPANIES):
        company, created = Company.objects.get_or_create(
            member_id=member_id,
            defaults={
                "name": name,
                "province": province,
                "city": city,
                "industry": industry,
                "contact_name": CONTACTS[i % len(CONTACTS)],
                "phone": f"1{3 + i % 6}{(i * 7919) % 10**9:09d}",
                "email": f"sales@{member_id}.example.cn",
                "summary": f"{name}主营{industry}相关产品，诚信经营，欢迎洽谈。",
                "verified": verified,
            },
        )
        if not created:
            continue
        made += 1
        password_hash = password_hash or make_password(DEMO_PASSWORD)
        User.objects.create(
            username=member_id, email=company.email, company=company, password=password_hash
        )
        # The account was opened some weeks before its first TrustPass period (or some
        # months ago): the archive's 诚信通会员起始 never comes before 注册时间.
        end = today + timedelta(days=30 + (i * 37) % 300)
        first_day = _years_before(end, years) if years else today - timedelta(days=30 + i * 11)
        registered = datetime.combine(first_day - timedelta(days=5 + (i * 13) % 40), time(9, 30))
        Company.objects.filter(pk=company.pk).update(created_at=timezone.make_aware(registered))
        if years:
            # Consecutive yearly periods ending some months from now.
            for y in range(years):
                ends_on = _years_before(end, y)
                TrustPassPeriod.objects.create(
                    company=company,
                    starts_on=_years_before(end, y + 1),
                    ends_on=ends_on,
                    source=TrustPassPeriod.Source.DEMO,
                    note="演示数据",
                )
    stdout.write(
        f"企业：新建 {made} 家，共 {Company.objects.count()} 家（演示账号密码 {DEMO_PASSWORD}）。"
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def ensure_staff_account() -> tuple[str, str]:
    """A superuser for the embedded demo only (seed_demo prints it there)."""
    user, created = User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.cn"},
    )
    if created:
        user.set_password(STAFF_PASSWORD)
        user.save()
    return STAFF_USERNAME, STAFF_PASSWORD
