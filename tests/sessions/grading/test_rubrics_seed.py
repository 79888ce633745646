import pytest

from sessions.models import Dimension, InterviewType, LevelAnchor, PlaybookSection, Rubric

pytestmark = pytest.mark.django_db


def test_every_interview_type_has_exactly_one_active_rubric():
    for interview_type in InterviewType.values:
        assert Rubric.objects.filter(interview_type=interview_type, active=True).count() == 1


def test_every_dimension_of_every_rubric_has_four_anchors_scored_one_to_four():
    dimensions = Dimension.objects.prefetch_related("anchors")
    assert dimensions.count() == 20
    for dimension in dimensions:
        assert sorted(a.score for a in dimension.anchors.all()) == [1, 2, 3, 4], dimension
        assert all(len(a.behaviour) > 30 for a in dimension.anchors.all()), dimension


def test_system_design_starts_with_clarifying_before_designing():
    rubric = Rubric.objects.get(interview_type="system_design", active=True)
    first = rubric.dimensions.order_by("order").first()
    assert first.key == "requirements_clarification"
    meets_bar = first.anchors.get(score=3).behaviour
    assert "five to eight minutes" in meets_bar
    for topic in ("read/write", "latency", "scope"):
        assert topic in meets_bar


def test_the_rubrics_cover_the_product_point_of_view():
    keys = {(d.rubric.interview_type, d.key) for d in Dimension.objects.select_related("rubric")}
    assert {
        ("system_design", "business_constraints"),
        ("behavioral", "ownership"),
        ("behavioral", "ambiguity_to_clarity"),
        ("compensation", "advocacy"),
        ("compensation", "walk_away"),
        ("coding", "testing"),
    } <= keys
    ownership = LevelAnchor.objects.get(
        dimension__rubric__interview_type="behavioral", dimension__key="ownership", score=1
    )
    assert "“we”" in ownership.behaviour


def test_every_dimension_points_into_the_playbook():
    for dimension in Dimension.objects.select_related("rubric"):
        assert PlaybookSection.objects.filter(
            interview_type=dimension.rubric.interview_type, dimension_key=dimension.key
        ).exists(), dimension
