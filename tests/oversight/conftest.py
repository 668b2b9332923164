from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangvu.members.models import Member
from tests.oversight import factory


@dataclass
class People:
    plain: Member      # official, C1
    prob: Member       # probationary, C1
    b1_cm: Member      # official, C1, member of B1's executive committee
    du_cm: Member      # official, C2, member of DU's executive committee
    b2m: Member        # official, B2


@pytest.fixture
def people(tree, system_user) -> People:
    from datetime import date

    plain = factory.official(system_user, tree.c1, "Nguyễn Văn An")
    prob = factory.official(system_user, tree.c1, "Trần Thị Bình", on=date(2026, 2, 2), recognise=False,
                            gender="female")
    b1_cm = factory.official(system_user, tree.c1, "Lê Văn Cường")
    factory.post(system_user, tree.b1, b1_cm)
    du_cm = factory.official(system_user, tree.c2, "Phạm Văn Dũng")
    factory.post(system_user, tree.du, du_cm)
    b2m = factory.official(system_user, tree.b2, "Hoàng Thị Em", gender="female")
    return People(plain=plain, prob=prob, b1_cm=b1_cm, du_cm=du_cm, b2m=b2m)
