"""``dangvu benchmark_report``: time the summary report on the synthetic register of ``dangvu.demo.bench``.

    DJANGO_SETTINGS_MODULE=dangvu.test_settings DATABASE_URL=postgres://…/h_rep_bench \\
        python manage.py benchmark_report --members 100000 --orgs 5000 --runs 3

The first run generates the register (``demo.bench``: tree and member ledgers since 2005) and an
oversight and discipline history over the same years (``reports.bench``) and keeps them; later runs
reuse them (``--keep`` insists on reusing and never generates).

Times ``engine.compute`` (every figure: membership, development, organisations, oversight and discipline,
with their drill-down populations and the checks; no comparison period, no narrative) for the whole
committee and for one base organisation, and in the same run hand-written SQL computing, independently of
the engine, the same figures: since the fifth session every figure of the catalogue (REPORTS.md), each
compared one by one with the engine's (``_compared_ids``; a mean at the report's precision, one decimal).
The statements (``SQL``), each set-based, in one pass where it can (GROUPING SETS, FILTER, LATERAL VALUES to
unpivot): the stocks, the occupation breakdown, admissions, recognitions, the flows out by kind, oversight
lượt by actor and group, discipline by form (the first seven, 54 figures, of the first three sessions); the
closing stock by every breakdown and flag, age and era joined; the admissions by every breakdown and flag, age
and the base organisations admitting; the other crossings of the scope (transfers in, restorations, by
organisation, by province); the organisations; every other oversight figure (by kind of activity, distinct,
outcome stages, committee members); the other discipline figures, suspensions and programmes.

No figure is left out. Like the first statements, they read R's subtree day by day from the organisation
spells' paths (``IN_SCOPE``) with R's path as it is today, and they do not follow lineage (the past of an
organisation merged into one inside R counting for R): they rely on R itself not moving and on no merger, as
in the generated tree (``demo.bench`` founds every organisation once and never moves, merges or dissolves
one). Organisations founded, dissolved or moved below R are read from their spells (the test moves cells);
``members.org_moved_in``/``org_moved_out`` count the members whose active spell runs through a day on which
their organisation's spell enters or leaves R's subtree, or who cross it by an ``org_transfer`` event.

The first seven statements are also timed on their own, as in the first sessions: with the server's default
settings. All the statements together run, in one transaction, with the settings the engine gives its own
large statements (``SETTINGS``, as ``reports.stock.StockQuery._fetch``: no JIT, which compiles for longer than
they run, sorts and hashes in memory), so that both sides run alike. The command fails when
the engine and the hand-written SQL disagree on any figure. Each time is printed with the CPU time of the
Python process and of the PostgreSQL backend and the machine's load average, since a shared machine
inflates wall-clock times. The engine is timed twice per run: as it runs (on PostgreSQL outside a
transaction its stock statements and the moving members' queries run in threads on connections of their
own, ``reports.stock.run_aside``; the CPU of those backends is not measured) and all in line on this
connection (``stock.CONCURRENT = False``), whose PostgreSQL CPU is all measured; both must give the same
figures. The hand-written SQL runs in line.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dangvu.codes.data import AGE_BANDS
from dangvu.demo import bench
from dangvu.organisations.models import Organisation
from dangvu.reports import bench as report_bench
from dangvu.reports import stock as report_stock
from dangvu.reports.figures import OCCUPATION_GROUPS

ACTIVE = "('official', 'probationary')"
# The era of the day a member joined (REPORTS.md ``members.closing.joined.<era>``).
JOINED_ERA = ("(CASE WHEN c.joined_on IS NULL THEN 'unknown' WHEN c.joined_on < '1945-08-19' THEN 'before_1945' "
              "WHEN c.joined_on <= '1954-07-20' THEN '1945_1954' WHEN c.joined_on <= '1975-04-30' THEN '1954_1975' "
              "ELSE 'from_1975' END)")
# An organisation's spell on a day, inside R (the generated tree does not change: R's path is its path).
IN_SCOPE = """JOIN organisations_organisationspell {a} ON {a}.organisation_id = {org} AND {a}.valid_from <= {day}
             AND ({a}.valid_to IS NULL OR {a}.valid_to > {day}) AND {a}.path LIKE %(root)s"""

# The acting body relative to R (REPORTS.md "Actors, relative to R"): R's own bodies by the activity's
# organisation, else by the type of that organisation's spell on the decision day (alias ``os``).
ACTOR_KEY = """CASE
  WHEN a.organisation_id = %(root_id)s THEN
    CASE WHEN a.actor IN ('standing_committee', 'executive_committee', 'inspection_committee') THEN a.actor END
  WHEN os.org_type IN ('base_party_committee', 'base_cell') THEN
    CASE WHEN a.actor = 'inspection_committee' THEN 'base_inspection_committees'
         WHEN a.actor IN ('executive_committee', 'standing_committee', 'cell') THEN 'base_committees' END
  WHEN os.org_type IN ('subordinate_cell', 'sub_committee') AND a.actor IN ('executive_committee', 'cell')
    THEN 'cells' END"""

SQL = {
    "stock": """
        SELECT 'members.closing', count(*) FROM members_membershipspell ms {scope_to}
        WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)
        UNION ALL
        SELECT 'members.opening', count(*) FROM members_membershipspell ms {scope_opening}
        WHERE ms.status IN {active} AND ms.valid_from <= %(opening)s
          AND (ms.valid_to IS NULL OR ms.valid_to > %(opening)s)""",
    "occupation": """
        SELECT 'members.closing.occupation.' || COALESCE(NULLIF(v.value, ''), 'unknown'), count(*)
        FROM members_membershipspell ms {scope_to}
        LEFT JOIN LATERAL (SELECT value FROM members_membervalue mv WHERE mv.member_id = ms.member_id
             AND mv.attribute = 'occupation' AND mv.valid_from <= %(to)s AND mv.voided_at IS NULL
             ORDER BY mv.valid_from DESC, mv.id DESC LIMIT 1) v ON true
        WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)
        GROUP BY 1""",
    "admissions": """
        SELECT 'admissions.total', count(*) FROM members_ledgerevent e {scope_event}
        WHERE e.voided_at IS NULL AND e.kind IN ('admission', 'readmission')
          AND e.effective_date BETWEEN %(from)s AND %(to)s""",
    "recognitions": """
        SELECT 'members.recognized_official', count(*) FROM members_ledgerevent e
        JOIN members_membershipspell ms ON ms.member_id = e.member_id AND ms.status IN {active}
             AND ms.valid_from <= e.effective_date AND (ms.valid_to IS NULL OR ms.valid_to > e.effective_date)
        {scope_recognition}
        WHERE e.voided_at IS NULL AND e.kind = 'recognition' AND e.effective_date BETWEEN %(from)s AND %(to)s""",
    # Leaving R: an active spell inside R whose last day is in the period, ended by a ledger event of a
    # kind that ends membership or moves it out, and not followed by an active spell inside R.
    "losses": """
        SELECT CASE e.kind WHEN 'death' THEN 'members.died' WHEN 'transfer_out' THEN 'members.transferred_out'
                           WHEN 'transfer' THEN 'members.transferred_out'
                           WHEN 'removal' THEN 'members.removed' WHEN 'resignation' THEN 'members.resigned'
                           WHEN 'expulsion' THEN 'members.expelled'
                           WHEN 'probation_removal' THEN 'members.probation_removed' END, count(*)
        FROM members_membershipspell ms {scope_last_day}
        JOIN members_ledgerevent e ON e.member_id = ms.member_id AND e.effective_date = ms.valid_to
             AND e.voided_at IS NULL
             AND e.kind IN ('death', 'transfer_out', 'transfer', 'removal', 'resignation', 'expulsion',
                            'probation_removal')
        WHERE ms.status IN {active} AND ms.valid_to > %(opening)s AND ms.valid_to <= %(to)s
          AND NOT EXISTS (SELECT 1 FROM members_membershipspell nx {scope_next}
                          WHERE nx.member_id = ms.member_id AND nx.valid_from = ms.valid_to AND nx.status IN {active})
        GROUP BY 1""",
    # Lượt: one per subject per activity, by the activity's decision date, the actor relative to R.
    "oversight": """
        SELECT 'oversight.' || k.actor_key || '.' || k.grp || '.' || k.subject, count(*) FROM (
          SELECT {actor_key} AS actor_key,
                 CASE WHEN a.activity_type IN ('supervision_regular', 'supervision_thematic') THEN 'supervision'
                      WHEN a.activity_type IN ('compliance', 'violation_signs', 'oversight_work',
                                               'discipline_enforcement', 'finance', 'asset_declaration')
                      THEN 'inspection' END AS grp,
                 CASE WHEN s.member_id IS NULL THEN 'orgs' ELSE 'members' END AS subject
          FROM oversight_activitysubject s JOIN oversight_activity a ON a.id = s.activity_id {scope_activity}
          WHERE a.decision_date BETWEEN %(from)s AND %(to)s AND a.recorded_at <= %(now)s
            AND s.recorded_at <= %(now)s) k
        WHERE k.actor_key IS NOT NULL AND k.grp IS NOT NULL GROUP BY 1""",
    # Decisions by decision date, not annulled; the subject's organisation inside R that day or the day before.
    "discipline": """
        SELECT 'discipline.members.' || COALESCE(
                 (SELECT ap.previous_form FROM oversight_appeal ap WHERE ap.case_id = c.id AND ap.outcome = 'change'
                  AND ap.outcome_recorded_at > %(now)s ORDER BY ap.outcome_recorded_at, ap.id LIMIT 1),
                 c.decided_form), count(*) FROM oversight_disciplinecase c
        WHERE c.member_id IS NOT NULL AND c.decided_recorded_at <= %(now)s
          AND (c.annulled_recorded_at IS NULL OR c.annulled_recorded_at > %(now)s)
          AND c.decision_date BETWEEN %(from)s AND %(to)s
          AND EXISTS (SELECT 1 FROM organisations_organisationspell os
                      WHERE os.organisation_id = c.subject_organisation_id AND os.path LIKE %(root)s
                        AND os.valid_from <= c.decision_date
                        AND (os.valid_to IS NULL OR os.valid_to > c.decision_date - 1))
        GROUP BY 1""",
    # Added in the fourth session, extended in the fifth to every closing-stock figure: the closing stock by
    # status, exemption, sex, ethnicity, religion, the dated values on the last day (the latest of each member's
    # values by DISTINCT ON, one pass for all of them), age on the last day and the era of the first admission
    # decision; the partitions in one GROUP BY GROUPING SETS pass, the flags and the mean in one pass of FILTERs.
    "closing_profile": """
        WITH s AS (
          SELECT ms.member_id, ms.status, ms.is_exempted FROM members_membershipspell ms {scope_to}
          WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)),
        v AS (
          SELECT DISTINCT ON (mv.member_id, mv.attribute) mv.member_id, mv.attribute, mv.value
          FROM members_membervalue mv JOIN s ON s.member_id = mv.member_id
          WHERE mv.attribute IN ('general_education', 'professional', 'academic_title', 'political_theory',
                                 'is_business_owner', 'is_youth_union_member', 'has_foreign_spouse')
            AND mv.valid_from <= %(to)s AND mv.voided_at IS NULL
          ORDER BY mv.member_id, mv.attribute, mv.valid_from DESC, mv.id DESC),
        p AS (
          SELECT member_id, max(value) FILTER (WHERE attribute = 'general_education') AS general_education,
                 max(value) FILTER (WHERE attribute = 'professional') AS professional,
                 max(value) FILTER (WHERE attribute = 'academic_title') AS academic_title,
                 max(value) FILTER (WHERE attribute = 'political_theory') AS political_theory,
                 bool_or(attribute = 'is_business_owner' AND value = '1') AS business_owner,
                 bool_or(attribute = 'is_youth_union_member' AND value = '1') AS youth_union,
                 bool_or(attribute = 'has_foreign_spouse' AND value = '1') AS foreign_spouse
          FROM v GROUP BY member_id),
        c AS (
          SELECT s.status, s.is_exempted, m.gender, COALESCE(NULLIF(m.ethnicity, ''), 'unknown') AS ethnicity,
                 COALESCE(NULLIF(m.religion, ''), 'unknown') AS religion,
                 COALESCE(NULLIF(p.general_education, ''), 'unknown') AS general_education,
                 COALESCE(NULLIF(p.professional, ''), 'unknown') AS professional,
                 COALESCE(NULLIF(p.academic_title, ''), 'unknown') AS academic_title,
                 COALESCE(NULLIF(p.political_theory, ''), 'unknown') AS political_theory,
                 COALESCE(p.business_owner, false) AS business_owner, COALESCE(p.youth_union, false) AS youth_union,
                 COALESCE(p.foreign_spouse, false) AS foreign_spouse,
                 CAST(date_part('year', age(%(to)s, m.date_of_birth)) AS integer) AS age,
                 COALESCE(j.joined_on, m.admitted_on) AS joined_on
          FROM s JOIN members_member m ON m.id = s.member_id LEFT JOIN p ON p.member_id = s.member_id
          -- The first admission decision (re-admissions aside: one index probe per member); a member received
          -- from outside has none in the ledger and keeps the admission date the register holds.
          LEFT JOIN LATERAL (SELECT min(e.effective_date) AS joined_on FROM members_ledgerevent e
                             WHERE e.member_id = s.member_id AND e.kind = 'admission' AND e.voided_at IS NULL) j ON true)
        SELECT 'members.closing.' || CASE
                 WHEN GROUPING(status) = 0 THEN status
                 WHEN GROUPING(ethnicity) = 0 THEN 'ethnicity.' || ethnicity
                 WHEN GROUPING(religion) = 0 THEN 'religion.' || religion
                 WHEN GROUPING(general_education) = 0 THEN 'general_education.' || general_education
                 WHEN GROUPING(professional) = 0 THEN 'professional.' || professional
                 WHEN GROUPING(academic_title) = 0 THEN 'academic_title.' || academic_title
                 WHEN GROUPING(political_theory) = 0 THEN 'political_theory.' || political_theory
                 WHEN GROUPING({age_band_c}) = 0 THEN 'age.' || {age_band_c}
                 ELSE 'joined.' || {joined_era} END, count(*)
        FROM c GROUP BY GROUPING SETS (status, ethnicity, religion, general_education, professional, academic_title,
                                       political_theory, {age_band_c}, {joined_era})
        UNION ALL
        SELECT x.id, x.n FROM (
          SELECT count(*) FILTER (WHERE is_exempted) AS exempted, count(*) FILTER (WHERE gender = 'female') AS female,
                 count(*) FILTER (WHERE ethnicity NOT IN ('kinh', 'unknown')) AS ethnic_minority,
                 count(*) FILTER (WHERE religion NOT IN ('none', 'unknown')) AS religious,
                 count(*) FILTER (WHERE youth_union) AS youth_union,
                 count(*) FILTER (WHERE business_owner) AS business_owner,
                 count(*) FILTER (WHERE foreign_spouse) AS foreign_spouse, CAST(avg(age) AS float8) AS age_mean
          FROM c) t
        CROSS JOIN LATERAL (VALUES ('members.closing.exempted', t.exempted), ('members.closing.female', t.female),
          ('members.closing.ethnic_minority', t.ethnic_minority), ('members.closing.religious', t.religious),
          ('members.closing.youth_union', t.youth_union), ('members.closing.business_owner', t.business_owner),
          ('members.closing.foreign_spouse', t.foreign_spouse), ('members.closing.age.mean', t.age_mean)) x(id, n)""",
    # The admissions (by decision date, in scope that day) with the member's profile and dated values on the
    # admission day (one index range of the values per admission), age on that day, and the base organisation
    # above the admitting one that day (the first base-type organisation along its path).
    "admissions_profile": """
        WITH a AS (
          SELECT e.id, e.kind, e.effective_date, os.path, m.gender, COALESCE(NULLIF(m.ethnicity, ''), 'unknown') AS ethnicity,
                 COALESCE(NULLIF(m.religion, ''), 'unknown') AS religion,
                 COALESCE(NULLIF(v.occupation, ''), 'unknown') AS occupation,
                 COALESCE(NULLIF(v.general_education, ''), 'unknown') AS general_education,
                 COALESCE(NULLIF(v.professional, ''), 'unknown') AS professional,
                 COALESCE(v.business_owner, false) AS business_owner, COALESCE(v.youth_union, false) AS youth_union,
                 COALESCE(v.foreign_spouse, false) AS foreign_spouse,
                 CAST(date_part('year', age(e.effective_date, m.date_of_birth)) AS integer) AS age
          FROM members_ledgerevent e {scope_event} JOIN members_member m ON m.id = e.member_id
          LEFT JOIN LATERAL (
            SELECT max(d.value) FILTER (WHERE d.attribute = 'occupation') AS occupation,
                   max(d.value) FILTER (WHERE d.attribute = 'general_education') AS general_education,
                   max(d.value) FILTER (WHERE d.attribute = 'professional') AS professional,
                   bool_or(d.attribute = 'is_business_owner' AND d.value = '1') AS business_owner,
                   bool_or(d.attribute = 'is_youth_union_member' AND d.value = '1') AS youth_union,
                   bool_or(d.attribute = 'has_foreign_spouse' AND d.value = '1') AS foreign_spouse
            FROM (SELECT DISTINCT ON (mv.attribute) mv.attribute, mv.value FROM members_membervalue mv
                  WHERE mv.member_id = e.member_id AND mv.valid_from <= e.effective_date AND mv.voided_at IS NULL
                    AND mv.attribute IN ('occupation', 'general_education', 'professional', 'is_business_owner',
                                         'is_youth_union_member', 'has_foreign_spouse')
                  ORDER BY mv.attribute, mv.valid_from DESC, mv.id DESC) d) v ON true
          WHERE e.voided_at IS NULL AND e.kind IN ('admission', 'readmission')
            AND e.effective_date BETWEEN %(from)s AND %(to)s),
        b AS (
          SELECT DISTINCT ON (a.id) bs.organisation_id, bs.org_type
          FROM a CROSS JOIN LATERAL unnest(string_to_array(rtrim(a.path, '.'), '.')) WITH ORDINALITY AS up(id, depth)
          JOIN organisations_organisationspell bs ON bs.organisation_id = CAST(up.id AS bigint)
               AND bs.org_type IN ('base_party_committee', 'base_cell') AND bs.valid_from <= a.effective_date
               AND (bs.valid_to IS NULL OR bs.valid_to > a.effective_date)
          ORDER BY a.id, up.depth)
        SELECT 'admissions.' || CASE
                 WHEN GROUPING(ethnicity) = 0 THEN 'ethnicity.' || ethnicity
                 WHEN GROUPING(religion) = 0 THEN 'religion.' || religion
                 WHEN GROUPING(occupation) = 0 THEN 'occupation.' || occupation
                 WHEN GROUPING(general_education) = 0 THEN 'general_education.' || general_education
                 WHEN GROUPING(professional) = 0 THEN 'professional.' || professional
                 WHEN GROUPING({age_band_a}) = 0 THEN 'age.' || {age_band_a}
                 ELSE 'occupation.' || {occupation_group} END, count(*)
        FROM a GROUP BY GROUPING SETS (ethnicity, religion, occupation, general_education, professional, {age_band_a},
                                       {occupation_group})
        HAVING GROUPING({occupation_group}) = 1 OR {occupation_group} IS NOT NULL
        UNION ALL
        SELECT x.id, x.n FROM (
          SELECT count(*) FILTER (WHERE kind = 'readmission') AS readmitted,
                 count(*) FILTER (WHERE gender = 'female') AS female,
                 count(*) FILTER (WHERE ethnicity NOT IN ('kinh', 'unknown')) AS ethnic_minority,
                 count(*) FILTER (WHERE religion NOT IN ('none', 'unknown')) AS religious,
                 count(*) FILTER (WHERE youth_union) AS youth_union,
                 count(*) FILTER (WHERE business_owner) AS business_owner,
                 count(*) FILTER (WHERE foreign_spouse) AS foreign_spouse,
                 count(*) FILTER (WHERE age BETWEEN 18 AND 30) AS age_18_30, CAST(avg(age) AS float8) AS age_mean
          FROM a) t
        CROSS JOIN LATERAL (VALUES ('admissions.readmitted', t.readmitted), ('admissions.female', t.female),
          ('admissions.ethnic_minority', t.ethnic_minority), ('admissions.religious', t.religious),
          ('admissions.youth_union', t.youth_union), ('admissions.business_owner', t.business_owner),
          ('admissions.foreign_spouse', t.foreign_spouse), ('admissions.age_18_30', t.age_18_30),
          ('admissions.age.mean', t.age_mean)) x(id, n)
        UNION ALL
        SELECT CASE WHEN GROUPING(org_type) = 1 THEN 'admissions.base_orgs_admitting'
                    WHEN org_type = 'base_party_committee' THEN 'orgs.base_party_committees.admitting'
                    ELSE 'orgs.base_cells.admitting' END, count(DISTINCT organisation_id)
        FROM b GROUP BY GROUPING SETS ((), (org_type))""",
    # The crossings of R's scope not counted by "losses": members entering R (an active spell inside R starting
    # in the period that does not continue an active spell inside R ending that day), by the first ledger event
    # of that day that explains a gain (admissions are not flows), and the transfers out split by province; plus
    # the members carried across the scope with their organisation: an active spell running through a day on
    # which its organisation's spell inside R starts (in) or ends (out) while the other side of that day is
    # not inside R. (R's own path is taken as constant: the generated tree does not change.)
    "flows": """
        WITH g AS (
          SELECT ms.member_id, ms.valid_from AS day FROM members_membershipspell ms {scope_first_day}
          WHERE ms.status IN {active} AND ms.valid_from BETWEEN %(from)s AND %(to)s
            AND NOT EXISTS (SELECT 1 FROM members_membershipspell pv {scope_previous}
                            WHERE pv.member_id = ms.member_id AND pv.valid_to = ms.valid_from AND pv.status IN {active})),
        gains AS (
          SELECT CASE ev.kind WHEN 'transfer_in' THEN 'members.transferred_in' WHEN 'transfer' THEN 'members.transferred_in'
                              WHEN 'restoration' THEN 'members.restored' WHEN 'org_transfer' THEN 'members.org_moved_in'
                 END AS flow, ev.other_province
          FROM g CROSS JOIN LATERAL (
            SELECT e.kind, e.other_province FROM members_ledgerevent e
            WHERE e.member_id = g.member_id AND e.effective_date = g.day AND e.voided_at IS NULL
              AND e.kind IN ('admission', 'readmission', 'transfer_in', 'transfer', 'restoration', 'org_transfer')
            ORDER BY e.id LIMIT 1) ev),
        l AS (
          SELECT ms.member_id, ms.valid_to AS day FROM members_membershipspell ms {scope_last_day}
          WHERE ms.status IN {active} AND ms.valid_to > %(opening)s AND ms.valid_to <= %(to)s
            AND NOT EXISTS (SELECT 1 FROM members_membershipspell nx {scope_next}
                            WHERE nx.member_id = ms.member_id AND nx.valid_from = ms.valid_to AND nx.status IN {active})),
        losses AS (
          SELECT CASE ev.kind WHEN 'transfer_out' THEN 'members.transferred_out' WHEN 'transfer' THEN 'members.transferred_out'
                              WHEN 'org_transfer' THEN 'members.org_moved_out' END AS flow, ev.other_province
          FROM l CROSS JOIN LATERAL (
            SELECT e.kind, e.other_province FROM members_ledgerevent e
            WHERE e.member_id = l.member_id AND e.effective_date = l.day AND e.voided_at IS NULL
              AND e.kind IN ('transfer_out', 'transfer', 'removal', 'probation_removal', 'resignation', 'expulsion',
                             'death', 'org_transfer')
            ORDER BY e.id LIMIT 1) ev),
        carried AS (
          SELECT CASE WHEN os.path LIKE %(root)s THEN 'members.org_moved_in' ELSE 'members.org_moved_out' END AS flow
          FROM organisations_organisationspell os
          JOIN organisations_organisationspell po ON po.organisation_id = os.organisation_id AND po.valid_to = os.valid_from
          JOIN members_membershipspell ms ON ms.organisation_id = os.organisation_id AND ms.status IN {active}
               AND ms.valid_from < os.valid_from AND (ms.valid_to IS NULL OR ms.valid_to > os.valid_from)
          WHERE os.valid_from BETWEEN %(from)s AND %(to)s AND (os.path LIKE %(root)s) <> (po.path LIKE %(root)s))
        SELECT flow, count(*) FROM (SELECT flow FROM gains UNION ALL SELECT flow FROM carried
                                    UNION ALL SELECT flow FROM losses WHERE flow = 'members.org_moved_out') t
        WHERE flow IS NOT NULL GROUP BY 1
        UNION ALL
        SELECT flow || CASE WHEN other_province THEN '.other_province' ELSE '.same_province' END, count(*)
        FROM (SELECT * FROM gains UNION ALL SELECT * FROM losses) t
        WHERE flow IN ('members.transferred_in', 'members.transferred_out') GROUP BY 1""",
    # The organisations inside R on the last day by type (R itself included), and the foundings (inside R that
    # day), dissolutions and mergers (inside R the day before) known at the instant.
    "organisations": """
        SELECT x.id, x.n FROM (
          SELECT count(*) FILTER (WHERE os.org_type IN ('base_party_committee', 'base_cell')) AS base,
                 count(*) FILTER (WHERE os.org_type = 'base_party_committee') AS base_party_committees,
                 count(*) FILTER (WHERE os.org_type = 'base_cell') AS base_cells,
                 count(*) FILTER (WHERE os.org_type = 'subordinate_cell') AS subordinate_cells
          FROM organisations_organisationspell os
          WHERE os.path LIKE %(root)s AND os.valid_from <= %(to)s AND (os.valid_to IS NULL OR os.valid_to > %(to)s)) t
        CROSS JOIN LATERAL (VALUES ('orgs.closing.base', t.base),
          ('orgs.closing.base_party_committees', t.base_party_committees), ('orgs.closing.base_cells', t.base_cells),
          ('orgs.closing.subordinate_cells', t.subordinate_cells)) x(id, n)
        UNION ALL
        SELECT CASE ev.kind WHEN 'founding' THEN 'orgs.founded' WHEN 'dissolution' THEN 'orgs.dissolved'
                            ELSE 'orgs.merged' END, count(*)
        FROM organisations_organisationevent ev {scope_org_event}
        WHERE ev.kind IN ('founding', 'dissolution', 'merger') AND ev.effective_date BETWEEN %(from)s AND %(to)s
          AND ev.recorded_at <= %(now)s AND (ev.voided_at IS NULL OR ev.voided_at > %(now)s)
        GROUP BY 1""",
    # Every oversight figure the first "oversight" statement leaves out: by kind of activity as well as by group,
    # distinct subjects, the outcome stages (the conclusion known at the instant; disciplined: a decision known
    # and not annulled on that very subject) and the subjects who held a post in an executive or standing
    # committee on the decision day. One pass over the period's subjects, each counted under its group and its
    # kind (LATERAL VALUES), then one GROUP BY with FILTERs, unpivoted.
    "oversight_detail": """
        WITH k AS (
          SELECT {actor_key} AS actor_key,
                 a.activity_type, CASE WHEN s.member_id IS NULL THEN 'orgs' ELSE 'members' END AS subject,
                 COALESCE(s.member_id, s.organisation_id) AS subject_id,
                 CASE WHEN s.concluded_recorded_at <= %(now)s THEN s.conclusion ELSE '' END AS conclusion,
                 s.id AS subject_row, s.member_id, a.decision_date
          FROM oversight_activitysubject s JOIN oversight_activity a ON a.id = s.activity_id {scope_activity}
          WHERE a.decision_date BETWEEN %(from)s AND %(to)s AND a.recorded_at <= %(now)s
            AND s.recorded_at <= %(now)s),
        g AS (
          SELECT k.actor_key, grp.name AS grp, k.subject, k.subject_id,
                 k.conclusion IN ('violation', 'discipline_required') AS violated,
                 k.conclusion = 'discipline_required' AS required,
                 k.conclusion = 'discipline_required' AND EXISTS (
                   SELECT 1 FROM oversight_disciplinecase dc WHERE dc.activity_subject_id = k.subject_row
                     AND dc.decided_recorded_at <= %(now)s
                     AND (dc.annulled_recorded_at IS NULL OR dc.annulled_recorded_at > %(now)s)) AS disciplined,
                 k.member_id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM organisations_post p JOIN organisations_body bo ON bo.id = p.body_id
                   WHERE p.member_id = k.member_id AND bo.kind IN ('executive_committee', 'standing_committee')
                     AND p.starts_on <= k.decision_date AND (p.ends_on IS NULL OR p.ends_on >= k.decision_date))
                   AS committee
          FROM k CROSS JOIN LATERAL (VALUES
            (CASE WHEN k.activity_type IN ('supervision_regular', 'supervision_thematic') THEN 'supervision'
                  WHEN k.activity_type IN ('compliance', 'violation_signs', 'oversight_work', 'discipline_enforcement', 'finance',
                                            'asset_declaration') THEN 'inspection' END),
            (CASE WHEN k.activity_type IN ('supervision_regular', 'supervision_thematic') THEN k.activity_type
                  WHEN k.activity_type IN ('compliance', 'violation_signs', 'oversight_work', 'discipline_enforcement', 'finance',
                                            'asset_declaration') THEN 'inspection_' || k.activity_type END)) grp(name)
          WHERE k.actor_key IS NOT NULL AND grp.name IS NOT NULL),
        t AS (
          SELECT actor_key, grp, subject, count(*) AS n, count(DISTINCT subject_id) AS d,
                 count(*) FILTER (WHERE violated) AS violated, count(*) FILTER (WHERE required) AS required,
                 count(*) FILTER (WHERE disciplined) AS disciplined, count(*) FILTER (WHERE committee) AS committee
          FROM g GROUP BY 1, 2, 3)
        SELECT 'oversight.' || t.actor_key || '.' || t.grp || '.' || t.subject || x.suffix, x.n
        FROM t CROSS JOIN LATERAL (VALUES ('', t.n), ('.distinct', t.d), ('.violated', t.violated),
          ('.discipline_required', t.required), ('.disciplined', t.disciplined),
          ('.committee_members', t.committee)) x(suffix, n)
        WHERE NOT (x.suffix = '' AND t.grp IN ('inspection', 'supervision'))
          AND (x.suffix NOT IN ('.violated', '.discipline_required', '.disciplined')
               OR t.grp IN ('inspection', 'inspection_violation_signs'))
          AND (x.suffix <> '.committee_members' OR t.subject = 'members')""",
    # The discipline figures the first "discipline" statement leaves out (decisions by decision date, known and
    # not annulled at the instant, the subject's organisation — the member's, or the organisation disciplined —
    # inside R that day or the day before; the form in force at the instant), the party-activity suspensions
    # starting in the period, and the base organisations inside R on the last day with a programme for its year.
    "discipline_detail": """
        WITH c AS (
          SELECT dc.member_id, dc.violation_content, dc.was_committee_member, dc.deciding_actor, dc.decision_date,
                 dc.deciding_organisation_id,
                 COALESCE((SELECT ap.previous_form FROM oversight_appeal ap WHERE ap.case_id = dc.id
                           AND ap.outcome = 'change' AND ap.outcome_recorded_at > %(now)s
                           ORDER BY ap.outcome_recorded_at, ap.id LIMIT 1), dc.decided_form) AS form
          FROM oversight_disciplinecase dc
          WHERE dc.decided_recorded_at <= %(now)s
            AND (dc.annulled_recorded_at IS NULL OR dc.annulled_recorded_at > %(now)s)
            AND dc.decision_date BETWEEN %(from)s AND %(to)s
            AND EXISTS (SELECT 1 FROM organisations_organisationspell os
                        WHERE os.organisation_id = CASE WHEN dc.member_id IS NOT NULL THEN dc.subject_organisation_id
                                                        ELSE dc.organisation_id END
                          AND os.path LIKE %(root)s AND os.valid_from <= dc.decision_date
                          AND (os.valid_to IS NULL OR os.valid_to > dc.decision_date - 1))),
        m AS (
          SELECT c.*, CASE WHEN c.deciding_actor = 'cell' THEN 'cell'
                           WHEN c.deciding_actor = 'inspection_committee' THEN 'inspection_committee'
                           WHEN COALESCE(ds.org_type, o.org_type) IN ('base_party_committee', 'base_cell',
                                                                      'subordinate_cell', 'sub_committee')
                           THEN 'base_committee' ELSE 'superior_committee' END AS body
          FROM c LEFT JOIN organisations_organisationspell ds ON ds.organisation_id = c.deciding_organisation_id
               AND ds.valid_from <= c.decision_date AND (ds.valid_to IS NULL OR ds.valid_to > c.decision_date)
          LEFT JOIN organisations_organisation o ON o.id = c.deciding_organisation_id
          WHERE c.member_id IS NOT NULL)
        SELECT 'discipline.members.' || CASE WHEN GROUPING(body) = 0 THEN 'by_body.' || body
                                              ELSE 'content.' || violation_content END, count(*)
        FROM m GROUP BY GROUPING SETS (body, violation_content)
        UNION ALL
        SELECT x.id, x.n FROM (SELECT count(*) AS total, count(DISTINCT member_id) AS persons,
                                      count(*) FILTER (WHERE was_committee_member) AS committee FROM m) t
        CROSS JOIN LATERAL (VALUES ('discipline.members.total', t.total), ('discipline.members.persons', t.persons),
                                   ('discipline.members.committee_members', t.committee)) x(id, n)
        UNION ALL
        SELECT 'discipline.orgs.' || CASE WHEN GROUPING(form) = 1 THEN 'total' ELSE form END, count(*)
        FROM c WHERE member_id IS NULL GROUP BY GROUPING SETS ((), (form))
        UNION ALL
        SELECT 'discipline.members.suspended', count(*) FROM oversight_suspension su {scope_suspension}
        WHERE su.kind = 'party' AND su.starts_on BETWEEN %(from)s AND %(to)s AND su.recorded_at <= %(now)s
        UNION ALL
        SELECT 'programmes.base_orgs_with_programme', count(DISTINCT pg.organisation_id)
        FROM oversight_programme pg {scope_programme}
        WHERE pg.year = %(year)s AND pg.recorded_at <= %(now)s AND os.org_type IN ('base_party_committee', 'base_cell')""",
}
# The statements of the first three sessions (54 figures), timed on their own as well.
FIRST_SQL = ("stock", "occupation", "admissions", "recognitions", "losses", "oversight", "discipline")
assert tuple(SQL)[:len(FIRST_SQL)] == FIRST_SQL


def _sql(name: str) -> str:
    return SQL[name].format(
        active=ACTIVE, actor_key=ACTOR_KEY,
        scope_to=IN_SCOPE.format(a="os", org="ms.organisation_id", day="%(to)s"),
        scope_opening=IN_SCOPE.format(a="os", org="ms.organisation_id", day="%(opening)s"),
        scope_event=IN_SCOPE.format(a="os", org="e.organisation_id", day="e.effective_date"),
        scope_recognition=IN_SCOPE.format(a="os", org="ms.organisation_id", day="e.effective_date"),
        scope_last_day=IN_SCOPE.format(a="os", org="ms.organisation_id", day="(ms.valid_to - 1)"),
        scope_next=IN_SCOPE.format(a="nos", org="nx.organisation_id", day="nx.valid_from"),
        scope_activity=IN_SCOPE.format(a="os", org="a.organisation_id", day="a.decision_date"),
        scope_first_day=IN_SCOPE.format(a="os", org="ms.organisation_id", day="ms.valid_from"),
        scope_previous=IN_SCOPE.format(a="pos", org="pv.organisation_id", day="(pv.valid_to - 1)"),
        scope_org_event=IN_SCOPE.format(a="os", org="ev.organisation_id", day=(
            "(CASE WHEN ev.kind = 'founding' THEN ev.effective_date ELSE ev.effective_date - 1 END)")),
        scope_suspension=IN_SCOPE.format(a="os", org="su.subject_organisation_id", day="su.starts_on"),
        scope_programme=IN_SCOPE.format(a="os", org="pg.organisation_id", day="%(to)s"),
        age_band_c=_age_band("c.age"), age_band_a=_age_band("a.age"), joined_era=JOINED_ERA,
        occupation_group=_occupation_group("a.occupation"),
    )


def _age_band(age: str) -> str:
    """The catalogue's age band (``codes.data.AGE_BANDS``) of a whole age in years; none: 'unknown'."""
    whens = " ".join(f"WHEN {age} BETWEEN {low} AND {high} THEN '{code}'" for code, _l, low, high in AGE_BANDS)
    return f"(CASE {whens} ELSE 'unknown' END)"


