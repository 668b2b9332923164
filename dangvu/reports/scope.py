"""Scope by lineage (REPORTS.md counting conventions).

An event of organisation X on day d counts for the root R when X was in R's subtree on d (the path of
X's spell on d starts with the path of R's spell on d), or when X was later merged into an organisation
that was in R's subtree on the merger date: a predecessor's past counts for its successor.

The tree is the tree *as known at the as-of instant*: when an organisation event was recorded or voided
after it, the spells are rebuilt from the events known then with the organisations app's own derivation
(``organisations.services._timeline``, the one ``organisation_tree(known_at=…)`` uses); otherwise the
derived ``OrganisationSpell`` rows are that tree and are read directly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime

from django.db.models import Q

from dangvu.common.sql import as_day, fetch, ids_sql, instant_param, table
from dangvu.organisations.models import Organisation, OrganisationEvent, OrganisationSpell, OrgEventKind

Spell = tuple  # (valid_from, valid_to | None, path, org_type, name)


def _changed_after_sql(model) -> str:
    return f"EXISTS (SELECT 1 FROM {table(model)} WHERE recorded_at > %s OR voided_at > %s)"


def tree_is_current(as_of: datetime | None) -> bool:
    """True when no organisation event was recorded or voided after ``as_of``: the spells are as known then."""
    if as_of is None:
        return True
    stamp = instant_param(as_of)
    return not fetch(f"SELECT {_changed_after_sql(OrganisationEvent)}", [stamp, stamp])[0][0]


def currency(as_of: datetime) -> tuple[bool, bool]:
    """(``tree_is_current(as_of)``, nothing recorded or voided after ``as_of`` in the members' ledgers or their
    dated values) in one round trip: the report asks both before anything else. Only when the second holds may
    the report read the spells and count values by their void flag alone (``engine.compute``'s "spells" method):
    a value entered later must not count as of an earlier instant (REPORTS.md "As of")."""
    from dangvu.members.models import LedgerEvent, MemberValue

    stamp = instant_param(as_of)
    tree_changed, ledger_changed, values_changed = fetch(
        f"SELECT {_changed_after_sql(OrganisationEvent)}, {_changed_after_sql(LedgerEvent)}, "
        f"{_changed_after_sql(MemberValue)}", [stamp] * 6)[0]
    return not tree_changed, not (ledger_changed or values_changed)


def spells_known_at(as_of: datetime) -> tuple[dict[int, list[Spell]], dict[int, tuple[int | None, date | None]]]:
    """Every organisation's spells (with paths) and (successor, ended_on) as the events known at ``as_of``
    derive them: the same derivation as ``organisations.services._rebuild_subtree`` over those events."""
    from dangvu.organisations.services import _pad, _timeline

    events: dict[int, list[OrganisationEvent]] = defaultdict(list)
    for event in (OrganisationEvent.objects.filter(recorded_at__lte=as_of).exclude(voided_at__lte=as_of)
                  .order_by("effective_date", "id")):
        events[event.organisation_id].append(event)
    timelines = {org_id: _timeline(org_events) for org_id, org_events in events.items()}
    lineage: dict[int, tuple[int | None, date | None]] = {}
    for org_id, org_events in events.items():
        successor = None
        for event in org_events:
            if event.kind == OrgEventKind.MERGER:
                successor = event.related_id
        periods = timelines[org_id]
        lineage[org_id] = (successor, periods[-1].valid_to if periods else None)
    spells: dict[int, list[Spell]] = {}

    def build(org_id: int, stack: frozenset) -> list[Spell]:
        if org_id in spells:
            return spells[org_id]
        result: list[Spell] = []
        for period in timelines.get(org_id, []):
            if period.parent_id is None:
                result.append((period.valid_from, period.valid_to, _pad(org_id), period.org_type, period.name))
                continue
            if period.parent_id in stack:  # pragma: no cover - ORG-11 refuses cycles
                continue
            for start_p, stop_p, path_p, _t, _n in build(period.parent_id, stack | {org_id}):
                start = max(period.valid_from, start_p)
                ends = [d for d in (period.valid_to, stop_p) if d is not None]
                stop = min(ends) if ends else None
                if stop is not None and stop <= start:
                    continue
                result.append((start, stop, path_p + _pad(org_id), period.org_type, period.name))
        result.sort(key=lambda s: s[0])
        spells[org_id] = result
        return result

    for org_id in timelines:
        build(org_id, frozenset())
    return spells, lineage


class LineageScope:
    """Loads the organisation spells R's answers need once (at most a few thousand rows) and answers
    ``contains`` from memory.

    ``as_of``: the tree as known at that instant (default: as known now). ``current`` tells whether that is
    today's ``OrganisationSpell`` (SQL may then join the spells; otherwise it must use ``ids_on``)."""

    def __init__(self, root: Organisation, as_of: datetime | None = None, *, tree_current: bool | None = None):
        self.root = root
        self.as_of = as_of
        # ``tree_current``: the caller's ``tree_is_current(as_of)``, when it has it (``currency``).
        self.current = tree_is_current(as_of) if tree_current is None else tree_current
        self._spells: dict[int, list[Spell]] = defaultdict(list)
        if self.current:
            # Only what R's answers need: R's spells, the spells inside R's paths, those of R's ancestors
            # (``base_org_on`` reads the types along a path) and of every predecessor merged into another
            # organisation (lineage), with their organisations. For a root at the top of the tree that is every
            # spell. Hand-built statements: for a small subtree, building them with the ORM took longer than
            # running them.
            spell_table, org_table = table(OrganisationSpell), table(Organisation)
            paths = sorted({path for (path,) in fetch(f"SELECT path FROM {spell_table} WHERE organisation_id = %s",
                                                      [root.pk])})
            assert all(re.fullmatch(r"[0-9.]+", path) for path in paths)  # no LIKE wildcard in a path
            ancestors = {int(part) for path in paths for part in path.strip(".").split(".") if part}
            lineage = {pk for (pk,) in fetch(f"SELECT id FROM {org_table} WHERE successor_id IS NOT NULL")}
            wanted = [ids_sql("s.organisation_id", ancestors | lineage)] if paths else [
                ids_sql("s.organisation_id", [root.pk])]
            wanted += ["s.path LIKE %s" for _path in paths]
            self.orgs = {}
            for org_id, start, stop, path, org_type, name, code, org_name, successor, ended in sorted(fetch(
                    f"SELECT s.organisation_id, s.valid_from, s.valid_to, s.path, s.org_type, s.name, o.code, o.name, "
                    f"o.successor_id, o.ended_on FROM {spell_table} s JOIN {org_table} o ON o.id = s.organisation_id "
                    f"WHERE {' OR '.join(wanted)}", [path + "%" for path in paths]), key=lambda r: (r[0], as_day(r[1]))):
                self._spells[org_id].append((as_day(start), as_day(stop), path, org_type, name))
                self.orgs[org_id] = (code, org_name, successor, as_day(ended))
        else:
            known, lineage_known = spells_known_at(as_of)
            self._spells.update(known)
            self.orgs = {pk: (code, name, *lineage_known.get(pk, (None, None))) for pk, code, name in
                         Organisation.objects.values_list("pk", "code", "name")}
        self._starts = {org_id: [s[0] for s in spells] for org_id, spells in self._spells.items()}
        self._cache: dict[tuple[int, date], bool] = {}
        self._change_days: dict[int, list[date]] = {}
        self._fixed: dict[tuple[date, date], dict[int, bool]] = {}
        self._base_orgs: dict[tuple, tuple[int, str] | None] = {}
        root_paths = {s[2] for s in self._spells.get(root.pk, [])}
        # Organisations that are ever inside by the tree, then those inside only through a successor.
        by_path = {org_id for org_id, spells in self._spells.items()
                   if any(s[2].startswith(p) for s in spells for p in root_paths)}
        inside = set(by_path)
        changed = True
        while changed:
            changed = False
            for pk, (_c, _n, successor, _e) in self.orgs.items():
                if successor in inside and pk not in inside:
                    inside.add(pk)
                    changed = True
        self.candidates: set[int] = inside
        self.root_paths = sorted(root_paths)
        # Candidates not found by path (predecessors merged into the subtree): the only ones SQL lists by id.
        self.lineage_only = inside - by_path
        self.whole = root.parent_id is None and len(inside) == Organisation.objects.count()

    def _candidates_by_id(self) -> bool:
        """How SQL lists the candidates: by id when they are few (one short list lets the database use its
        indexes on the organisation) or the tree is not today's; else by a subquery on the spell paths."""
        return not self.root_paths or len(self.candidates) <= 1000 or not self.current

    def candidate_q(self, field: str):
        """A ``Q`` on ``field`` (an organisation id) for the candidates: their ids when they are few, else a
        subquery on the spell paths (no long id list); ``None`` when every organisation is a candidate."""
        if self.whole:
            return None
        if self._candidates_by_id():
            return Q(**{f"{field}__in": sorted(self.candidates)})
        paths = Q()
        for path in self.root_paths:
            paths |= Q(path__startswith=path)
        q = Q(**{f"{field}__in": OrganisationSpell.objects.filter(paths).values("organisation_id")})
        if self.lineage_only:
            q |= Q(**{f"{field}__in": sorted(self.lineage_only)})
        return q

    def candidate_sql(self, *columns: str) -> tuple[str, list]:
        """``candidate_q`` as SQL text and parameters, for hand-built statements: any of ``columns`` (organisation
        ids) among the candidates; ``1 = 1`` when every organisation is a candidate."""
        if self.whole:
            return "1 = 1", []
        if self._candidates_by_id():
            return "(" + " OR ".join(ids_sql(column, self.candidates) for column in columns) + ")", []
        assert all(re.fullmatch(r"[0-9.]+", path) for path in self.root_paths)  # no LIKE wildcard in a path
        likes = " OR ".join("cs.path LIKE %s" for _path in self.root_paths)
        parts, params = [], []
        for column in columns:
            parts.append(f"{column} IN (SELECT cs.organisation_id FROM {table(OrganisationSpell)} cs WHERE {likes})")
            params += [path + "%" for path in self.root_paths]
            if self.lineage_only:
                parts.append(ids_sql(column, self.lineage_only))
        return "(" + " OR ".join(parts) + ")", params

    def ids_on(self, day: date) -> set[int]:
        """Every organisation inside R on ``day``, lineage included."""
        # ``contains`` for each candidate, with R's path looked up once: inside by the tree, else by lineage.
        root_path = self.path_on(self.root.pk, day)
        found = set()
        for org_id in self.candidates:
            path = self.path_on(org_id, day) if root_path else None
            if (path and path.startswith(root_path)) or self.contains(org_id, day):
                found.add(org_id)
        return found

    def lineage_root(self, org_id: int, day: date) -> bool:
        """``org_id`` is R itself, or a predecessor merged (directly or through others) into R: its past is R's."""
        seen = 0
        while org_id is not None and seen < 20:
            if org_id == self.root.pk:
                return True
            _code, _name, successor, ended = self.orgs.get(org_id, (None, None, None, None))
            if not (successor and ended and ended > day):
                return False
            org_id, day, seen = successor, ended, seen + 1
        return False

    def lineage_extras(self, day: date) -> set[int]:
        """Organisations inside R on ``day`` only through a successor (``contains`` but not by path)."""
        return {org_id for org_id in self.candidates
                if self.orgs.get(org_id, (None, None, None, None))[2] and self.contains(org_id, day)
                and not self.strictly_inside(org_id, day)}

    def changing(self, after: date, until: date) -> set[int] | None:
        """Candidates for which ``contains(org, ·)`` may change on a day in (after, until]; ``None`` when
        that may happen to every organisation (the root itself changed)."""
        root_days = self.change_days(self.root.pk)
        if any(after < d <= until for d in root_days if d is not None):
            return None
        return {org_id for org_id in self.candidates if any(after < d <= until for d in self.change_days(org_id))}

    def fixed_in(self, after: date, until: date) -> dict[int, bool]:
        """Organisation → ``contains(org, d)`` for the organisations where that is the same on every day d of
        [after, until] (no change day in (after, until]); every candidate is left out when R itself changes."""
        key = (after, until)
        cached = self._fixed.get(key)
        if cached is None:
            cached = {}
            if not any(after < d <= until for d in self.change_days(self.root.pk) if d is not None):
                for org_id in self.candidates:
                    if not any(after < d <= until for d in self.change_days(org_id)):
                        cached[org_id] = self.contains(org_id, until)
            self._fixed[key] = cached
        return cached

    def spell(self, org_id: int, day: date):
        starts = self._starts.get(org_id)
        if not starts:
            return None
        index = bisect_right(starts, day) - 1
        if index < 0:
            return None
        spell = self._spells[org_id][index]
        if spell[1] is not None and day >= spell[1]:
            return None
        return spell

    def path_on(self, org_id: int, day: date) -> str | None:
        spell = self.spell(org_id, day)
        return spell[2] if spell else None

    def type_on(self, org_id: int, day: date) -> str | None:
        spell = self.spell(org_id, day)
        return spell[3] if spell else None

    def contains(self, org_id: int | None, day: date, depth: int = 0) -> bool:
        if org_id is None or org_id not in self.candidates:
            return False
        key = (org_id, day)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        root_path = self.path_on(self.root.pk, day)
        path = self.path_on(org_id, day)
        inside = bool(root_path and path and path.startswith(root_path))
        if not inside and depth < 20:
            _code, _name, successor, ended = self.orgs.get(org_id, (None, None, None, None))
            if successor and ended and ended > day:
                inside = self.contains(successor, ended, depth + 1)
        self._cache[key] = inside
        return inside

    def strictly_inside(self, org_id: int, day: date) -> bool:
        """In the subtree that day by the tree alone (no lineage): for the organisation counts."""
        root_path = self.path_on(self.root.pk, day)
        path = self.path_on(org_id, day)
        return bool(root_path and path and path.startswith(root_path))

    def change_days(self, org_id: int | None) -> list[date]:
        """Days on which ``contains(org_id, ·)`` may change value."""
        if org_id is None:
            return []
        days = self._change_days.get(org_id)
        if days is None:
            days = self._change_days[org_id] = self._compute_change_days(org_id)
        return days

    def _compute_change_days(self, org_id: int) -> list[date]:
        days = []
        for spells in (self._spells.get(org_id, []), self._spells.get(self.root.pk, [])):
            for start, stop, *_ in spells:
                days.append(start)
                if stop is not None:
                    days.append(stop)
        ended = self.orgs.get(org_id, (None, None, None, None))[3]
        if ended:
            days.append(ended)
        return days

    def base_org_on(self, org_id: int, day: date) -> tuple[int, str] | None:
        spell = self.spell(org_id, day)
        path = spell[2] if spell else None
        if not path:
            return None
        from dangvu.organisations.models import BASE_TYPES

        # Constant over one spell of the organisation: its spells are cut wherever an ancestor's spell changes
        # (organisations.services._rebuild_subtree, spells_known_at), so one lookup per spell.
        key = (org_id, spell[0])
        if key in self._base_orgs:
            return self._base_orgs[key]
        found = None
        for pk in (int(part) for part in path.strip(".").split(".")):
            org_type = self.type_on(pk, day)
            if org_type in BASE_TYPES:
                found = pk, org_type
                break
        self._base_orgs[key] = found
        return found

    def name(self, org_id: int | None) -> str:
        if not org_id:
            return ""
        if org_id not in self.orgs:  # outside what the scope loaded (not expected for counted records)
            row = Organisation.objects.filter(pk=org_id).values_list("code", "name", "successor_id", "ended_on").first()
            self.orgs[org_id] = row or ("", "", None, None)
        return self.orgs[org_id][1]
