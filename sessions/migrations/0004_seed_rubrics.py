"""The first version of every rubric, and where the playbook covers each dimension.

The content is frozen here on purpose: a migration must replay the same rows
forever, while the live rubrics move on through new versions in the admin.
Scores mean 1 below the bar, 2 mixed, 3 meets the senior bar, 4 staff level.
"""

from django.db import migrations

# (interview_type, title, summary, [(key, name, measures, (anchor 1, 2, 3, 4))])
RUBRICS = [
    (
        "system_design",
        "Senior system design",
        "Senior candidates rarely fail on knowledge; they fail by designing before they know what they "
        "are building. This rubric rewards the engineer who pins the problem down first, lets the "
        "business shape the design, and talks it through like a colleague.",
        [
            (
                "requirements_clarification",
                "Clarifies before designing",
                "How the first minutes are spent: use case, scale, read/write ratio, SLA, what can be "
                "given up for simplicity, and an agreed picture of what “done” means, before any box "
                "is drawn.",
                (
                    "Starts drawing components within a minute or two. Asks nothing, or only about "
                    "technology, and builds on assumptions never said out loud.",
                    "Asks some questions (usually about scale) but skips others such as latency "
                    "targets or the read/write mix, and moves on without confirming what the "
                    "finished system has to do.",
                    "Spends roughly the first five to eight minutes on users and use cases, traffic "
                    "and data volume, read/write mix, availability and latency targets and what is "
                    "out of scope, then sums up the agreed requirements before designing.",
                    "Everything at 3, and turns the answers into explicit design drivers (“writes are "
                    "rare, so…”), names what they would drop for simplicity, proposes a definition of "
                    "done the interviewer signs up to, and checks the design against it at the end.",
                ),
            ),
            (
                "business_constraints",
                "Business constraints and owner mindset",
                "Whether technical choices follow from what the business needs: cost, time to "
                "market, team size, the SLA that actually matters and what an outage costs.",
                (
                    "Treats the problem as purely technical. Cost, deadline, team and who is hurt by "
                    "a failure never come up.",
                    "Mentions business factors when prompted, but they do not change a single "
                    "decision.",
                    "Asks unprompted about the constraints that matter (budget, launch date, "
                    "compliance, who the users are) and lets at least one of them change the design.",
                    "Reasons like the owner of the system: sizes the solution to the stage of the "
                    "business, proposes a simpler first version and when to grow it, and says which "
                    "risks they would accept and why.",
                ),
            ),
            (
                "design_tradeoffs",
                "Design and trade-offs",
                "A coherent design that follows from the requirements (data model, APIs, main "
                "components and data flow) with the important choices argued, not asserted.",
                (
                    "Boxes without a clear data flow, or a memorised template that ignores the stated "
                    "requirements. Cannot say why a component is there.",
                    "A workable design, but choices are announced rather than argued and "
                    "alternatives appear only when the interviewer asks for them.",
                    "A clear design built from the requirements. For the key decisions (storage, "
                    "consistency, synchronous or queued) names an alternative and why it lost.",
                    "Frames each decision as a trade-off against the agreed drivers, knows which "
                    "requirement change would flip it, and keeps the design exactly as simple as the "
                    "requirements allow.",
                ),
            ),
            (
                "scale_reliability",
                "Scale and reliability",
                "Capacity estimates that drive decisions, finding the real bottleneck, failure "
                "modes and how the team would know something is wrong.",
                (
                    "No estimates. Scaling means “add more servers”; failure is not discussed.",
                    "Rough numbers or generic tactics (add a cache, shard it) applied without "
                    "locating the bottleneck; thin on what happens when parts fail.",
                    "Back-of-the-envelope numbers that change decisions, the likely bottleneck found "
                    "and handled, the main failure modes covered (lost nodes, retries, duplicates) "
                    "and monitoring that would catch them.",
                    "Goes deep on the riskiest part without being asked (hot keys, backpressure, "
                    "migrations, degraded modes) and ties reliability work to the agreed SLA rather "
                    "than maximising everything.",
                ),
            ),
            (
                "communication",
                "Communication: a conversation, not a performance",
                "Whether the candidate thinks with the interviewer or performs at them: structure, "
                "checking in, and using hints.",
                (
                    "A monologue or long silences. Does not check in; ignores or resists hints.",
                    "Explains clearly when asked but drives alone; hints are acknowledged, then not "
                    "used.",
                    "Thinks aloud, says what they will cover, checks in at decision points and builds "
                    "on the interviewer's input.",
                    "Runs the hour like a design review with a peer: invites challenge, summarises "
                    "decisions, and manages time so the important parts get depth.",
                ),
            ),
        ],
    ),
    (
        "behavioral",
        "Senior behavioral",
        "At senior level every story answers one question: will this person own problems without "
        "hand-holding? The rubric looks for what the candidate personally drove, how they turned "
        "ambiguity into a plan, and how far their impact reached.",
        [
            (
                "ownership",
                "Ownership: “I drove it”",
                "Stories where the candidate made the calls and carried the result, told with “I” "
                "and concrete actions rather than “we were on the team”.",
                (
                    "Stories about what “we” or “the team” did. The candidate's own part stays unclear "
                    "even after follow-up questions.",
                    "A real but narrow part: carried out a plan someone else made. Says “I” for tasks "
                    "and “we” for every decision.",
                    "Clear about what they personally decided, started or pushed through, including "
                    "the uncomfortable parts; owns mistakes without blaming others.",
                    "Took on an outcome nobody assigned them, kept it moving through setbacks and "
                    "across teams, and can say what they would do differently.",
                ),
            ),
            (
                "ambiguity_to_clarity",
                "Ambiguity to clarity",
                "Whether the candidate defines the problem worth solving instead of waiting for a "
                "well-specified task.",
                (
                    "Every example is a clearly specified task handed to them; nothing about working "
                    "without a brief.",
                    "Worked in an unclear situation but waited for direction, or clarified only "
                    "their own slice.",
                    "Took a vague goal or a messy situation, found out what really mattered (data, "
                    "users, stakeholders) and turned it into a defined problem and a plan others "
                    "followed.",
                    "Spotted the problem before anyone asked, argued why it was the one worth solving "
                    "and what not to do, and changed the direction of the team or organisation.",
                ),
            ),
            (
                "impact_evidence",
                "Impact and evidence",
                "Outcomes stated with evidence (numbers, before and after) and tied to the "
                "candidate's own actions.",
                (
                    "Activity instead of outcome (“we shipped it”); no numbers, no before and after.",
                    "Outcome stated vaguely (“it went well”, “latency improved”), or it is unclear how "
                    "much of it was the candidate's doing.",
                    "Concrete, measured outcomes (latency, revenue, incidents, hours saved) linked to "
                    "what they did, and how they knew it worked.",
                    "Explains impact in business and human terms (what it made possible, who grew), "
                    "including the price paid, and is candid about results that fell short.",
                ),
            ),
            (
                "scope",
                "Scope beyond the immediate task",
                "How far the candidate's influence reaches past their own ticket: other teams, "
                "standards, mentoring, whole classes of problems.",
                (
                    "Everything stays inside their own ticket or team.",
                    "Some cross-team work, but as a participant rather than the one who moved it.",
                    "Influenced work beyond their own: other teams, shared standards, mentoring or "
                    "hiring, or removing a whole class of problems.",
                    "Led change across several teams through influence rather than authority and "
                    "raised the level of the people around them.",
                ),
            ),
            (
                "communication",
                "Communication",
                "Answers with a shape: brief context, what they did, the result and the lesson, "
                "and the depth to handle follow-ups.",
                (
                    "Rambling or guarded; the story is hard to follow and collapses under follow-up "
                    "questions.",
                    "A template followed mechanically: lots of context, little about their own "
                    "actions, thin answers to follow-ups.",
                    "Sets the scene quickly, spends most of the time on their decisions and actions, "
                    "lands the result, and answers follow-ups with specifics.",
                    "Chooses the right story for the question, adjusts depth to the listener, and "
                    "reflects honestly on what they learned.",
                ),
            ),
        ],
    ),
    (
        "compensation",
        "Compensation negotiation",
        "The starting package anchors every raise after it, and accepting the first number tells the "
        "company you do not know your worth. This rubric rewards a specific number with reasons, "
        "fluency in total compensation, and calm, friendly persistence.",
        [
            (
                "market_knowledge",
                "Market knowledge",
                "A specific number backed by a rationale: market data for the level and location, "
                "competing offers, the candidate's track record.",
                (
                    "No number, or one they cannot justify; has not looked at market data.",
                    "A range or a number, but the reason is hearsay or current pay plus a bit.",
                    "States one specific target and the reasons for it: data for the level and "
                    "location, competing processes, their own record.",
                    "Anchors first with a precise, well-supported number and adjusts it credibly as "
                    "new facts appear (level, team, a competing offer).",
                ),
            ),
            (
                "total_comp",
                "Total-compensation literacy",
                "Understanding the whole package: base against equity depending on company stage, "
                "vesting, refresher grants, signing bonus, and which parts bend most easily.",
                (
                    "Talks only about base salary; cannot compare two offers.",
                    "Knows the parts but does not value them: equity at face value, vesting and "
                    "refreshers ignored.",
                    "Values the offer as a whole: base, equity in the light of company stage and "
                    "liquidity, vesting, refreshers and signing bonus, and knows which parts are "
                    "most flexible.",
                    "Reshapes the package around their goals (more base at an early-stage company, a "
                    "signing bonus to cover equity left behind) and asks about refresher policy and "
                    "levelling.",
                ),
            ),
            (
                "advocacy",
                "Advocacy: answering the first offer",
                "Whether the candidate answers the first offer with a concrete counter instead of "
                "accepting it or asking for “something competitive”.",
                (
                    "Accepts the first offer, or asks for “something competitive”; apologises for "
                    "asking.",
                    "Pushes back once, vaguely, then settles; names their number early and gets "
                    "nothing for it.",
                    "Answers the first offer with a concrete counter and the reasons, asks for "
                    "specific changes, and keeps the recruiter on their side.",
                    "Meets objections (“that is the top of the band”) with alternatives such as "
                    "level, signing bonus, equity or start date, and closes with clear asks and a "
                    "timeline.",
                ),
            ),
            (
                "walk_away",
                "Walk-away clarity",
                "Knowing what they will and will not accept, and what matters most to them.",
                (
                    "No idea of their minimum: could be talked into anything, or refuses by reflex.",
                    "Has a minimum in mind but cannot state it or why; wavers under pressure.",
                    "Knows their walk-away point and their priorities (base, equity, level, remote "
                    "work) and decides by them.",
                    "States limits calmly and without threats, uses real alternatives honestly, and "
                    "can say exactly what would make them sign today.",
                ),
            ),
            (
                "tone",
                "Tone",
                "Confident, warm and professional: asking firmly while keeping the relationship.",
                (
                    "Adversarial or apologetic: ultimatums, or so hesitant that the ask gets lost.",
                    "Polite but uneasy; over-explains, and filler or long silences weaken the "
                    "message.",
                    "Confident and friendly: shows real interest in the role while asking firmly, "
                    "and listens.",
                    "Turns the recruiter into an ally (“help me get this approved”), stays calm under "
                    "pressure, and leaves both sides glad of the outcome.",
                ),
            ),
        ],
    ),
    (
        "coding",
        "Senior coding",
        "At senior level coding is table stakes: it rarely wins the offer but can lose it. The bar "
        "is working, readable code, tested by the candidate, with the complexity understood and "
        "the reasoning said out loud.",
        [
            (
                "correctness",
                "Correctness",
                "A working solution that handles the edge cases that matter.",
                (
                    "No working solution, or one that fails on the main case.",
                    "Works for the main case; edge cases (empty input, duplicates, overflow) missed "
                    "until pointed out.",
                    "A working solution that handles the important edge cases, found by the "
                    "candidate.",
                    "Correct first time on the edge cases, and the candidate can argue why it is "
                    "correct.",
                ),
            ),
            (
                "clarity",
                "Code clarity",
                "Code another engineer could maintain: names, structure, small functions.",
                (
                    "Hard to follow: one-letter names, deep nesting, copy and paste.",
                    "Readable in parts, but structure and names need explaining.",
                    "Clear names and structure; another engineer could pick it up without help.",
                    "Production quality under interview pressure: idiomatic, well factored, with "
                    "the messy parts isolated.",
                ),
            ),
            (
                "testing",
                "Testing",
                "Whether the candidate checks their own work: walking through examples, choosing "
                "test cases, finding their own bugs.",
                (
                    "Declares it done without checking; bugs found only by the interviewer.",
                    "Runs the happy path when asked; misses the cases that would break it.",
                    "Walks through examples unprompted, including edge cases, and fixes what they "
                    "find.",
                    "Chooses test cases systematically (boundaries, failure paths) and explains how "
                    "they would test it in a real codebase.",
                ),
            ),
            (
                "complexity",
                "Complexity reasoning",
                "Time and space complexity, and the alternatives that trade one for the other.",
                (
                    "Cannot state the complexity of their own solution.",
                    "States complexity when asked, with mistakes or without reasons.",
                    "States time and space complexity correctly and names a better or different "
                    "approach where one exists.",
                    "Reasons about trade-offs between approaches for the realistic input sizes and "
                    "picks deliberately.",
                ),
            ),
            (
                "communication",
                "Communication",
                "Clarifying the problem first, then thinking aloud while coding.",
                (
                    "Starts typing without confirming the problem; silent while coding.",
                    "Some narration, but assumptions stay unstated and hints are missed.",
                    "Clarifies inputs and expectations first, explains the approach before coding, "
                    "and narrates decisions.",
                    "Makes the session collaborative: states trade-offs, invites input, and keeps "
                    "the interviewer oriented throughout.",
                ),
            ),
        ],
    ),
]

