"""Which question a round gets: matching a topic to the bank, what a candidate
has already been asked, and the interviewer's own pick before the round starts."""

import random
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from sessions.scheduling.models import Booking, Question, Round
from sessions.scheduling.phases import round_window

from .rules import LEVEL_ORDER, SchedulingError

# Words that say how to interview, not what about: they never decide a match.
_FILLER_WORDS = (
    "a an and are as at be by can deep depth design designing dive do for from how i in "
    "interview is it level like me mid my of on or our please practice practise principal "
    "question round senior staff system that the this to want we what with would you your"
)
_FILLER = frozenset(_FILLER_WORDS.split())


def topic_words(text: str) -> set[str]:
    """The words of a topic or title that say what it is about, lower-cased, with a
    plural "s" dropped ("limiters" and "limiter" match)."""
    words = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in _FILLER or len(word) < 2:
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


def match_topic(topic: str, questions: Iterable[Question]) -> Question | None:
    """The bank question whose title best matches a free-text topic, or None.

    A title matches when it shares at least two of the topic's words (or the
    topic's only word); the most shared words win, then the earliest title.
    "Design a rate limiter, staff depth" matches "Rate limiter for a public API".
    """
    wanted = topic_words(topic)
    if not wanted:
        return None
    needed = min(2, len(wanted))
    best, best_score = None, 0
    for question in sorted(questions, key=lambda q: q.title):
        score = len(wanted & topic_words(question.title))
        if score >= needed and score > best_score:
            best, best_score = question, score
    return best


def questions_seen_by(candidate) -> set[int]:
    """Ids of the bank questions `candidate` was given in any booking not cancelled."""
    return questions_seen_by_each([candidate.pk]).get(candidate.pk, set())


def questions_seen_by_each(candidate_ids: Iterable[int]) -> dict[int, set[int]]:
    """`questions_seen_by` for many people in one query: user id -> question ids
    (people who were never asked a bank question are left out)."""
    seen: dict[int, set[int]] = {}
    for candidate_id, question_id in (
        Round.objects.filter(candidate__in=list(candidate_ids), question__isnull=False)
        .exclude(booking__status=Booking.Status.CANCELLED)
        .order_by()
        .values_list("candidate_id", "question_id")
    ):
        seen.setdefault(candidate_id, set()).add(question_id)
    return seen


class QuestionPicker:
    """Chooses the questions of new rounds, for one booking or many, with a few queries.

    The bank (per interview type), what each candidate was asked before and
    who asked not to repeat questions are read once, for every person named
    when it is made; each pick then counts as asked, so a person in several
    new bookings is treated exactly as if the bookings were made one by one.
    """

    def __init__(self, people: Iterable[int]):
        ids = set(people)
        self._banks: dict[str, list[Question]] = {}
        self._seen = questions_seen_by_each(ids)
        self._avoid = set(
            Profile.objects.filter(user__in=ids, avoid_seen_questions=True).values_list(
                "user_id", flat=True
            )
        )

    def _bank(self, interview_type: str) -> list[Question]:
        if interview_type not in self._banks:
            self._banks[interview_type] = list(
                Question.objects.filter(interview_type=interview_type, active=True)
            )
        return self._banks[interview_type]

    def pick(
        self, *, interview_type: str, level: str, candidates: Sequence, wishes: Sequence
    ) -> list[Question | None]:
        """One question per round, in the order of `candidates` (see `pick_questions`).

        `wishes` holds one QuestionWish or None per candidate.
        """
        wanted = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 1
        used: set[int] = set()
        picked: list[Question | None] = []
        for candidate, wish in zip(candidates, wishes, strict=True):
            if wish and wish.question:
                used.add(wish.question.pk)
                picked.append(wish.question)
                continue
            seen = self._seen.get(candidate.pk, set())
            avoid = candidate.pk in self._avoid
            options = [
                q
                for q in self._bank(interview_type)
                if q.pk not in used and not (avoid and q.pk in seen)
            ]
            if wish and wish.topic:
                choice = match_topic(wish.topic, options)
            else:
                options.sort(
                    key=lambda q: (
                        abs(LEVEL_ORDER.index(q.level) - wanted) if q.level in LEVEL_ORDER else 9,
                        q.pk in seen,
                        random.random(),
                    )
                )
                choice = options[0] if options else None
            if choice is not None:
                used.add(choice.pk)
            picked.append(choice)
        for candidate, choice in zip(candidates, picked, strict=True):
            if choice is not None:
                self._seen.setdefault(candidate.pk, set()).add(choice.pk)
        return picked


def question_choices(round: Round) -> list[tuple[Question, bool]]:
    """The questions the round's interviewer may switch to, each with whether the
    candidate has seen it: the booking's type, the slot's level nearest first,
    and every question the candidate has already been asked last. Questions
    of the booking's other round are left out."""
    booking = round.booking
    level = booking.slot.level
    wanted = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 1
    seen = questions_seen_by(round.candidate) - {round.question_id}
    # Never a question of another round of this booking: in a swap that one is
    # the interviewer's own, and its title alone would give it away.
    taken = (
        Round.objects.filter(booking=booking, question__isnull=False)
        .exclude(pk=round.pk)
        .values_list("question_id", flat=True)
    )
    pool = Question.objects.filter(interview_type=booking.interview_type, active=True).exclude(
        pk__in=list(taken)
    )
    return sorted(
        ((q, q.pk in seen) for q in pool),
        key=lambda pair: (
            pair[1],
            abs(LEVEL_ORDER.index(pair[0].level) - wanted) if pair[0].level in LEVEL_ORDER else 9,
            pair[0].title,
        ),
    )


def change_round_question(
    *, round: Round, by, question: Question, now: datetime | None = None
) -> Round:
    """The round's interviewer switches its question before the round starts.

    Raises SchedulingError for anyone else, a cancelled booking, a round that
    has started, or a question of another interview type.
    """
    now = now or timezone.now()
    with transaction.atomic():
        round = (
            Round.objects.select_for_update(of=("self",)).select_related("booking").get(pk=round.pk)
        )
        booking = round.booking
        if round.interviewer_id != by.pk:
            raise SchedulingError("Only this round's interviewer chooses its question.")
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("This interview was cancelled.")
        starts_at, _ = round_window(booking, round.number)
        if now >= starts_at:
            raise SchedulingError("This round has started, so its question stays.")
        if question.interview_type != booking.interview_type or not question.active:
            raise SchedulingError(
                f"Pick a {booking.get_interview_type_display().lower()} question from the list."
            )
        if Round.objects.filter(booking=booking, question=question).exclude(pk=round.pk).exists():
            raise SchedulingError("The other round of this interview already uses that question.")
        round.question = question
        round.save(update_fields=["question"])
    return round
