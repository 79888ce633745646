import pytest
from django.urls import reverse

from sessions.grading import rubrics
from sessions.grading import services as grading
from sessions.models import LevelAnchor, Rubric
from tests.sessions.grading.grading_support import complete_data, past_booking

pytestmark = pytest.mark.django_db


def _graded_scorecard():
    round = past_booking().rounds.get()
    return grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())


def test_a_new_version_copies_everything_and_becomes_the_active_one():
    old = Rubric.objects.get(interview_type="system_design", active=True)
    new = rubrics.new_rubric_version(rubric=old)
    old.refresh_from_db()
    assert (old.active, new.active, new.version) == (False, True, old.version + 1)
    assert list(new.dimensions.values_list("key", flat=True)) == list(
        old.dimensions.values_list("key", flat=True)
    )
    assert LevelAnchor.objects.filter(dimension__rubric=new).count() == 20
    assert Rubric.objects.filter(interview_type="system_design", active=True).get() == new


def test_old_scorecards_keep_their_version_and_new_ones_use_the_new_one(client):
    card = _graded_scorecard()
    old = card.rubric
    new = rubrics.new_rubric_version(rubric=old)
    renamed = new.dimensions.get(key="requirements_clarification")
    renamed.name = "Pins down requirements first"
    renamed.save()
    anchor = renamed.anchors.get(score=3)
    anchor.behaviour = "Rewritten anchor for version 2."
    anchor.save()

    card.refresh_from_db()
    assert card.rubric == old
    client.force_login(card.grader)
    page = client.get(reverse("grading:scorecard_view", args=[card.round_id])).text
    assert "(version 1)" in page
    assert "Clarifies before designing" in page
    assert "Rewritten anchor for version 2." not in page

    later = grading.start_scorecard(round=past_booking().rounds.get())
    assert later.rubric == new


def test_the_admin_makes_a_used_rubric_read_only_and_offers_a_new_version(client, staff):
    card = _graded_scorecard()
    rubric = card.rubric
    client.force_login(staff)
    change_url = reverse("admin:interviews_rubric_change", args=[rubric.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert "read-only" in page.text
    before = rubric.title
    client.post(change_url, {"title": "Edited in place", "summary": "x"})
    rubric.refresh_from_db()
    assert rubric.title == before

    response = client.post(reverse("admin:interviews_rubric_new_version", args=[rubric.pk]))
    new = Rubric.objects.get(interview_type=rubric.interview_type, active=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:interviews_rubric_change", args=[new.pk])
    assert new.version == rubric.version + 1
    edit = client.get(reverse("admin:interviews_rubric_change", args=[new.pk]))
    assert 'name="title"' in edit.text


def test_the_admin_refuses_to_edit_anchors_of_a_used_rubric(client, staff):
    card = _graded_scorecard()
    dimension = card.rubric.dimensions.first()
    client.force_login(staff)
    url = reverse("admin:interviews_dimension_change", args=[dimension.pk])
    assert 'name="name"' not in client.get(url).text
    client.post(url, {"name": "Changed", "key": dimension.key, "measures": "m", "order": 1})
    dimension.refresh_from_db()
    assert dimension.name != "Changed"


def test_the_new_version_page_needs_a_post(client, staff):
    rubric = Rubric.objects.get(interview_type="coding", active=True)
    client.force_login(staff)
    client.get(reverse("admin:interviews_rubric_new_version", args=[rubric.pk]))
    assert Rubric.objects.filter(interview_type="coding").count() == 1


def test_strangers_cannot_reach_the_rubric_admin(client, stranger):
    client.force_login(stranger)
    rubric = Rubric.objects.get(interview_type="coding", active=True)
    response = client.post(reverse("admin:interviews_rubric_new_version", args=[rubric.pk]))
    assert response.status_code == 302
    assert Rubric.objects.filter(interview_type="coding").count() == 1


def test_staff_can_read_every_grading_admin_page(client, staff):
    card = _graded_scorecard()
    round = card.round
    grading.rate_interviewer(round=round, rater=round.candidate, helpfulness=4, preparation=5)
    client.force_login(staff)
    pages = [
        reverse("admin:interviews_rubric_changelist"),
        reverse("admin:interviews_rubric_change", args=[card.rubric_id]),
        reverse("admin:interviews_dimension_changelist"),
        reverse("admin:interviews_dimension_change", args=[card.rubric.dimensions.first().pk]),
        reverse("admin:interviews_playbooksection_changelist"),
        reverse("admin:interviews_scorecard_changelist"),
        reverse("admin:interviews_scorecard_change", args=[card.pk]),
        reverse("admin:interviews_interviewerrating_changelist"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_a_playbook_pointer_is_edited_in_the_admin(client, staff):
    from sessions.models import PlaybookSection

    section = PlaybookSection.objects.get(interview_type="behavioral", dimension_key="ownership")
    client.force_login(staff)
    response = client.post(
        reverse("admin:interviews_playbooksection_change", args=[section.pk]),
        {
            "interview_type": "behavioral",
            "dimension_key": "ownership",
            "section": "Part 2, section 9",
            "title": "Owning the outcome",
            "page": "21",
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.section, section.page) == ("Part 2, section 9", 21)