def _occupation_group(occupation: str) -> str:
    """The roll-up of an occupation code (``reports.figures.OCCUPATION_GROUPS``), NULL outside them."""
    whens = " ".join(f"WHEN {occupation} IN ({', '.join(repr(c) for c in codes)}) THEN '{group}'"
                     for group, (_label, codes) in OCCUPATION_GROUPS.items())
    return f"(CASE {whens} END)"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", ".")


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine only)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = "Đo thời gian lập báo cáo tổng hợp trên dữ liệu thử tải (mặc định 100.000 đảng viên, 5.000 tổ chức)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--orgs", type=int, default=5_000)
        parser.add_argument("--from", dest="date_from", default="2024-01-01")
        parser.add_argument("--to", dest="date_to", default="2024-12-31")
        parser.add_argument("--runs", type=int, default=3, help="số lần đo mỗi phạm vi (0 = chỉ sinh dữ liệu)")
        parser.add_argument("--keep", action="store_true",
                            help="dùng lại dữ liệu thử tải đã có (báo lỗi nếu chưa có), không sinh thêm")

    def handle(self, *args, **options):
        from django.utils import timezone

        from dangvu.reports.engine import compute

        log = self.stdout.write
        stats = bench.existing_stats()
        if stats is None:
            if options["keep"]:
                raise CommandError("Chưa có dữ liệu thử tải trong cơ sở dữ liệu này (bỏ --keep để sinh dữ liệu).")
            log(f"Sinh dữ liệu {options['members']} đảng viên, {options['orgs']} tổ chức …")
            stats = bench.BenchmarkGenerator(members=options["members"], orgs=options["orgs"], log=log).generate()
        oversight = report_bench.oversight_stats()
        if oversight is None:
            if options["keep"]:
                raise CommandError("Chưa có lịch sử kiểm tra, giám sát thử tải (bỏ --keep để sinh dữ liệu).")
            log("Sinh lịch sử kiểm tra, giám sát, kỷ luật …")
            oversight = report_bench.generate_oversight(stats.root_id, log=log)
            if connection.vendor == "postgresql" and connection.get_autocommit():
                with connection.cursor() as cursor:
                    for table in ("oversight_activity", "oversight_activitysubject", "oversight_disciplinecase"):
                        cursor.execute(f"VACUUM ANALYZE {table}")
        log(f"Dữ liệu: {stats.organisations} tổ chức, {stats.members} đảng viên, {stats.ledger_events} sự kiện, "
            f"{stats.spells} giai đoạn; {oversight.activities} cuộc kiểm tra, giám sát, {oversight.subjects} "
            f"đối tượng, {oversight.cases} vụ kỷ luật ({connection.vendor}).")
        if not options["runs"]:
            return
        if connection.vendor != "postgresql":
            raise CommandError("Lệnh đo hiệu năng báo cáo chạy trên PostgreSQL (SQL viết tay dùng cú pháp của PostgreSQL).")
        date_from, date_to = date.fromisoformat(options["date_from"]), date.fromisoformat(options["date_to"])
        failures = []
        for label, pk in (("toàn Đảng bộ", stats.root_id), ("một đảng bộ cơ sở", stats.committee_id)):
            root = Organisation.objects.get(pk=pk)
            load_before = os.getloadavg()
            engine_times, engine_cpu, inline_times, inline_cpu, sql_times, sql_cpu = [], [], [], [], [], []
            first_times, first_cpu = [], []
            for _ in range(options["runs"]):
                # As the engine runs: some reads in threads on connections of their own (reports.stock.run_aside),
                # whose backends' CPU this connection cannot see; then all in line, whose CPU is all measured.
                process, started = time.process_time(), time.perf_counter()
                report = compute(root, date_from, date_to, compare=False, narrative=False)
                engine_times.append(time.perf_counter() - started)
                engine_cpu.append((time.process_time() - process, None))
                concurrent = report_stock.CONCURRENT
                report_stock.CONCURRENT = False
                try:
                    backend, process, started = _backend_cpu(), time.process_time(), time.perf_counter()
                    inline = compute(root, date_from, date_to, compare=False, narrative=False)
                    inline_times.append(time.perf_counter() - started)
                    inline_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
                finally:
                    report_stock.CONCURRENT = concurrent
                if inline.figures != report.figures:
                    failures.append(f"{root.code}: engine with and without threads differ")
                params = {"root": root.path + "%", "root_id": root.pk, "from": date_from, "to": date_to,
                          "opening": date_from - timedelta(days=1), "now": report.as_of, "year": date_to.year}
                # The first seven statements alone, as in the first sessions (the server's default settings).
                backend, process, started = _backend_cpu(), time.process_time(), time.perf_counter()
                first_values = run_sql(FIRST_SQL, params, tuned=False)
                first_times.append(time.perf_counter() - started)
                first_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
                # Every statement, with the settings the engine gives its own statements.
                backend, process, started = _backend_cpu(), time.process_time(), time.perf_counter()
                sql_values = run_sql(tuple(SQL), params)
                sql_times.append(time.perf_counter() - started)
                sql_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
                if any(sql_values.get(fid) != value for fid, value in first_values.items()):
                    failures.append(f"{root.code}: the first statements give other figures with the engine's settings")
            load_after = os.getloadavg()
            # Every figure the hand-written SQL computes (it returns no row for an empty group).
            checked = set(sql_values) | _compared_ids()
            wrong = {fid: (report.figures.get(fid), sql_values.get(fid, 0)) for fid in sorted(checked)
                     if report.figures.get(fid, 0) != sql_values.get(fid, 0)}
            if wrong:
                failures.append(f"{root.code}: " + "; ".join(f"{k} engine {a} / SQL {b}" for k, (a, b) in wrong.items()))
            nonzero = sum(1 for fid in checked if report.figures.get(fid))
            left_out = len(set(report.figures) - checked)

            def summary(times, cpu):
                backend = (f"PostgreSQL {_ms(min(c[1] for c in cpu))}" if cpu[0][1] is not None
                           else "PostgreSQL: các kết nối phụ, không đo")
                return (f"min {_ms(min(times))}, trung vị {_ms(statistics.median(times))} "
                        f"(CPU Python {_ms(min(c[0] for c in cpu))}, {backend})")

            log(f"{label} ({root.code}): engine {summary(engine_times, engine_cpu)}; "
                f"engine in line (no threads) {summary(inline_times, inline_cpu)}; "
                f"hand-written SQL computing {len(checked)} figures {summary(sql_times, sql_cpu)} (its first 54 "
                f"figures alone, as before: {summary(first_times, first_cpu)}); "
                f"{len(checked)} figures compared one by one ({nonzero} non-zero), {len(wrong)} differ, "
                f"{left_out} of the engine's not compared; closing {report.figures['members.closing']}, "
                f"opening {report.figures['members.opening']}, admissions {report.figures['admissions.total']}, "
                f"discipline {report.figures['discipline.members.total']}; method {report.method}, "
                f"{len(report.figures)} figures; load {load_before[0]:.2f} → {load_after[0]:.2f} "
                f"({timezone.localtime():%d/%m/%Y %H:%M}).")
        if failures:
            raise CommandError("Báo cáo và SQL viết tay không khớp: " + " | ".join(failures))


