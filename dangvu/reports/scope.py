"""Scope by lineage (REPORTS.md counting conventions).

An event of organisation X on day d counts for the root R when X was in R's subtree on d (the path of
X's spell on d starts with the path of R's spell on d), or when X was later merged into an organisation
that was in R's subtree on the merger date: a predecessor's past counts for its successor.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date

from dangvu.organisations.models import Organisation, OrganisationSpell


class LineageScope:
    """Loads every organisation spell once (a few thousand rows) and answers ``contains`` from memory."""

    def __init__(self, root: Organisation):
        self.root = root
        self._spells: dict[int, list[tuple[date, date | None, str, str, str]]] = defaultdict(list)
        for org_id, start, stop, path, org_type, name in (OrganisationSpell.objects.order_by(
                "organisation_id", "valid_from").values_list(
                "organisation_id", "valid_from", "valid_to", "path", "org_type", "name")):
            self._spells[org_id].append((start, stop, path, org_type, name))
        self._starts = {org_id: [s[0] for s in spells] for org_id, spells in self._spells.items()}
        self.orgs = {pk: (code, name, successor, ended) for pk, code, name, successor, ended in
                     Organisation.objects.values_list("pk", "code", "name", "successor_id", "ended_on")}
        self._cache: dict[tuple[int, date], bool] = {}
        self._change_days: dict[int, list[date]] = {}
        root_paths = {s[2] for s in self._spells.get(root.pk, [])}
        # Organisations that are ever inside, directly or through a successor: the candidates to load.
        inside = {org_id for org_id, spells in self._spells.items()
                  if any(s[2].startswith(p) for s in spells for p in root_paths)}
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
        by_path = {org_id for org_id, spells in self._spells.items()
                   if any(s[2].startswith(p) for s in spells for p in root_paths)}
        self.lineage_only = inside - by_path
        self.whole = root.parent_id is None and len(inside) == len(self.orgs)

    def candidate_q(self, field: str):
        """A ``Q`` on ``field`` (an organisation id) for the candidates: their ids when they are few, else a
        subquery on the spell paths (no long id list); ``None`` when every organisation is a candidate."""
        from django.db.models import Q

        if self.whole:
            return None
        if not self.root_paths or len(self.candidates) <= 1000:
            # A few ids: one short list lets the database use its indexes on the organisation.
            return Q(**{f"{field}__in": sorted(self.candidates)})
        paths = Q()
        for path in self.root_paths:
            paths |= Q(path__startswith=path)
        q = Q(**{f"{field}__in": OrganisationSpell.objects.filter(paths).values("organisation_id")})
        if self.lineage_only:
            q |= Q(**{f"{field}__in": sorted(self.lineage_only)})
        return q

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
        path = self.path_on(org_id, day)
        if not path:
            return None
        from dangvu.organisations.models import BASE_TYPES

        for part in path.strip(".").split("."):
            pk = int(part)
            org_type = self.type_on(pk, day)
            if org_type in BASE_TYPES:
                return pk, org_type
        return None

    def name(self, org_id: int | None) -> str:
        return self.orgs.get(org_id, ("", ""))[1] if org_id else ""
