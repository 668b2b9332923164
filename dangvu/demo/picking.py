"""Shared helpers of the demo's later chapters (member development, oversight): choosing members of a
cell by their ledger spells, deterministic for a seed, and the dates of the demo's working days."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Q


def weekday(day: date) -> date:
    """Decisions, meetings and ceremonies fall on working days (Monday–Friday)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def before(horizon: date, days: int) -> date:
    """The working day ``days`` before the demo's reference day (never after it)."""
    day = weekday(horizon - timedelta(days=days))
    while day > horizon:
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


class MemberPicker:
    """Chooses members for the demo's stories, each at most once, from their ledger spells."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[int] = set()

    def reserve(self, *members) -> None:
        self.used.update(m.pk for m in members)

    def in_status(self, organisation, start: date, end: date, *, status: str = "official", count: int = 1,
                  exclude_posts: bool = False, take: bool = True) -> list:
        """``count`` members of ``organisation`` who hold ``status`` there throughout [start, end]
        (neither exempted nor suspended), never one already chosen for another story."""
        from dangvu.members.models import Member, MembershipSpell
        from dangvu.organisations.models import Post

        spells = (MembershipSpell.objects.filter(organisation=organisation, status=status, is_exempted=False,
                                                 is_suspended=False, temporary_organisation__isnull=True,
                                                 valid_from__lte=start)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=end)))
        ids = set(spells.values_list("member_id", flat=True)) - self.used
        if exclude_posts:
            ids -= set(Post.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
        members = list(Member.objects.filter(pk__in=ids).order_by("citizen_id"))
        if len(members) < count:
            raise RuntimeError(f"Dữ liệu mẫu: không đủ đảng viên phù hợp trong {organisation.name} "
                               f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}.")
        chosen = self.rng.sample(members, count)
        if take:
            self.reserve(*chosen)
        return chosen

    def since(self, member, organisation, day: date) -> date:
        """The first day of the member's continuous official spell in ``organisation`` that covers ``day``."""
        from dangvu.members.models import MembershipSpell

        start = day
        for spell in (MembershipSpell.objects.filter(member=member, organisation=organisation, valid_from__lte=day)
                      .order_by("-valid_from")):
            if spell.valid_to is not None and spell.valid_to < start:
                break
            start = spell.valid_from
        return start


class DatedNumbers:
    """Decision numbers for the later chapters, which are written story by story rather than in date order:
    within a body's year the numbers still grow with the date (counted from the day of the year) and
    follow every number the history of the tree and the ledger already used, so none is given twice."""

    def __init__(self, numbers):
        self.numbers = numbers  # the loader's running numbers (builder.DecisionNumbers)
        self.base: dict[tuple[str, str, int], int] = {}
        self.taken: set[tuple[str, str, int, int]] = set()

    def next(self, body: str, suffix: str, day: date) -> str:
        """The bare number ("17"); the caller writes the document's symbol after it ("17-QĐ/ĐU")."""
        key = (body, suffix, day.year)
        if key not in self.base:
            self.base[key] = self.numbers.counters[key]
        number = self.base[key] + day.timetuple().tm_yday // 2 + 1
        while (*key, number) in self.taken:
            number += 1
        self.taken.add((*key, number))
        return str(number)


def dated_numbers(loader) -> DatedNumbers:
    """One numbering for all the later chapters of a load."""
    if getattr(loader, "dated_numbers", None) is None:
        loader.dated_numbers = DatedNumbers(loader.numbers)
    return loader.dated_numbers
