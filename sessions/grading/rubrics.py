"""Rubric versions: copy a rubric into the next version, activate one, and whether one is in use.

One version per interview type is active (new scorecards use it); scorecards keep the
version they were graded with, so an edit always goes into a new copy.
"""

from django.db import transaction

from .models import Dimension, LevelAnchor, Rubric, Scorecard


def new_rubric_version(*, rubric: Rubric) -> Rubric:
    """Copy `rubric` into the next version, make the copy the active one.

    Scorecards keep the version they were graded with; the copy is where edits go.
    """
    with transaction.atomic():
        versions = Rubric.objects.select_for_update().filter(interview_type=rubric.interview_type)
        latest = max(r.version for r in versions)  # evaluating takes the locks
        versions.filter(active=True).update(active=False)
        copy = Rubric.objects.create(
            interview_type=rubric.interview_type,
            version=latest + 1,
            title=rubric.title,
            summary=rubric.summary,
            active=True,
        )
        for dimension in rubric.dimensions.prefetch_related("anchors"):
            new_dimension = Dimension.objects.create(
                rubric=copy,
                key=dimension.key,
                name=dimension.name,
                measures=dimension.measures,
                order=dimension.order,
            )
            LevelAnchor.objects.bulk_create(
                LevelAnchor(dimension=new_dimension, score=a.score, behaviour=a.behaviour)
                for a in dimension.anchors.all()
            )
    return copy


def activate_rubric(*, rubric: Rubric) -> None:
    """Make `rubric` the version new scorecards use (e.g. to roll back)."""
    with transaction.atomic():
        versions = Rubric.objects.select_for_update().filter(interview_type=rubric.interview_type)
        list(versions)
        versions.filter(active=True).exclude(pk=rubric.pk).update(active=False)
        versions.filter(pk=rubric.pk).update(active=True)
    rubric.active = True


def rubric_in_use(rubric: Rubric) -> bool:
    return rubric.pk is not None and Scorecard.objects.filter(rubric=rubric).exists()
