from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from dangvu.members.models import LedgerEvent, Member
from tests.conftest import Cast, Tree


@dataclass
class World:
    """Objects the matrix points at: ``own`` is inside the base clerk's subtree (B1), ``sibling`` is in
    B2 (the outsider's), ``parent`` is DU, above the base clerk."""

    tree: Tree
    cast: Cast
    member_own: Member
    member_sibling: Member
    event_own: LedgerEvent
    event_sibling: LedgerEvent


@pytest.fixture
def world(tree, cast, admit) -> World:
    own = admit(tree.c1, name="Trần Thị Bình", on=date(2018, 4, 2))
    sibling = admit(tree.b2, name="Lê Văn Cường", on=date(2018, 4, 2))
    return World(tree=tree, cast=cast, member_own=own, member_sibling=sibling,
                 event_own=own.events.get(), event_sibling=sibling.events.get())
