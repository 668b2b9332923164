from datetime import date

from dangvu.members.models import MemberStatus


def test_admission_makes_a_probationary_member_of_the_cell(tree, admit):
    member = admit(tree.c1, on=date(2020, 1, 10))
    assert member.status == MemberStatus.PROBATIONARY
    assert member.organisation == tree.c1
    assert member.org_path.startswith(tree.b1.path)
