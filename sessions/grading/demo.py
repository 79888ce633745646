"""Demo scorecards and ratings for `make run`, on the past sessions of sessions.demo.

Ada improves over six system design sessions (she learns to clarify first),
three behavioral ones and two negotiations where she still takes the first
offer, so her dashboard has trends, a weakest dimension and a playbook pointer.
Ada's own scorecard for Dev is left unwritten, to show feedback waiting.
Rounds that already have a scorecard are skipped: running twice changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from accounts.models import User
from sessions.scheduling.models import Booking, Round

from .models import InterviewerRating, Rubric, Score, Scorecard

# (candidate, interview type) -> per dimension key, the scores of successive sessions.
PLANS = {
    ("ada@example.com", "system_design"): {
        "requirements_clarification": [1, 2, 2, 3, 3, 4],
        "business_constraints": [2, 2, 2, 3, 3, 3],
        "design_tradeoffs": [2, 3, 3, 3, 3, 4],
        "scale_reliability": [2, 2, 3, 3, 3, 3],
        "communication": [2, 2, 3, 3, 4, 4],
    },
    ("ada@example.com", "behavioral"): {
        "ownership": [1, 2, 3],
        "ambiguity_to_clarity": [2, 2, 3],
        "impact_evidence": [2, 3, 3],
        "scope": [2, 2, 3],
        "communication": [3, 3, 3],
    },
    ("ada@example.com", "compensation"): {
        "market_knowledge": [1, 2],
        "total_comp": [2, 3],
        "advocacy": [1, 1],
        "walk_away": [2, 2],
        "tone": [2, 3],
    },
    ("dev@example.com", "coding"): {
        "correctness": [2, 3, 3],
        "clarity": [2, 2, 3],
        "testing": [1, 2, 2],
        "complexity": [2, 3, 3],
        "communication": [2, 2, 3],
    },
    ("chioma@example.com", "coding"): {
        "correctness": [3, 3, 4],
        "clarity": [3, 3, 3],
        "testing": [2, 3, 3],
        "complexity": [3, 3, 3],
        "communication": [3, 4, 4],
    },
}

# Minutes Ada spent clarifying in each system design session, as the room measured them.
CLARIFYING_MINUTES = ["1.5", "3.0", "4.0", "5.5", "6.5", "7.0"]

# What an interviewer writes at a low (1-2) and at a good (3-4) score.
EVIDENCE = {
    "requirements_clarification": (
        "Started on the architecture after one question about users; never asked about the read/write mix or the SLA.",
        "Spent the first minutes on use case, daily volume, read-heavy traffic and a 200 ms p99, then summed up before drawing.",
    ),
    "business_constraints": (
        "Did not ask about budget, team size or launch date; the design assumed unlimited time.",
        "Asked who pays for an outage and proposed a smaller first version for the launch date.",
    ),
    "design_tradeoffs": (
        "Chose Kafka and Cassandra without saying why; alternatives only when asked.",
        "Compared a queue with synchronous writes against the agreed latency target and explained why the queue won.",
    ),
    "scale_reliability": (
        "Said to add caching and shards but did not estimate traffic or find the bottleneck.",
        "Estimated 4k writes a second, found the hot partition and covered retries with idempotency keys.",
    ),
    "communication": (
        "Long stretches of silence; hints were acknowledged and then not used.",
        "Thought aloud, checked in at each decision and used my hint about the hot key straight away.",
    ),
    ("behavioral", "communication"): (
        "Ten minutes of background before her own part; follow-ups got vague answers.",
        "Short context, most of the time on her decisions, and a clear result.",
    ),
    ("coding", "communication"): (
        "Started typing before confirming the input format; quiet while coding.",
        "Confirmed the input range first and explained the approach before coding.",
    ),
    "ownership": (
        "The migration story was told as “we”; after two follow-ups it was still unclear what Ada decided.",
        "Clear about what she decided herself: she stopped the rollout, wrote the plan and took the call with the VP.",
    ),
    "ambiguity_to_clarity": (
        "The examples were tasks that arrived fully specified.",
        "Turned “reduce churn somehow” into one measurable problem and a plan two teams followed.",
    ),
    "impact_evidence": (
        "“It went well” with no numbers and no before and after.",
        "Checkout errors fell from 2% to 0.3%, and she explained how she measured it.",
    ),
    "scope": (
        "Everything stayed inside her own team's backlog.",
        "Set up the on-call standard three other teams now use.",
    ),
    "market_knowledge": (
        "No number prepared; said she would see what they offer.",
        "Named a specific target with market data for the level and a competing process.",
    ),
    "total_comp": (
        "Compared offers on base salary only.",
        "Valued the equity against the company stage and asked about refreshers and the vesting schedule.",
    ),
    "advocacy": (
        "Accepted the first number and thanked the recruiter; no counter-offer.",
        "Answered the first offer with a concrete counter and the reasons for it.",
    ),
    "walk_away": (
        "Could not say what she would turn down.",
        "Knew her minimum and her priorities and used them to decide.",
    ),
    "tone": (
        "Apologised twice for asking; the ask got lost.",
        "Warm and firm: enthusiastic about the team while holding the number.",
    ),
    "correctness": (
        "Missed the empty input and duplicates until I pointed them out.",
        "Handled empty input, duplicates and overflow without prompting.",
    ),
    "clarity": (
        "One long function with single-letter names.",
        "Small functions with names that read like the problem statement.",
    ),
    "testing": (
        "Declared it done without running an example.",
        "Walked through three cases, including a boundary, and fixed the bug it found.",
    ),
    "complexity": (
        "Could not state the complexity of the solution.",
        "O(n log n) time and O(n) space, and a linear alternative if the input were bounded.",
    ),
}

IMPROVEMENTS = {
    "system_design": [
        (
            "Ask about the read/write ratio and the SLA before drawing the first box.",
            "Agree on what “done” means out loud.",
            "Do one capacity estimate and let it choose the storage.",
        ),
        (
            "Name what you would give up for simplicity, then design to it.",
            "Tie one decision to a business constraint you asked about.",
            "Summarise the agreed requirements before you design.",
        ),
        (
            "Go deep on the riskiest component without waiting to be asked.",
            "Check the final design against the definition of done.",
            "Keep the wrap-up to two minutes.",
        ),
    ],
    "behavioral": [
        (
            "Say “I” for your decisions; keep “we” for the team's work.",
            "End each story with a number.",
            "Cut the context to thirty seconds.",
        ),
        (
            "Pick a story where nobody handed you the problem.",
            "Show reach beyond your own team.",
            "Say what you would do differently.",
        ),
    ],
    "compensation": [
        (
            "Answer the first offer with a specific counter; never “something competitive”.",
            "Bring market data for the level and location.",
            "Decide your walk-away number before the call.",
        ),
    ],
    "coding": [
        (
            "Walk through an example before saying you are done.",
            "State the complexity without being asked.",
            "Clarify the input range first.",
        ),
        (
            "Test a boundary case on your own.",
            "Extract the parsing into a named function.",
            "Narrate trade-offs while you code.",
        ),
    ],
}

VERDICTS = [  # by the average score of the session
    (3.5, "strong_yes", "staff"),
    (2.8, "yes", "senior"),
    (2.2, "no", "senior"),
    (0, "strong_no", "below_senior"),
]

# (rater, interviewer, type, how many of the latest sessions, helpfulness, preparation)
RATINGS = [
    ("ada@example.com", "ben@example.com", "system_design", 4, 5, 4),
    ("ada@example.com", "elena@example.com", "behavioral", 2, 4, 5),
    ("dev@example.com", "chioma@example.com", "coding", 3, 5, 4),
]

# Left unwritten on purpose so the dashboard shows feedback waiting.
LEAVE_UNGRADED = {("ada@example.com", "dev@example.com")}


def _verdict(values: list[int]) -> tuple[str, str]:
    average = sum(values) / len(values)
    return next((rec, cal) for floor, rec, cal in VERDICTS if average >= floor)


def _evidence(kind: str, key: str) -> tuple[str, str]:
    return EVIDENCE.get((kind, key)) or EVIDENCE.get(key) or ("Mixed.", "Solid.")


def _grade(round: Round, index: int, plan: dict[str, list[int]], rubric: Rubric) -> None:
    booking = round.booking
    kind = booking.interview_type
    values = {}
    for dimension in rubric.dimensions.all():
        series = plan.get(dimension.key, [3])
        values[dimension] = series[min(index, len(series) - 1)]
    recommendation, calibration = _verdict(list(values.values()))
    advice = IMPROVEMENTS[kind]
    sessions = max(len(series) for series in plan.values())
    first, second, third = advice[min(index * len(advice) // sessions, len(advice) - 1)]
    minutes = None
    if kind == "system_design" and round.candidate.email == "ada@example.com":
        minutes = Decimal(CLARIFYING_MINUTES[min(index, len(CLARIFYING_MINUTES) - 1)])
        if round.clarifying_minutes is None:
            round.clarifying_minutes = minutes
            round.save(update_fields=["clarifying_minutes"])
    strongest = max(values, key=values.get)
    evidence = {d: _evidence(kind, d.key) for d in values}
    card = Scorecard.objects.create(
        round=round,
        booking=booking,
        grader=round.interviewer,
        candidate=round.candidate,
        rubric=rubric,
        interview_type=kind,
        status=Scorecard.Status.SUBMITTED,
        recommendation=recommendation,
        level_calibration=calibration,
        strengths=evidence[strongest][1],
        improvement_1=first,
        improvement_2=second,
        improvement_3=third,
        notes=round.notes,
        clarifying_minutes=minutes,
        session_ended_at=booking.ends_at,
        submitted_at=booking.ends_at + timedelta(hours=2),
        created_at=booking.ends_at,
    )
    Score.objects.bulk_create(
        Score(
            scorecard=card,
            dimension=dimension,
            value=value,
            evidence=evidence[dimension][value >= 3],
        )
        for dimension, value in values.items()
    )


def load(stdout) -> None:
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.com")}
    if not people:
        return
    rubrics = {r.interview_type: r for r in Rubric.objects.filter(active=True)}
    rounds = (
        Round.objects.filter(
            booking__status=Booking.Status.COMPLETED,
            booking__host__in=people.values(),
            booking__guest__in=people.values(),
        )
        .select_related("booking", "interviewer", "candidate")
        .order_by("booking__starts_at", "number")
    )
    seen: dict[tuple[str, str], int] = {}
    graded = 0
    for round in rounds:
        kind = round.booking.interview_type
        key = (round.candidate.email, kind)
        index = seen.get(key, 0)
        seen[key] = index + 1
        plan = PLANS.get(key)
        if (
            plan is None
            or kind not in rubrics
            or (round.interviewer.email, round.candidate.email) in LEAVE_UNGRADED
            or Scorecard.objects.filter(round=round).exists()
        ):
            continue
        _grade(round, index, plan, rubrics[kind])
        graded += 1

    rated = 0
    for rater, interviewer, kind, latest, helpfulness, preparation in RATINGS:
        if rater not in people or interviewer not in people:
            continue
        recent = Round.objects.filter(
            candidate=people[rater],
            interviewer=people[interviewer],
            booking__interview_type=kind,
            booking__status=Booking.Status.COMPLETED,
        ).order_by("-booking__starts_at")[:latest]
        for round in recent:
            _, created = InterviewerRating.objects.get_or_create(
                round=round,
                defaults={
                    "rater": people[rater],
                    "interviewer": people[interviewer],
                    "helpfulness": helpfulness,
                    "preparation": preparation,
                    "comment": "Prepared, precise feedback.",
                },
            )
            rated += created
    stdout.write(f"Grading demo: {graded} new scorecards, {rated} new interviewer ratings.")