# Means are decimals: the SQL gives the exact mean (as a float8, as the engine's ``total / n``), compared at the
# report's precision (``stock.Tally.mean``: one decimal).
MEANS = {"members.closing.age.mean", "admissions.age.mean"}
# The settings the engine gives its own large statements (``reports.stock.StockQuery._fetch``): no JIT (it
# compiles for longer than these statements run), sorts and hashes in memory.
SETTINGS = (("jit", "off"), ("work_mem", "32MB"), ("hash_mem_multiplier", "8"))


def _value(figure_id: str, value):
    if value is None:
        return 0
    return round(float(value), 1) if figure_id in MEANS else int(value)


def run_sql(names, params: dict, *, tuned: bool = True) -> dict[str, int | float]:
    """Figure ID → value from the statements ``names``, in line on this connection, in one transaction
    (``tuned``: with ``SETTINGS``, local to it). A figure given by two statements is an error."""
    values: dict[str, int | float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if tuned:
            settings = [(name, value) for name, value in SETTINGS
                        if name != "hash_mem_multiplier" or connection.pg_version >= 130000]
            cursor.execute("SELECT " + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in settings))
        for name in names:
            cursor.execute(_sql(name), params)
            for figure_id, value in cursor.fetchall():
                if figure_id in values:
                    raise CommandError(f"SQL viết tay: chỉ tiêu {figure_id} được tính hai lần ({name}).")
                values[figure_id] = _value(figure_id, value)
    return values


