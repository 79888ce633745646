"""Phase plans for the interview room, and when each round of a booking runs.

A plan is written for the type's default length and scaled to the real round
length. Phases with a floor and ceiling (clarifying in system design) keep
their range whatever the length, because that habit is the point of the round.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .models import Booking, InterviewType


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    minutes: int
    goal: str
    prompts: tuple[str, ...] = field(default_factory=tuple)
    min_minutes: int | None = None
    max_minutes: int | None = None


PLANS: dict[str, tuple[Phase, ...]] = {
    InterviewType.SYSTEM_DESIGN: (
        Phase(
            "clarify",
            "Clarify requirements",
            7,
            "Spend 5 to 8 minutes asking before drawing anything.",
            (
                "The use case: who uses it, for what, and which flows matter most",
                "Scale: users, requests per second, data size, growth",
                "Read/write ratio and access patterns",
                "The SLA: latency, availability, durability, consistency",
                "What to trade away for simplicity",
                "What “done” means for this conversation",
            ),
            min_minutes=5,
            max_minutes=8,
        ),
        Phase(
            "high_level",
            "High-level design",
            18,
            "Boxes and arrows that serve the requirements just agreed; one pass end to end.",
            (
                "APIs and the main data model",
                "The request path for the most important flow",
                "Back-of-the-envelope numbers that justify the shape",
            ),
        ),
        Phase(
            "deep_dive",
            "Deep dive",
            25,
            "Go deep where the interviewer pushes, or where the risk is.",
            (
                "Bottlenecks and how the design scales past them",
                "Failure modes: what breaks, how it's detected, how it recovers",
                "Trade-offs stated out loud, with the alternative rejected",
            ),
        ),
        Phase(
            "wrap_up",
            "Wrap-up",
            10,
            "Summarise, name what you'd do next, take questions.",
            (
                "What the design does not cover yet",
                "Operations: monitoring, rollout, cost",
            ),
        ),
    ),
    InterviewType.BEHAVIORAL: (
        Phase(
            "warm_up",
            "Warm-up",
            4,
            "Introductions and the scope the candidate operates at today.",
            ("Current role, team size, what they own",),
        ),
        Phase(
            "story_1",
            "First story",
            12,
            "A situation the candidate drove: ambiguity turned into a plan.",
            (
                "Listen for “I decided”, “I proposed”, not only “we did”",
                "What was unclear at the start, and who else was involved",
                "The measurable outcome and what they would change",
            ),
        ),
        Phase(
            "story_2",
            "Second story",
            12,
            "Conflict or influence without authority.",
            (
                "How they disagreed, and how the disagreement ended",
                "Which trade-off they accepted and why",
            ),
        ),
        Phase(
            "probe",
            "Probe for scope",
            11,
            "Push on one story until the candidate's own part is clear.",
            (
                "“What would have happened if you had not been there?”",
                "Signals of staff scope: cross-team impact, setting direction",
            ),
        ),
        Phase(
            "wrap_up",
            "Wrap-up",
            6,
            "The candidate's questions; the interviewer jots the strongest evidence.",
        ),
    ),
    InterviewType.CODING: (
        Phase(
            "understand",
            "Understand the problem",
            8,
            "Restate the problem, agree on inputs, outputs and one worked example.",
            ("Edge cases named before coding: empty, huge, duplicates, invalid input",),
        ),
        Phase(
            "approach",
            "Approach and complexity",
            10,
            "Two approaches compared, one chosen, with time and space complexity.",
        ),
        Phase(
            "implement",
            "Implement",
            27,
            "Working code, narrated. Readability matters at senior level.",
            ("Small functions, clear names", "Say what you'd do with more time"),
        ),
        Phase(
            "test",
            "Test and edge cases",
            10,
            "Walk through the example and the edge cases; fix what fails.",
        ),
        Phase(
            "wrap_up", "Wrap-up", 5, "Follow-ups: scale it up, make it concurrent, productionise."
        ),
    ),
    InterviewType.COMPENSATION: (
        Phase(
            "read",
            "Read the scenario",
            3,
            "The recruiter reads the offer; the candidate takes notes and asks for the full breakdown.",
            ("Base, equity (and its vesting), signing bonus, refreshers, level",),
        ),
        Phase(
            "offer",
            "The offer call",
            5,
            "The recruiter presents enthusiastically and asks for a quick yes.",
            ("Does the candidate avoid accepting or naming a number too early?",),
        ),
        Phase(
            "counter",
            "Counter with a number",
            10,
            "A specific number with a rationale: market data, competing offers, track record.",
            (
                "Total compensation, not base alone",
                "The recruiter pushes back once; does the candidate hold?",
            ),
        ),
        Phase(
            "trade",
            "Trade across components",
            8,
            "Signing bonus, equity, refreshers and level move when base can't.",
            ("What the candidate would walk away from",),
        ),
        Phase(
            "close", "Close and debrief", 4, "Agree next steps, then step out of role and debrief."
        ),
    ),
}


def plan_for(interview_type: str, *, minutes: int) -> list[dict]:
    """The phases of one round as start/end minutes from the round's start."""
    phases = PLANS[interview_type]
    planned = sum(p.minutes for p in phases)
    lengths = [p.minutes * minutes / planned for p in phases]
    # Clamp phases with a range, then spread the difference over the others.
    fixed = {}
    for i, p in enumerate(phases):
        clamped = lengths[i]
        if p.min_minutes is not None:
            clamped = max(clamped, p.min_minutes)
        if p.max_minutes is not None:
            clamped = min(clamped, p.max_minutes)
        if clamped != lengths[i]:
            fixed[i] = clamped
    if fixed:
        rest = minutes - sum(fixed.values())
        free = sum(lengths[i] for i in range(len(phases)) if i not in fixed)
        lengths = [fixed.get(i, lengths[i] * rest / free) for i in range(len(phases))]
    out, start = [], 0.0
    for p, length in zip(phases, lengths, strict=True):
        end = start + length
        out.append(
            {
                "key": p.key,
                "title": p.title,
                "goal": p.goal,
                "prompts": list(p.prompts),
                "start": round(start, 1),
                "end": round(end, 1),
                "minutes": round(length),
                "range": (
                    f"{p.min_minutes}–{p.max_minutes} min"
                    if p.min_minutes is not None and p.max_minutes is not None
                    else ""
                ),
            }
        )
        start = end
    out[-1]["end"] = float(minutes)
    return out


def round_window(booking: Booking, number: int) -> tuple[datetime, datetime]:
    """When round `number` runs: the whole booking, or one half of a swap."""
    if not booking.is_swap:
        return booking.starts_at, booking.ends_at
    half = (booking.ends_at - booking.starts_at) / 2
    start = booking.starts_at + half * (number - 1)
    return start, start + half


def current_round_number(booking: Booking, *, now: datetime) -> int:
    """The round on now: the first before the start, the last after the end."""
    if booking.is_swap and now >= round_window(booking, 2)[0]:
        return 2
    return 1
