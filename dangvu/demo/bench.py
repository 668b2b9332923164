"""A synthetic register for load tests: hundreds of thousands of members in thousands of organisations.

This is not a user path: rows are written with ``bulk_create`` so that 200,000 members take a minute,
not hours. They must still look exactly like what the services write, so that the pages under test
run the same queries on the same shapes of data:

- every ``Organisation`` has its materialized ``path``/``depth``, a FOUNDING ``OrganisationEvent`` and
  one open ``OrganisationSpell`` carrying the same path (what ``organisation_found`` leaves behind);
- every ``Member`` has ``search_name``/``sort_key`` from ``common.text``, its ledger (ADMISSION, then
  RECOGNITION for official members, DEATH or TRANSFER_OUT for a few) and the ``MembershipSpell`` rows
  and current-state columns that ``ledger.replay`` derives from that ledger, plus its occupation as a
  dated ``MemberValue`` (what ``member_admit(values=...)`` writes).

No audit rows are written for the generated data (it is not a user action). The tests in
``tests/demo`` replay every generated ledger and compare.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from dangvu.common.dates import add_months
from dangvu.common.text import person_sort_key, search_key
from dangvu.demo.names import NameFactory

BENCH_ROOT_CODE = "BENCH"
BENCH_ROOT_NAME = "Đảng bộ Khu công nghiệp Thử tải"
BENCH_BODY = "Ban Thường vụ Đảng ủy Khu công nghiệp Thử tải"
CELLS_PER_COMMITTEE = 19
BASE_CELL_SHARE = 0.05
RARE_GIVEN_NAME = "Khuê"  # weight 0.2‰ in names.FEMALE_GIVEN: a search that matches a handful

_UNIT_TYPES = [("soe_100", 4), ("soe_50_plus", 3), ("joint_stock", 20), ("llc", 30), ("private_enterprise", 8),
               ("foreign_invested", 33), ("cooperative", 1), ("state_agency", 1)]
_ZONES = [("industrial_zone", "Khu công nghiệp Thử tải {n}"), ("export_processing_zone", "Khu chế xuất Thử tải {n}"),
          ("high_tech_park", "Khu công nghệ cao Thử tải")]
_WORKSHOPS = ["Phân xưởng Cơ khí", "Phân xưởng Lắp ráp", "Phân xưởng Sơn", "Phân xưởng Đóng gói", "Xưởng May",
              "Xưởng Ép nhựa", "Xưởng Điện tử", "Phòng Kỹ thuật", "Phòng Quản lý chất lượng", "Phòng Kế hoạch",
              "Phòng Kinh doanh", "Khối Văn phòng", "Phòng Tài chính – Kế toán", "Phòng Nhân sự", "Kho vận",
              "Xưởng Bảo trì", "Xưởng Khuôn mẫu", "Ca sản xuất A", "Ca sản xuất B"]
_OCCUPATIONS = [("worker", 58), ("enterprise_staff", 28), ("enterprise_manager", 11), ("state_official", 1),
                ("other", 1), ("retired", 1)]


@dataclass
class BenchStats:
    organisations: int
    members: int
    ledger_events: int
    spells: int
    seconds: float
    root_id: int
    committee_id: int  # a base party committee, for the base clerk
    cell_id: int  # a small subtree
    rare_query: str


def bench_root():
    from dangvu.organisations.models import Organisation

    return Organisation.objects.filter(code=BENCH_ROOT_CODE).first()


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style

    sql = connection.ops.sequence_reset_sql(no_style(), models)
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


class BenchmarkGenerator:
    def __init__(self, *, members: int, orgs: int, seed: int = 2026, horizon: date | None = None,
                 batch_size: int = 5000, log=None):
        self.n_members = members
        self.n_orgs = max(orgs, 3)
        self.rng = random.Random(seed)
        self.names = NameFactory(self.rng)
        self.horizon = horizon or timezone.localdate()
        self.batch_size = batch_size
        self.log = log or (lambda message: None)
        self._keys: dict[str, tuple[str, str]] = {}

    # Organisations ----------------------------------------------------------------------------

    def _shape(self) -> tuple[int, int, list[int]]:
        """(base cells, base party committees, subordinate cells per committee) adding up to n_orgs."""
        rest = self.n_orgs - 1
        base_cells = max(1, round(rest * BASE_CELL_SHARE))
        committees = max(1, (rest - base_cells) // (CELLS_PER_COMMITTEE + 1))
        cells = rest - base_cells - committees
        per = [cells // committees] * committees
        for i in range(cells - sum(per)):
            per[i % committees] += 1
        return base_cells, committees, per

    def generate(self) -> BenchStats:
        import time

        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            stats = self._generate()
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # The state autovacuum reaches shortly after a bulk load: statistics and visibility map.
            with connection.cursor() as cursor:
                for table in ("organisations_organisation", "organisations_organisationspell",
                              "members_member", "members_ledgerevent", "members_membershipspell",
                              "members_membervalue"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        stats.seconds = time.perf_counter() - started
        return stats

    def _generate(self) -> BenchStats:
        from dangvu.organisations.models import (
            HostUnit,
            Organisation,
            OrganisationEvent,
            OrganisationSpell,
            OrgEventKind,
            OrgType,
        )

        rng = self.rng
        now = timezone.now()
        base_cells, committees, per = self._shape()
        next_org = _next_id(Organisation)
        next_unit = _next_id(HostUnit)
        orgs: list[Organisation] = []
        units: list[HostUnit] = []
        cells: list[Organisation] = []  # organisations that hold members

        def new_unit(name: str) -> HostUnit:
            nonlocal next_unit
            zone_kind, zone_name = rng.choice(_ZONES)
            unit = HostUnit(id=next_unit, name=name, unit_type=rng.choices(*zip(*_UNIT_TYPES, strict=False))[0],
                            zone_kind=zone_kind, zone_name=zone_name.format(n=rng.randint(1, 12)),
                            workers=rng.randint(200, 9000))
            next_unit += 1
            units.append(unit)
            return unit

        def new_org(code, name, org_type, parent, founded, unit=None) -> Organisation:
            nonlocal next_org
            pk = next_org
            next_org += 1
            path = (parent.path if parent else "") + f"{pk:07d}."
            org = Organisation(id=pk, code=code, name=name, org_type=org_type, parent=parent, path=path,
                               depth=path.count(".") - 1, host_unit=unit, founded_on=founded)
            orgs.append(org)
            return org

        root = new_org(BENCH_ROOT_CODE, BENCH_ROOT_NAME, OrgType.SUPERIOR_COMMITTEE, None, date(2005, 1, 10),
                       new_unit("Ban Quản lý các khu công nghiệp Thử tải"))
        first_committee = None
        for n in range(committees):
            founded = date(2005, 2, 1) + timedelta(days=rng.randint(0, 365 * 10))
            company = f"Công ty Thử tải số {n + 1:04d}"
            committee = new_org(f"B{n + 1:04d}", f"Đảng bộ {company}", OrgType.BASE_PARTY_COMMITTEE, root, founded,
                                new_unit(company))
            first_committee = first_committee or committee
            for k in range(per[n]):
                workshop = _WORKSHOPS[k % len(_WORKSHOPS)] + (f" {k // len(_WORKSHOPS) + 1}" if k >= len(_WORKSHOPS) else "")
                cell_founded = founded + timedelta(days=rng.choice([0, 0, 0, rng.randint(30, 2000)]))
                cells.append(new_org(f"C{n + 1:04d}{k + 1:03d}", f"Chi bộ {workshop}", OrgType.SUBORDINATE_CELL,
                                     committee, min(cell_founded, self.horizon - timedelta(days=400))))
        base = []
        for n in range(base_cells):
            founded = date(2005, 2, 1) + timedelta(days=rng.randint(0, 365 * 12))
            company = f"Công ty Cổ phần Thử tải {n + 1:04d}"
            cell = new_org(f"S{n + 1:04d}", f"Chi bộ {company}", OrgType.BASE_CELL, root, founded, new_unit(company))
            cells.append(cell)
            base.append(cell)

        HostUnit.objects.bulk_create(units, batch_size=self.batch_size)
        # Parents before children: the self foreign key is checked at commit on PostgreSQL, but SQLite
        # checks it per row unless deferred; creating in this order is valid for both.
        Organisation.objects.bulk_create(sorted(orgs, key=lambda o: o.depth), batch_size=self.batch_size)
        OrganisationEvent.objects.bulk_create([
            OrganisationEvent(organisation_id=o.id, kind=OrgEventKind.FOUNDING, effective_date=o.founded_on,
                              decision_number=f"{o.id % 997 + 1}-QĐ/ĐU", decision_date=o.founded_on,
                              deciding_body=BENCH_BODY, new_name=o.name, new_parent_id=o.parent_id,
                              new_type=o.org_type, recorded_at=now)
            for o in orgs], batch_size=self.batch_size)
        OrganisationSpell.objects.bulk_create([
            OrganisationSpell(organisation_id=o.id, valid_from=o.founded_on, valid_to=None, parent_id=o.parent_id,
                              name=o.name, org_type=o.org_type, path=o.path)
            for o in orgs], batch_size=self.batch_size)
        self.log(f"  {len(orgs):,} tổ chức".replace(",", "."))

        # Members: base cells stay under 30; the rest spread over subordinate cells.
        sizes = {c.id: 0 for c in cells}
        base_ids = [c.id for c in base]
        for cid in base_ids:
            sizes[cid] = min(rng.randint(8, 28), self.n_members // max(len(cells), 1) + 1)
        remaining = max(self.n_members - sum(sizes.values()), 0)
        sub_cells = [c.id for c in cells if c.id not in set(base_ids)] or base_ids
        weights = [rng.uniform(0.3, 1.7) for _ in sub_cells]
        total_weight = sum(weights)
        for cid, weight in zip(sub_cells, weights, strict=False):
            sizes[cid] += int(remaining * weight / total_weight)
        short = self.n_members - sum(sizes.values())
        for i in range(abs(short)):
            cid = sub_cells[i % len(sub_cells)]
            sizes[cid] += 1 if short > 0 else -1 if sizes[cid] > 0 else 0
        by_id = {o.id: o for o in orgs}
        created = self._members([(by_id[cid], n) for cid, n in sizes.items() if n > 0])
        from dangvu.members.models import Member

        _reset_sequences([Organisation, HostUnit, Member])
        small = min(cells, key=lambda c: abs(sizes[c.id] - 20))
        return BenchStats(organisations=len(orgs), members=created[0], ledger_events=created[1], spells=created[2],
                          seconds=0.0, root_id=root.id, committee_id=(first_committee or root).id,
                          cell_id=small.id, rare_query=search_key(RARE_GIVEN_NAME))

    # Members ----------------------------------------------------------------------------------

    def _key(self, name: str) -> tuple[str, str]:
        keys = self._keys.get(name)
        if keys is None:
            keys = self._keys[name] = (search_key(name), person_sort_key(name))
        return keys

    def _members(self, placement) -> tuple[int, int, int]:
        from dangvu.members.models import (
            EventKind,
            LedgerEvent,
            Member,
            MembershipSpell,
            MemberStatus,
            MemberValue,
        )

        rng = self.rng
        now = timezone.now()
        horizon = self.horizon
        next_member = _next_id(Member)
        used_ids: set[str] = set(Member.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
        card_seq = Member.objects.exclude(card_number=None).count() + 1
        occupations, occupation_weights = zip(*_OCCUPATIONS, strict=False)
        writers = {model: _RowWriter(model, self.batch_size)
                   for model in (Member, LedgerEvent, MembershipSpell, MemberValue)}
        member_w, event_w, spell_w, value_w = (writers[m] for m in (Member, LedgerEvent, MembershipSpell, MemberValue))
        logged = 0

        for org, size in placement:
            for _ in range(size):
                person = self.names.person()
                # Admission: most over the organisation's life, some in the last 14 months (probationary).
                start = max(org.founded_on, date(2006, 1, 1))
                if rng.random() < 0.04:
                    admitted = horizon - timedelta(days=rng.randint(45, 420))
                else:
                    admitted = start + timedelta(days=rng.randint(0, max((horizon - start).days - 60, 1)))
                admitted = max(admitted, org.founded_on)
                age = rng.triangular(18.5, 45, 25)
                dob = admitted - timedelta(days=int(age * 365.25) + 40)
                ceremony = min(admitted + timedelta(days=rng.randint(14, 40)), horizon)
                due = add_months(ceremony, 12)
                official = due <= horizon
                pk = next_member
                next_member += 1
                full_name = person.full_name
                search_name, sort_key = self._key(full_name)
                citizen_id = self.names.citizen_id(person.home_province, person.gender, dob, used_ids)
                card = None
                if official:
                    card = f"79{card_seq:010d}"
                    card_seq += 1
                occupation = rng.choices(occupations, occupation_weights)[0]
                status = MemberStatus.OFFICIAL if official else MemberStatus.PROBATIONARY
                number = f"{pk % 1999 + 1}-QĐ/ĐU"
                event_w.add(member_id=pk, kind=EventKind.ADMISSION, effective_date=admitted, decision_number=number,
                            decision_date=admitted, deciding_body=BENCH_BODY, organisation_id=org.id,
                            ceremony_date=ceremony, recorded_at=now)
                if not official:
                    spell_w.add(member_id=pk, status=MemberStatus.PROBATIONARY, organisation_id=org.id,
                                valid_from=admitted, valid_to=None)
                else:
                    event_w.add(member_id=pk, kind=EventKind.RECOGNITION, effective_date=due, decision_number=number,
                                decision_date=min(due + timedelta(days=20), horizon), deciding_body=BENCH_BODY,
                                recorded_at=now)
                    spell_w.add(member_id=pk, status=MemberStatus.PROBATIONARY, organisation_id=org.id,
                                valid_from=admitted, valid_to=due)
                    # A few have left since: died, or transferred out of the committee.
                    leave = rng.random()
                    left_on = due + timedelta(days=rng.randint(30, 3000))
                    if leave < 0.05 and left_on < horizon:
                        out = leave >= 0.02
                        kind = EventKind.TRANSFER_OUT if out else EventKind.DEATH
                        status = MemberStatus.TRANSFERRED_OUT if out else MemberStatus.DIED
                        event_w.add(member_id=pk, kind=kind, effective_date=left_on,
                                    decision_number=f"{pk % 1999 + 1}-GT/ĐU", decision_date=left_on,
                                    deciding_body=BENCH_BODY, from_organisation_id=org.id if out else None,
                                    external_place="Đảng bộ phường Thử tải" if out else "", recorded_at=now)
                        spell_w.add(member_id=pk, status=MemberStatus.OFFICIAL, organisation_id=org.id,
                                    valid_from=due, valid_to=left_on)
                        spell_w.add(member_id=pk, status=status, organisation_id=org.id, valid_from=left_on,
                                    valid_to=None)
                    else:
                        spell_w.add(member_id=pk, status=MemberStatus.OFFICIAL, organisation_id=org.id,
                                    valid_from=due, valid_to=None)
                member_w.add(
                    id=pk, full_name=full_name, gender=person.gender, date_of_birth=dob,
                    place_of_birth=person.home_province, home_town=person.home_province,
                    ethnicity=person.ethnicity, religion=person.religion, citizen_id=citizen_id, card_number=card,
                    profile_number=f"{admitted.year}.{pk:07d}", search_name=search_name, sort_key=sort_key,
                    status=status, organisation_id=org.id, org_path=org.path, admitted_on=admitted,
                    official_on=due if official else None, occupation=occupation, created_at=now)
                value_w.add(member_id=pk, attribute="occupation", value=occupation, valid_from=admitted,
                            recorded_at=now)
                if member_w.pending >= self.batch_size:
                    for writer in writers.values():  # members first: the others point at them
                        writer.flush()
                    if member_w.written // 50000 > logged:
                        logged = member_w.written // 50000
                        self.log(f"  {member_w.written:,} đảng viên".replace(",", "."))
        for writer in writers.values():
            writer.flush()
        return member_w.written, event_w.written, spell_w.written


class _RowWriter:
    """Appends rows to a model's table with COPY (PostgreSQL) or executemany (others).

    Columns not given take the field's default, as ``Model.save()`` would; JSON is serialised.
    """

    def __init__(self, model, batch_size: int):
        import json

        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            default = f.get_default()
            if f.get_internal_type() == "JSONField":
                default = json.dumps(default if default is not None else {})
            self.defaults[f.attname] = default
        self.attnames = [f.attname for f in self.fields]
        self.pk = model._meta.pk.attname
        self.rows: list[dict] = []
        self.batch_size = batch_size
        self.written = 0

    @property
    def pending(self) -> int:
        return len(self.rows)

    def add(self, **values) -> None:
        self.rows.append(values)

    def flush(self) -> None:
        if not self.rows:
            return
        with_pk = self.pk in self.rows[0]
        names = [a for a in self.attnames if with_pk or a != self.pk]
        columns = [c for a, c in zip(self.attnames, self.columns, strict=False) if with_pk or a != self.pk]
        defaults = self.defaults
        data = [tuple(row[a] if a in row else defaults[a] for a in names) for row in self.rows]
        if connection.vendor != "postgresql":  # small runs (tests): let Django adapt each value
            fields = [f for f in self.fields if f.attname in names]
            data = [tuple(v if f.get_internal_type() == "JSONField" else f.get_db_prep_save(v, connection)
                          for f, v in zip(fields, row, strict=False)) for row in data]
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) "
                                   f"VALUES ({placeholders})", data)
        self.written += len(self.rows)
        self.rows.clear()


def existing_stats() -> BenchStats | None:
    """The numbers of a benchmark dataset already in the database (``--keep``)."""
    from django.db.models import Count

    from dangvu.members.models import LedgerEvent, Member, MembershipSpell
    from dangvu.organisations.models import Organisation, OrgType

    root = bench_root()
    if root is None:
        return None
    orgs = Organisation.objects.filter(path__startswith=root.path)
    committee = orgs.filter(org_type=OrgType.BASE_PARTY_COMMITTEE).order_by("id").first()
    sizes = (Member.objects.filter(org_path__startswith=root.path).values("organisation_id")
             .annotate(n=Count("id")).order_by())
    cell_id = min(sizes, key=lambda row: (abs(row["n"] - 20), row["organisation_id"]))["organisation_id"]
    members = Member.objects.filter(org_path__startswith=root.path)
    return BenchStats(organisations=orgs.count(), members=members.count(),
                      ledger_events=LedgerEvent.objects.filter(member__org_path__startswith=root.path).count(),
                      spells=MembershipSpell.objects.filter(member__org_path__startswith=root.path).count(),
                      seconds=0.0, root_id=root.id, committee_id=(committee or root).id, cell_id=cell_id,
                      rare_query=search_key(RARE_GIVEN_NAME))


# Measurement -----------------------------------------------------------------------------------

@dataclass
class Scenario:
    key: str
    label: str
    user: str  # "staff" (org_staff on the root) or "clerk" (base_clerk on one base party committee)
    params: dict


@dataclass
class Result:
    scenario: Scenario
    rows: int
    times_ms: list[float]
    queries: int
    queries_small: int | None
    rows_small: int | None
    status: int
    slowest_sql: list[tuple[float, str]]

    @staticmethod
    def _pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        index = max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 1)) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return self._pct(self.times_ms, 0.50)

    @property
    def p95(self) -> float:
        return self._pct(self.times_ms, 0.95)

    @property
    def max(self) -> float:
        return max(self.times_ms)


def scenarios(stats: BenchStats) -> list[Scenario]:
    return [
        Scenario("list_staff", "Danh sách, trang 1 — cán bộ tổ chức (toàn Đảng bộ)", "staff", {}),
        Scenario("list_clerk", "Danh sách, trang 1 — văn phòng cơ sở (một đảng bộ cơ sở)", "clerk", {}),
        Scenario("filter_status", "Lọc tình trạng = dự bị", "staff", {"tinh_trang": "probationary"}),
        Scenario("filter_occupation", "Lọc nghề nghiệp = công nhân", "staff", {"nghe_nghiep": "worker"}),
        Scenario("page_200", "Trang 200", "staff", {"trang": 200}),
        Scenario("search_common", "Tìm “nguyen van”", "staff", {"q": "nguyen van"}),
        Scenario("search_rare", f"Tìm “{stats.rare_query}” (tên hiếm)", "staff", {"q": stats.rare_query}),
        # Given names cluster in the list order (sorted by given name): a search for a name late in the
        # alphabet is the worst case for walking the sort index.
        Scenario("search_late", "Tìm “thi yen” (tên cuối bảng chữ cái)", "staff", {"q": "thi yen"}),
        Scenario("search_late2", "Tìm “van vinh” (tên cuối bảng chữ cái)", "staff", {"q": "van vinh"}),
        Scenario("subtree", "Lọc theo một chi bộ (to_chuc, ~20 đảng viên)", "staff", {"to_chuc": stats.cell_id}),
    ]


def bench_users(stats: BenchStats):
    """The two users the pages are measured as, granted through the audited grant service."""
    from dangvu.access.models import Grant, Role
    from dangvu.access.services import grant_create
    from dangvu.accounts.models import User
    from dangvu.organisations.models import Organisation

    result = {}
    for key, username, role, org_id in (("staff", "thutai_tochuc", Role.ORG_STAFF, stats.root_id),
                                         ("clerk", "thutai_vanphong", Role.BASE_CLERK, stats.committee_id)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=f"Người dùng thử tải ({role})")
            user.set_unusable_password()
            user.save()
        organisation = Organisation.objects.get(pk=org_id)
        if not Grant.objects.filter(user=user, organisation=organisation, role=role).exists():
            grant_create(actor=None, user=user, organisation=organisation, role=role)
        result[key] = user
    return result


def _rows(user, params: dict) -> int:
    from dangvu.members.selectors import MemberFilters, member_list
    from dangvu.organisations.models import Organisation

    organisation = Organisation.objects.get(pk=params["to_chuc"]) if params.get("to_chuc") else None
    filters = MemberFilters(organisation=organisation, status=params.get("tinh_trang", "active"),
                            occupation=params.get("nghe_nghiep", ""), query=params.get("q", ""))
    return member_list(user=user, filters=filters).count()


def _host() -> str:
    from django.conf import settings
    from django.http.request import validate_host

    for host in ("testserver", "localhost", "127.0.0.1"):
        if validate_host(host, settings.ALLOWED_HOSTS):
            return host
    return settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"


SIMULATIONS = ("org-select", "search-order")
SEARCH_SORT_LIMIT = 20_000


@contextmanager
def simulate(changes: set[str]):
    """Patch the member list view at run time to measure a proposed change before it is made.

    ``org-select``: the organisation filter offers only the user's top organisation (as an
    autocomplete would) instead of one option per organisation in scope.
    ``search-order``: when searching and at most SEARCH_SORT_LIMIT rows match (the paginator has
    counted them already), sort the matches instead of walking the sort_key index (COLLATE "C" is
    the same order for the digits-only key, but the index cannot serve it).
    """
    from django.core.paginator import Paginator
    from django.db.models.functions import Collate

    from dangvu.members import views

    saved = {name: getattr(views, name) for name in ("_visible_organisations", "member_list", "Paginator")}
    try:
        if "org-select" in changes:
            original = saved["_visible_organisations"]

            def top_only(user):
                organisations = original(user)
                first = organisations.order_by("depth").values_list("depth", flat=True).first()
                return organisations.filter(depth=first or 0)
            views._visible_organisations = top_only
        if "search-order" in changes and connection.vendor == "postgresql":
            original_list = saved["member_list"]

            def marked(*, user, filters):
                queryset = original_list(user=user, filters=filters)
                queryset._bench_search = bool(filters.query)
                return queryset

            class SearchPaginator(Paginator):
                def page(self, number):
                    if getattr(self.object_list, "_bench_search", False) and self.count <= SEARCH_SORT_LIMIT:
                        self.object_list = self.object_list.order_by(Collate("sort_key", "C"), "id")
                    return super().page(number)
            views.member_list = marked
            views.Paginator = SearchPaginator
        yield
    finally:
        for name, value in saved.items():
            setattr(views, name, value)


def measure(stats: BenchStats, *, requests: int, warmup: int = 3, log=None,
            changes: set[str] = frozenset()) -> list[Result]:
    with simulate(set(changes)):
        return _measure(stats, requests=requests, warmup=warmup, log=log)


def _measure(stats: BenchStats, *, requests: int, warmup: int, log) -> list[Result]:
    import time
    from urllib.parse import parse_qsl, urlencode

    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    log = log or (lambda message: None)
    users = bench_users(stats)
    clients = {}
    for key, user in users.items():
        client = Client(HTTP_HOST=_host())
        client.force_login(user)
        clients[key] = client
    base_url = reverse("members:list")
    results = []
    for scenario in scenarios(stats):
        client = clients[scenario.user]
        url = base_url + ("?" + urlencode(scenario.params) if scenario.params else "")
        for _ in range(warmup):
            response = client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)
        slowest = sorted(((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True)[:2]
        # The same page over a small scope: the query count must not depend on the number of rows.
        if scenario.key == "list_clerk":
            small_client, small_url = None, None
        elif scenario.key == "subtree":  # ~20 rows here; the whole committee (all rows) for comparison
            small_client, small_url = client, base_url + "?" + urlencode({"to_chuc": stats.root_id})
        else:  # the same filters as the base clerk (one base party committee, a few hundred rows)
            small_client, small_url = clients["clerk"], url
        queries_small = rows_small = None
        if small_client is not None:
            small_user = users["clerk"] if small_client is clients["clerk"] else users[scenario.user]
            small_params = dict(parse_qsl(small_url.partition("?")[2]))
            rows_small = _rows(small_user, small_params)
            small_client.get(small_url)
            with CaptureQueriesContext(connection) as captured_small:
                small_client.get(small_url)
            queries_small = len(captured_small.captured_queries)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        result = Result(scenario, _rows(users[scenario.user], scenario.params), times, queries, queries_small,
                        rows_small, response.status_code, slowest)
        log(f"  {scenario.key:<18} p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms  "
            f"max {result.max:7.1f} ms  {queries} truy vấn  (HTTP {response.status_code})")
        results.append(result)
    return results


def explain(sql: str) -> str:
    if connection.vendor != "postgresql":
        return "(EXPLAIN ANALYZE chỉ chạy trên PostgreSQL)"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