def _compared_ids() -> set[str]:
    from dangvu.codes.data import LISTS
    from dangvu.oversight.figures import ACTIVITIES, ACTORS, BODIES
    from dangvu.oversight.models import ViolationContent
    from dangvu.reports.figures import AGE_CODES, JOIN_ERAS

    ids = {"members.closing", "members.opening", "admissions.total", "members.recognized_official",
           "members.died", "members.transferred_out", "members.removed", "members.resigned", "members.expelled",
           "members.probation_removed"}
    ids |= {f"members.closing.occupation.{code}" for code, _label in LISTS["occupation"]}
    ids |= {f"oversight.{actor}.{group}.{subject}" for actor in ACTORS for group in ("inspection", "supervision")
            for subject in ("orgs", "members")}
    ids |= {f"discipline.members.{form}" for form in ("reprimand", "warning", "dismissal", "expulsion")}
    ids |= {"members.closing.official", "members.closing.probationary", "members.closing.female",
            "admissions.readmitted", "admissions.female"}
    ids |= {f"members.closing.{attribute}.{code}" for attribute in ("ethnicity", "religion", "general_education",
                                                                    "professional", "political_theory")
            for code, _label in LISTS[attribute]}
    ids |= {f"admissions.{attribute}.{code}" for attribute in ("ethnicity", "occupation")
            for code, _label in LISTS[attribute]}
    # Fifth session: every other figure of the catalogue.
    ids |= {f"members.closing.{flag}" for flag in ("exempted", "ethnic_minority", "religious", "youth_union",
                                                   "business_owner", "foreign_spouse")}
    ids |= {f"members.closing.academic_title.{code}" for code, _label in LISTS["academic_title"]}
    ids |= {f"members.closing.age.{code}" for code, _label in AGE_CODES} | {"members.closing.age.mean"}
    ids |= {f"members.closing.joined.{era}" for era, _label in JOIN_ERAS}
    ids |= {"members.transferred_in", "members.org_moved_in", "members.org_moved_out", "members.restored"}
    ids |= {f"members.{flow}.{side}" for flow in ("transferred_in", "transferred_out")
            for side in ("other_province", "same_province")}
    ids |= {f"admissions.age.{code}" for code, _label in AGE_CODES} | {"admissions.age_18_30", "admissions.age.mean"}
    ids |= {f"admissions.{attribute}.{code}" for attribute in ("general_education", "professional", "religion")
            for code, _label in LISTS[attribute]}
    ids |= {f"admissions.occupation.{group}" for group in OCCUPATION_GROUPS}
    ids |= {f"admissions.{flag}" for flag in ("business_owner", "ethnic_minority", "religious", "youth_union",
                                              "foreign_spouse", "base_orgs_admitting")}
    ids |= {"orgs.base_party_committees.admitting", "orgs.base_cells.admitting", "orgs.closing.base",
            "orgs.closing.base_party_committees", "orgs.closing.base_cells", "orgs.closing.subordinate_cells",
            "orgs.founded", "orgs.dissolved", "orgs.merged"}
    for actor in ACTORS:
        for activity in ACTIVITIES:
            for subject in ("orgs", "members"):
                base = f"oversight.{actor}.{activity}.{subject}"
                ids |= {base, f"{base}.distinct"}
                if activity in ("inspection", "inspection_violation_signs"):
                    ids |= {f"{base}.{stage}" for stage in ("violated", "discipline_required", "disciplined")}
                if subject == "members":
                    ids.add(f"{base}.committee_members")
    ids |= {"programmes.base_orgs_with_programme", "discipline.members.total", "discipline.members.persons",
            "discipline.members.committee_members", "discipline.members.suspended", "discipline.orgs.total"}
    ids |= {f"discipline.orgs.{form}" for form in ("reprimand", "warning", "dissolution")}
    ids |= {f"discipline.members.by_body.{body}" for body in BODIES}
    ids |= {f"discipline.members.content.{code}" for code in ViolationContent.values}
    return ids