# (interview_type, dimension_key, section, title, page)
PLAYBOOK_SECTIONS = [
    ("system_design", "requirements_clarification", "Part 1, section 1", "The first eight minutes: questions before boxes", 6),
    ("system_design", "business_constraints", "Part 1, section 2", "Thinking like the owner: constraints that change the design", 9),
    ("system_design", "design_tradeoffs", "Part 1, section 3", "Arguing trade-offs out loud", 11),
    ("system_design", "scale_reliability", "Part 1, section 4", "Estimates, bottlenecks and failure", 13),
    ("system_design", "communication", "Part 1, section 5", "A conversation, not a performance", 16),
    ("behavioral", "ownership", "Part 2, section 1", "From “we” to “I”: telling the stories you drove", 19),
    ("behavioral", "ambiguity_to_clarity", "Part 2, section 2", "Defining the problem worth solving", 22),
    ("behavioral", "impact_evidence", "Part 2, section 3", "Numbers that prove the impact", 24),
    ("behavioral", "scope", "Part 2, section 4", "Reaching beyond your own task", 26),
    ("behavioral", "communication", "Part 2, section 5", "Answers with a shape", 28),
    ("compensation", "market_knowledge", "Part 3, section 1", "Your number and the reasons for it", 31),
    ("compensation", "total_comp", "Part 3, section 2", "Total compensation: base, equity, refreshers, signing bonus", 34),
    ("compensation", "advocacy", "Part 3, section 3", "Answering the first offer", 37),
    ("compensation", "walk_away", "Part 3, section 4", "Knowing your walk-away point", 40),
    ("compensation", "tone", "Part 3, section 5", "Staying an ally while you ask", 42),
    ("coding", "correctness", "Introduction", "Table stakes: the coding screen at senior level", 3),
    ("coding", "clarity", "Introduction", "Table stakes: the coding screen at senior level", 3),
    ("coding", "testing", "Introduction", "Table stakes: the coding screen at senior level", 3),
    ("coding", "complexity", "Introduction", "Table stakes: the coding screen at senior level", 3),
    ("coding", "communication", "Introduction", "Table stakes: the coding screen at senior level", 3),
]  # fmt: skip


