"""Reads of the organisation tree: current or as of any date, and as known on an earlier instant."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet

from dangvu.access.policies import organisations_for
from dangvu.members.models import ACTIVE_STATUSES, MembershipSpell
from dangvu.organisations.models import Organisation, OrganisationEvent, OrganisationSpell


@dataclass
class TreeNode:
    organisation_id: int
    code: str
    name: str
    org_type: str
    org_type_label: str
    path: str
    depth: int
    parent_id: int | None
    own_members: int = 0
    members: int = 0
    official_members: int = 0
    children: list[TreeNode] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def spells_on(day: date) -> QuerySet[OrganisationSpell]:
    return OrganisationSpell.objects.filter(valid_from__lte=day).exclude(valid_to__lte=day)


def organisation_ids_in_subtree_on(organisation: Organisation, day: date) -> list[int]:
    root = spells_on(day).filter(organisation=organisation).first()
    if root is None:
        return []
    return list(spells_on(day).filter(path__startswith=root.path).values_list("organisation_id", flat=True))


def _paths_known_at(day: date, known_at: datetime) -> dict[int, dict]:
    """Tree on ``day`` rebuilt from the events as they were recorded at ``known_at``."""
    from dangvu.organisations.services import _timeline

    events: dict[int, list[OrganisationEvent]] = {}
    for event in (OrganisationEvent.objects.filter(recorded_at__lte=known_at)
                  .exclude(voided_at__lte=known_at).order_by("effective_date", "id")):
        events.setdefault(event.organisation_id, []).append(event)
    current: dict[int, dict] = {}
    for org_id, org_events in events.items():
        for period in _timeline(org_events):
            if period.valid_from <= day and (period.valid_to is None or day < period.valid_to):
                current[org_id] = {"parent_id": period.parent_id, "name": period.name, "org_type": period.org_type}
    paths: dict[int, str] = {}

    def path_of(org_id: int, seen: frozenset = frozenset()) -> str:
        if org_id in paths:
            return paths[org_id]
        parent = current[org_id]["parent_id"]
        prefix = path_of(parent, seen | {org_id}) if parent in current and parent not in seen else ""
        paths[org_id] = f"{prefix}{org_id:07d}."
        return paths[org_id]

    for org_id in current:
        current[org_id]["path"] = path_of(org_id)
    return current


def organisation_tree(*, user, day: date, known_at: datetime | None = None,
                      root: Organisation | None = None) -> list[TreeNode]:
    """The part of the tree the user may see, as it stood on ``day``, with member counts that day."""
    if known_at is None:
        rows = {
            s.organisation_id: {"parent_id": s.parent_id, "name": s.name, "org_type": s.org_type, "path": s.path}
            for s in spells_on(day)
        }
    else:
        rows = _paths_known_at(day, known_at)
    visible_ids = set(organisations_for(user, for_write=False).values_list("pk", flat=True))
    # Scope by today's grants: what the user may see now, shown as it stood then.
    if root is not None:
        base = rows.get(root.pk)
        rows = {k: v for k, v in rows.items() if base and v["path"].startswith(base["path"])}
    rows = {k: v for k, v in rows.items() if k in visible_ids}
    codes = dict(Organisation.objects.filter(pk__in=rows).values_list("pk", "code"))
    counts: Counter[int] = Counter()
    officials: Counter[int] = Counter()
    spells = MembershipSpell.objects.filter(status__in=ACTIVE_STATUSES, valid_from__lte=day).exclude(valid_to__lte=day)
    if known_at is None:
        for org_id, status, n in spells.values_list("organisation_id", "status").annotate(n=Count("id")):
            counts[org_id] += n
            if status == "official":
                officials[org_id] += n
    else:
        counts, officials = _counts_known_at(day, known_at, set(rows))
    from dangvu.organisations.models import OrgType

    nodes = {
        org_id: TreeNode(organisation_id=org_id, code=codes.get(org_id, ""), name=row["name"], org_type=row["org_type"],
                         org_type_label=OrgType(row["org_type"]).label, path=row["path"],
                         depth=row["path"].count(".") - 1, parent_id=row["parent_id"], own_members=counts[org_id],
                         official_members=officials[org_id])
        for org_id, row in rows.items()
    }
    roots: list[TreeNode] = []
    for node in sorted(nodes.values(), key=lambda n: n.path):
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in sorted(nodes.values(), key=lambda n: -n.depth):
        node.members = node.own_members + sum(child.members for child in node.children)
    _flag_cells(nodes.values(), day)
    return roots


def _counts_known_at(day: date, known_at: datetime, org_ids: set[int]):
    from dangvu.members.ledger import replay
    from dangvu.members.models import LedgerEvent, Member
    from dangvu.members.selectors import events_known_at

    counts: Counter[int] = Counter()
    officials: Counter[int] = Counter()
    member_ids = LedgerEvent.objects.filter(recorded_at__lte=known_at).values_list("member_id", flat=True).distinct()
    for member in Member.objects.filter(pk__in=member_ids):
        state = replay(events_known_at(member, known_at)).state_on(day)
        if state.is_member and state.organisation_id in org_ids:
            counts[state.organisation_id] += 1
            if state.status == "official":
                officials[state.organisation_id] += 1
    return counts, officials


def _flag_cells(nodes, day: date) -> None:
    from dangvu.organisations.models import CELL_TYPES
    from dangvu.rules.engine import param, rule_in_force

    minimum = param("ORG-03", "min_official", day)
    for node in nodes:
        if node.org_type in CELL_TYPES and node.official_members < minimum:
            node.warnings.append(f"[ORG-03] {rule_in_force('ORG-03', day).message}")


def flatten(nodes: list[TreeNode]) -> list[TreeNode]:
    result: list[TreeNode] = []
    for node in nodes:
        result.append(node)
        result.extend(flatten(node.children))
    return result


def organisation_history(organisation: Organisation) -> list[OrganisationEvent]:
    return list(organisation.events.select_related("new_parent", "related", "recorded_by").order_by("effective_date", "id"))


def organisation_terms(organisation: Organisation):
    return organisation.terms.prefetch_related("bodies__posts__member").order_by("-starts_on")


def cells_below_minimum(*, user, day: date) -> list[TreeNode]:
    return [node for node in flatten(organisation_tree(user=user, day=day)) if node.warnings]