def seed(apps, schema_editor):
    Rubric = apps.get_model("interviews", "Rubric")
    Dimension = apps.get_model("interviews", "Dimension")
    LevelAnchor = apps.get_model("interviews", "LevelAnchor")
    PlaybookSection = apps.get_model("interviews", "PlaybookSection")
    for interview_type, title, summary, dimensions in RUBRICS:
        if Rubric.objects.filter(interview_type=interview_type).exists():
            continue
        rubric = Rubric.objects.create(
            interview_type=interview_type, version=1, title=title, summary=summary, active=True
        )
        for order, (key, name, measures, anchors) in enumerate(dimensions, start=1):
            dimension = Dimension.objects.create(
                rubric=rubric, key=key, name=name, measures=measures, order=order
            )
            LevelAnchor.objects.bulk_create(
                LevelAnchor(dimension=dimension, score=score, behaviour=behaviour)
                for score, behaviour in enumerate(anchors, start=1)
            )
    for interview_type, key, section, title, page in PLAYBOOK_SECTIONS:
        PlaybookSection.objects.get_or_create(
            interview_type=interview_type,
            dimension_key=key,
            defaults={"section": section, "title": title, "page": page},
        )


def unseed(apps, schema_editor):
    Rubric = apps.get_model("interviews", "Rubric")
    PlaybookSection = apps.get_model("interviews", "PlaybookSection")
    # Rubrics that graded someone stay: scorecards protect them.
    Rubric.objects.filter(version=1, scorecards__isnull=True).delete()
    PlaybookSection.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0002_no_overlapping_bookings"),
        ("interviews", "0003_seed_questions"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
