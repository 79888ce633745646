"""The first question bank: senior and staff questions for every interview type.

Frozen here so the migration replays the same rows forever; staff edit and add
questions in the admin afterwards. Negotiation questions are offer scenarios:
the interviewer plays the recruiter and the notes say what they may concede.
"""

from django.db import migrations

SYSTEM_DESIGN = [
    (
        "senior",
        "Rate limiter for a public API",
        "Our public REST API is used by about 40,000 customer integrations. Some of them send bursts "
        "that hurt everyone else. Design the rate limiting for it.",
        "Strong candidates ask before designing: limits per API key, per user or per IP? Is the limit "
        "a hard contract (billing tier) or protection? How many requests per second across the fleet, "
        "and how many gateway nodes? Can a customer briefly exceed the limit, and is a small overshoot "
        "acceptable (it usually is, which allows local counters)? A good design compares fixed window, "
        "sliding window log, sliding window counter and token bucket with their memory and accuracy "
        "costs, puts counters in a shared store (Redis with atomic INCR/Lua, or local buckets synced "
        "periodically) and returns 429 with Retry-After and rate-limit headers. Senior bar: explains "
        "what happens when Redis is slow or down (fail open vs fail closed, and why), hot keys, and "
        "multi-region counting. Staff signal: ties the limits to the product tiers, discusses how "
        "customers learn about their usage, and how to roll out limits without breaking integrations.",
        "What if limits must be exact for billing? · How do you change a customer's limit without a "
        "deploy? · Two regions, one global limit: what do you give up?",
    ),
    (
        "senior",
        "Notification fan-out",
        "Design the system that sends notifications (push, email, SMS) for a social product with 50 "
        "million monthly users. Product teams trigger notifications from many services.",
        "Look for the first minutes spent on: which notifications are transactional (password reset) "
        "versus engagement, expected volume and peaks (a celebrity post fanning out to millions), "
        "latency expectations per channel, user preferences and quiet hours, and whether duplicates or "
        "losses are worse. A good design: an ingestion API with idempotency keys, a durable queue, "
        "per-channel workers, a preference and rate-limit check before send, provider adapters with "
        "retries and backoff, and a record of every send for deduplication and support. Senior bar: "
        "separates priority queues so a marketing blast never delays password resets; handles provider "
        "outages. Staff signal: frames the platform for other teams (templates, ownership, budgets per "
        "team) and the user-trust angle (too many notifications kill engagement).",
        "A provider returns success but the message never arrives: how would you know? · How do you "
        "guarantee at most one of the same notification per user per hour? · Digesting: combine ten "
        "likes into one notification.",
    ),
    (
        "staff",
        "Collaborative document editing",
        "Design real-time collaborative editing for a documents product, like several people typing "
        "in the same document at once.",
        "Clarifying matters a lot here: document size, how many simultaneous editors (5 or 500?), "
        "offline editing, rich text or plain text, history and undo requirements, latency targets. "
        "Strong answers compare operational transformation with CRDTs honestly (server-ordered OT is "
        "simpler when there is always a server; CRDTs shine offline but cost memory and tombstones), "
        "describe the session service holding a document in memory with a WebSocket per client, "
        "periodic snapshots plus an operation log for durability, and presence (cursors) kept out of "
        "the durable path. Staff signal: how documents are sharded across session servers and moved "
        "on failure, how permissions are enforced per operation, migration of the storage format, and "
        "which parts they would buy or build.",
        "A session server dies mid-edit: what does the user see? · How does undo work with other "
        "people's edits interleaved? · Comments anchored to text that gets deleted.",
    ),
    (
        "staff",
        "Payments ledger",
        "We are building wallet balances for a marketplace: buyers pay, sellers get paid out, we keep "
        "fees, refunds happen. Design the ledger that records money movements.",
        "The strongest candidates clarify the accounting requirements before the architecture: "
        "currencies, who reads balances and how fresh they must be, audit and regulatory needs, "
        "volume of transactions, reconciliation with the payment provider. Expected: double-entry "
        "bookkeeping (every movement is balanced debits and credits), immutable entries (corrections "
        "are new entries), idempotency keys on every external event, balances derived from entries "
        "with cached snapshots, and strong consistency for the write path (a relational database is a "
        "fine answer). Staff signal: daily reconciliation against the provider's reports, how to "
        "handle a webhook arriving twice or out of order, month-end close, and who in the company "
        "consumes the ledger (finance, support) and what they need.",
        "A refund arrives for a payout that already left: what entries? · How do you prove to an "
        "auditor that balances were right on a given day? · Multi-currency with FX at settlement.",
    ),
    (
        "senior",
        "Short links with click analytics",
        "Design a link shortener for a marketing company: customers create short links and want to "
        "see click analytics by country, device and hour.",
        "Good clarifying: custom aliases, link expiry, how many links created per day versus clicks "
        "(reads dominate heavily), how fresh analytics must be (minutes is usually fine), retention. "
        "Design: key generation (counter with base62, or random with collision check, and why), a "
        "key-value store for lookups behind a CDN or cache, redirects that don't wait for analytics "
        "(fire an event to a log or queue), and an aggregation pipeline into hourly rollups. Senior "
        "bar: 301 versus 302 and its effect on analytics, abuse (phishing links), hot links. Beware "
        "candidates who spend 20 minutes on the hash function and none on the analytics the customer "
        "actually pays for.",
        "A link goes viral at 200k clicks per second · Customers want unique visitors, not clicks · "
        "Deleting a customer's data on request.",
    ),
    (
        "staff",
        "Ride dispatch: matching riders and drivers",
        "Design the dispatch system that matches ride requests to nearby drivers in a large city.",
        "Clarifying: number of active drivers and requests at peak, location update frequency, "
        "acceptable matching latency, whether the matching is greedy or batch-optimised, and what "
        "matters to the business (wait time, driver utilisation, fairness). Design: drivers send "
        "location every few seconds into an in-memory geo index (geohash or H3 cells, sharded by "
        "region), a matcher that queries nearby cells, offers a ride to one driver at a time with a "
        "timeout, and a state machine for the trip stored durably. Staff signal: batch matching "
        "trade-offs, surge pricing as a feedback loop, region failover, and how they would measure "
        "that a matching change actually helped (experiments with city-level effects).",
        "Two requests want the same driver at once · A driver's phone loses signal mid-offer · "
        "Airport queues with fairness rules.",
    ),
    (
        "senior",
        "Feature flags for a hundred services",
        "Our engineering organisation has a hundred services and wants feature flags: percentage "
        "rollouts, per-customer targeting and a kill switch. Design the platform.",
        "Clarifying: how quickly must a flag change take effect (kill switch: seconds), evaluation "
        "latency budget (in-process, microseconds), number of flags and rules, who edits flags and "
        "audit needs. Design: a control plane with a database and audit log, a distribution layer "
        "(streaming or polling from a CDN/edge cache), SDKs that evaluate locally from a cached rule "
        "set with deterministic hashing for percentage rollouts, and a safe default when the platform "
        "is unreachable. Senior bar: consistency between services for the same user, stale flag "
        "cleanup, testing with flags. Staff signal: governance (flag ownership and expiry), and how "
        "flags interact with experiments and incident response.",
        "The flag service is down during a deploy · A percentage rollout must be sticky per customer, "
        "not per request · Flags in mobile apps that update weekly.",
    ),
    (
        "staff",
        "Distributed job scheduler",
        "Design a service that runs scheduled jobs (cron-like and one-off) for all product teams: "
        "millions of jobs a day, some every minute, some once a month.",
        "Clarifying: delivery guarantee (at least once is realistic; exactly once is a conversation), "
        "acceptable start delay, job duration range, what happens when a run is missed, multi-tenant "
        "isolation. Design: a durable job table partitioned by next-run time, schedulers that claim "
        "due jobs with leases (conditional updates or SKIP LOCKED), a queue to workers, heartbeats and "
        "lease expiry for crashed workers, idempotent jobs by contract. Staff signal: noisy-neighbour "
        "limits per team, a thundering herd at midnight UTC, time zones and DST for cron expressions, "
        "observability that lets a team answer 'did my job run?' themselves.",
        "A job runs longer than its interval · A worker is paused by GC and its lease expires while "
        "it still runs · Backfilling after a one-hour outage.",
    ),
    (
        "senior",
        "Home timeline for a social app",
        "Design the home timeline for a social app: people follow others and see recent posts from "
        "the people they follow.",
        "Clarifying: daily active users, follows per user, posts per day, read-to-write ratio (reads "
        "dominate), freshness expectation, ranking or chronological. Expected: fan-out on write to "
        "per-user timeline caches for normal accounts, fan-out on read for accounts with huge "
        "followings, and a merge at read time; storage for posts separate from timeline ids. Senior "
        "bar: the celebrity problem stated with numbers, cache sizing, what happens for inactive "
        "users (don't fan out to them). Staff signal: ranking as a separate stage, experimentation, "
        "and the cost model of the two fan-out strategies.",
        "A user unfollows someone: what happens to cached posts? · Deleting a post quickly "
        "everywhere · Back-fill when a user follows someone new.",
    ),
]

BEHAVIORAL = [
    (
        "senior",
        "Turning ambiguity into a plan",
        "Tell me about a time you were handed a problem that was not well defined. What did you do "
        "first, and how did it end?",
        "Listen for the candidate defining the problem rather than waiting for a definition: who they "
        "talked to, what they chose to measure, which options they wrote down and why they picked "
        "one. Strong answers say 'I' for their own decisions and 'we' for the team's work, and "
        "describe a concrete outcome with numbers. Weak answers narrate the project history or credit "
        "'the team' for every decision, so you can't tell what the candidate did. Staff signal: the "
        "problem spanned several teams and the candidate set the direction others followed.",
        "What did you decide not to do? · Who disagreed with your framing? · What would you do "
        "differently today?",
    ),
    (
        "senior",
        "Disagreeing with a senior colleague",
        "Describe a time you disagreed with a technical decision made by someone more senior than "
        "you. What happened?",
        "Good answers show the candidate forming a view with evidence, raising it in the right forum, "
        "listening, and either changing the decision or committing fully to the other one. Listen for "
        "respect and specifics (a prototype, a measurement, a written proposal). Red flags: the story "
        "ends with 'I was right and they were wrong' with no learning, or the candidate never raised "
        "the disagreement at all. Staff signal: they changed a decision that affected several teams, "
        "or they built a mechanism (a design review, a decision record) so the disagreement couldn't "
        "recur silently.",
        "How did you make your case? · What if you had been overruled? · How is your relationship "
        "with that person now?",
    ),
    (
        "staff",
        "Influence without authority",
        "Tell me about a change you needed other teams to make, where you had no authority over "
        "them. How did you get it done?",
        "Staff-level stories involve understanding the other teams' incentives, making the change "
        "cheap for them (doing part of the work, a migration tool, a paved road), building a coalition "
        "and escalating only as a last resort. Listen for the candidate's own actions and for how long "
        "they stayed with it. Weak answers: 'I escalated to my director' as the main move, or a story "
        "that is really about their own team.",
        "Which team resisted most, and why? · What did you give up to get agreement? · How did you "
        "know it had worked?",
    ),
    (
        "senior",
        "An incident you owned",
        "Walk me through a production incident or failure where you were at the centre. What did you "
        "do during it and after?",
        "Strong answers cover the timeline crisply, the candidate's own calls during the incident "
        "(mitigate first, diagnose second), clear communication, and a blameless follow-up with "
        "changes that addressed the class of problem, not just the instance. Watch for ownership: "
        "candidates who caused the incident and say so plainly score well. Weak answers blame another "
        "team or stop at 'we fixed the bug'. Staff signal: they changed how the organisation handles "
        "incidents or deploys.",
        "What did you tell stakeholders, and when? · What was the one change that mattered most? · "
        "Has a similar incident happened since?",
    ),
    (
        "senior",
        "Raising the bar of a team",
        "Tell me about someone you helped grow, or a practice you introduced that made your team "
        "better.",
        "Look for deliberate action: pairing, code review that teaches, delegating a stretch project "
        "with support, writing down standards. Strong answers name what changed in the other person or "
        "the team's results, and what the candidate learned about mentoring. Weak answers are generic "
        "('I always help people') with no specific person or outcome.",
        "What didn't work? · How did you balance it with your own deliverables? · Someone who did "
        "not want your help.",
    ),
    (
        "staff",
        "Saying no to a stakeholder",
        "Describe a time you argued against building something a stakeholder wanted. What was the "
        "outcome?",
        "Staff engineers protect focus. Listen for the candidate understanding the real need behind "
        "the request, offering a cheaper alternative or a sequence, using data about cost and risk, "
        "and keeping the relationship. The outcome can be either way; what matters is the reasoning "
        "and the candidate's role in the decision.",
        "What was the real problem behind the request? · What did it cost you politically? · Would "
        "you make the same call now?",
    ),
    (
        "staff",
        "Setting technical direction",
        "Tell me about a multi-quarter technical direction you set for more than your own team. How "
        "did you decide it, and how did people come to follow it?",
        "Expect a written strategy or design, input gathered from several teams, explicit trade-offs "
        "and non-goals, milestones that delivered value early, and adjustments when reality "
        "disagreed. The candidate should be clearly the author or driver. Weak answers describe a "
        "roadmap they executed, not one they shaped.",
        "What did you get wrong in the plan? · How did you measure progress? · Who was unconvinced "
        "at the end?",
    ),
    (
        "senior",
        "Speed versus quality under a deadline",
        "Describe a time a deadline forced you to trade quality for speed. How did you decide what "
        "to cut?",
        "Good answers make the trade-off explicit and reversible: what risk was accepted, who agreed "
        "to it, how the debt was recorded and paid back. Look for the candidate driving the decision "
        "rather than just absorbing pressure, and for honesty about consequences.",
        "Did the shortcut come back to bite? · Who did you have to convince? · What would you never "
        "cut?",
    ),
    (
        "senior",
        "Changing your mind",
        "Tell me about a time data or a colleague changed your mind about something you felt strongly "
        "about.",
        "Listen for intellectual honesty: what the original belief was, what evidence changed it, how "
        "quickly they updated and how they told others. Senior candidates can separate ego from "
        "outcome. Weak answers pick a trivial topic or describe being overruled rather than persuaded.",
        "How did you communicate the change? · What signal would have told you earlier?",
    ),
]

CODING = [
    (
        "senior",
        "Meeting rooms needed",
        "Given a list of meetings as [start, end) minute pairs, return the minimum number of rooms "
        "needed so that no two overlapping meetings share a room. Then return which room each meeting "
        "gets.",
        "Expected: sort by start and keep a min-heap of end times, O(n log n); or a sweep over sorted "
        "start and end events. The assignment follow-up needs the heap to carry room ids. Good "
        "candidates ask about touching intervals (end == start is not an overlap here) and empty "
        "input, test with nested and identical meetings, and name complexity unprompted.",
        "Meetings arrive as a stream · Rooms have capacities and meetings have sizes · Return the "
        "busiest room.",
    ),
    (
        "senior",
        "LRU cache with expiry",
        "Implement a key-value cache with a fixed capacity that evicts the least recently used entry, "
        "where each entry may also have a time-to-live. get and put should be O(1).",
        "Expected: a hash map plus a doubly linked list (or an ordered dict), with expiry checked "
        "lazily on get and during eviction. Strong candidates make the clock injectable for tests, "
        "discuss whether expired entries count toward capacity, and write tests for eviction order. "
        "Staff signal: thread safety and the cost of a global lock, sharding.",
        "Make it thread-safe · Evict expired entries proactively · Size in bytes, not entries.",
    ),
    (
        "senior",
        "Sliding-window rate limiter",
        "Implement allow(client_id, now) that returns whether a request is allowed when each client "
        "may make at most N requests in any rolling window of W seconds.",
        "Expected: a deque of timestamps per client (exact, O(N) memory) or a sliding-window counter "
        "approximation (two buckets, O(1) memory) with the error explained. Good candidates handle "
        "clock values arriving out of order, clean up idle clients, and test the boundary (exactly W "
        "seconds later).",
        "Millions of clients: memory? · Distributed across servers · Burst allowance.",
    ),
    (
        "senior",
        "Top K in a stream",
        "Given a stream of search queries, return the K most frequent queries seen so far at any "
        "time.",
        "Expected: a count map plus a min-heap of size K, with the subtlety that counts change after "
        "insertion (re-push or keep an index); or bucket sort when K is asked rarely. Strong "
        "candidates discuss the memory of an unbounded count map and approximate structures "
        "(Count-Min sketch with a heap) for huge streams.",
        "Top K in the last hour only · Memory capped at 10 MB · Ties broken alphabetically.",
    ),
    (
        "senior",
        "Build order with cycle detection",
        "Given packages and their dependencies, return an order in which to build them, or report the "
        "cycle if there is none.",
        "Expected: topological sort by Kahn's algorithm or DFS with three colours; reporting the "
        "actual cycle needs a parent map or the DFS stack. Good candidates ask about unknown "
        "dependencies and duplicate edges, and test a diamond and a self-loop.",
        "Build in parallel with P workers: minimum total time? · Incremental rebuild after one "
        "package changes.",
    ),
    (
        "staff",
        "Key-value store with transactions",
        "Implement an in-memory key-value store with get, set, delete, begin, commit and rollback, "
        "where transactions can be nested.",
        "Expected: a stack of change layers (each layer records new values and deletions), reads "
        "walking the stack top-down, commit merging the top layer into the one below, rollback "
        "discarding it. Strong candidates get deletion-inside-transaction right with a tombstone and "
        "keep commit cheap. Staff signal: discusses isolation if two clients share the store, and "
        "tests nested rollback carefully.",
        "count(value) in O(1) · Snapshot reads for concurrent readers · Persist to disk.",
    ),
    (
        "senior",
        "p99 latency per endpoint",
        "You receive access-log lines 'timestamp endpoint latency_ms', in time order. Report the p99 "
        "latency of each endpoint over the last five minutes whenever asked.",
        "Expected: per-endpoint windowed storage with eviction of old entries, then a percentile by "
        "sorting or a selection algorithm; better answers keep latency histograms per minute bucket "
        "(fixed memory, approximate percentile) and explain the error. Good candidates parse "
        "defensively and test empty windows.",
        "Lines arrive slightly out of order · A thousand endpoints, queries every second · Merge "
        "results from ten servers.",
    ),
    (
        "senior",
        "Shortest path with keys and doors",
        "A grid has walls, doors A–F and keys a–f. Starting at @, find the fewest steps to collect all "
        "keys; a door opens only once you hold its key.",
        "Expected: BFS over state (row, column, keys held as a bitmask); visited must include the key "
        "set. Strong candidates reason about the state-space size (cells × 2^k) and write a small "
        "test grid first.",
        "Several starting robots · Weighted moves · Return the path, not just its length.",
    ),
    (
        "staff",
        "Bounded blocking queue",
        "Implement a thread-safe bounded queue: put blocks when full, take blocks when empty, both "
        "with an optional timeout.",
        "Expected: a lock with two condition variables (not full, not empty), waiting in a while loop "
        "to handle spurious wakeups, and timeouts computed against a deadline. Strong candidates "
        "explain why notify versus notify_all matters, and how they would test it (threads, "
        "barriers, and no sleeps as synchronisation).",
        "Add close() that wakes everyone · Many producers, one consumer: can you drop the lock? · "
        "Fairness.",
    ),
]

COMPENSATION = [
    (
        "senior",
        "Series B startup, quiet on equity",
        "You are the recruiter at a 90-person Series B company (raised $40M a year ago). Offer for a "
        "senior backend engineer: base $185,000; 24,000 stock options, 4-year vesting with a 1-year "
        "cliff; no signing bonus. Present it warmly, say the team is excited, and ask whether the "
        "candidate can confirm by Friday.",
        "You may concede: base up to $195,000; options up to 30,000; a signing bonus up to $15,000 if "
        "the candidate mentions a competing offer or lost bonus. You must not reveal the strike price "
        "or total shares outstanding unless asked directly (then: strike $2.10, 80M fully diluted "
        "shares, so the grant is about 0.03%). No refreshers policy exists yet. A strong candidate "
        "asks for the percentage and the last preferred price, names a specific number with a "
        "reason, and trades between base and equity.",
        "Candidate asks for 0.1%: push back once · Candidate asks about an extended exercise window "
        "(you can offer 5 years).",
    ),
    (
        "senior",
        "Public company, competing offer",
        "You recruit for a large public tech company. Offer: senior level, base $210,000, RSUs worth "
        "$320,000 over 4 years (25% a year), signing bonus $30,000, target bonus 15%. The candidate "
        "has told you they are interviewing elsewhere.",
        "You may concede: RSUs up to $420,000 if the candidate shares a written competing offer; "
        "signing up to $60,000; base only to $225,000 (band cap, say so). The target bonus is fixed. "
        "A strong candidate focuses on total compensation, uses the competing offer without bluffing, "
        "and asks for the signing bonus to bridge unvested equity they leave behind.",
        "Candidate says 'I need $500k total': ask how they got there · Candidate accepts immediately: "
        "debrief on what they left on the table.",
    ),
    (
        "staff",
        "Pre-IPO staff offer with double-trigger RSUs",
        "You are the recruiter at a late-stage private company planning an IPO 'in the next couple of "
        "years'. Offer: staff engineer, base $240,000, RSUs valued at $600,000 at the last 409A over 4 "
        "years, double-trigger (they only vest into shares at a liquidity event), no signing bonus.",
        "You may concede: an extra $150,000 in RSUs; a signing bonus up to $40,000; base is at the "
        "band top ($250,000 maximum). Refreshers are 'performance based', typically 25% of the initial "
        "grant per year after year two; confirm only if asked. If asked what happens if there is no "
        "IPO, admit the RSUs expire after 7 years. A strong candidate probes the double trigger and "
        "expiry, discounts private equity sensibly, and asks for more cash given the illiquidity.",
        "Candidate asks for the preferred share price · Candidate asks for part of the grant as "
        "options instead.",
    ),
    (
        "staff",
        "Down-levelled offer",
        "The candidate interviewed for staff, and the committee offers senior: base $200,000, RSUs "
        "$280,000 over 4 years, signing $20,000. You are the recruiter; present the senior level as "
        "'a great fit with a fast path to staff'.",
        "You may concede: a written level review at 6 months with named criteria; RSUs up to "
        "$350,000; signing up to $40,000. You cannot change the level without a new interview, but "
        "you can offer one extra interview with a staff panel if the candidate presents evidence "
        "(scope of past projects). A strong candidate asks for the feedback behind the decision, "
        "negotiates the level first and the money second, and gets commitments in writing.",
        "Candidate threatens to walk away: hold your position once, then offer the extra interview.",
    ),
    (
        "senior",
        "Berlin scale-up with virtual shares",
        "You recruit for a Berlin scale-up (400 people). Offer: senior engineer, base €95,000, a "
        "virtual share plan (VSOP) of 1,200 units 'worth about €60,000 at the last round', 4-year "
        "vesting, 30 days of holiday, €2,000 learning budget.",
        "You may concede: base up to €105,000; VSOP up to 1,600 units; a €10,000 relocation bonus; "
        "the learning budget is fixed. If asked: virtual shares pay out only on an exit and are "
        "taxed as income; the company's last round valued it at €900M. A strong candidate asks how "
        "the payout works, values the VSOP conservatively, and pushes on base because it is the "
        "certain part.",
        "Candidate asks for a four-day week instead of money · Candidate asks about leaver clauses.",
    ),
    (
        "senior",
        "The exploding offer",
        "You recruit for a fast-growing startup. Offer: senior, base $190,000, 0.05% in options, "
        "signing $10,000. The offer expires in 48 hours; say leadership wants to close the role this "
        "week.",
        "You may concede: extend the deadline to 7 days if the candidate asks calmly and explains "
        "other processes; base up to $200,000; signing up to $25,000. Do not move on equity in this "
        "round. A strong candidate neither panics nor accepts on the spot, asks for more time without "
        "apologising, and negotiates a specific number.",
        "Candidate asks whether the deadline is real · Candidate asks to speak to the hiring manager.",
    ),
    (
        "staff",
        "Counter-offer from the current employer",
        "Play the candidate's current engineering director. The candidate (staff engineer, base "
        "$230,000) has an outside offer at $280,000 total and tells you they are leaving. You want "
        "to keep them.",
        "You may concede: a retention bonus of $50,000 paid over a year; a promotion review in the "
        "next cycle (not a promise); base up to $245,000 now. You cannot match equity. A strong "
        "candidate is clear about why they are leaving (money or something else), doesn't bluff, and "
        "evaluates whether the counter fixes the real reason.",
        "Candidate says it's not about money · Candidate asks for the promotion in writing.",
    ),
    (
        "staff",
        "Founding engineer at a seed company",
        "You are the founder-CEO of a seed-stage company ($4M raised) hiring a founding engineer at "
        "staff level. Offer: base $160,000 and 0.75% in options, 4-year vesting, 1-year cliff.",
        "You may concede: either equity up to 1.0% or base up to $175,000, not both (say so if "
        "pushed); early exercise; a 10-year exercise window. If asked: runway is 20 months, the "
        "option pool is 10%. A strong candidate asks about runway, the next round, dilution and "
        "the exercise window, and chooses the base/equity mix deliberately.",
        "Candidate asks for a board observer seat · Candidate asks for acceleration on acquisition.",
    ),
    (
        "senior",
        "Back-loaded vesting",
        "You recruit for a large company whose RSUs vest 5% / 15% / 40% / 40% over four years. "
        "Offer: senior, base $205,000, RSUs $360,000 total, year-one signing bonus $40,000, year-two "
        "signing bonus $30,000.",
        "You may concede: year-one signing up to $70,000 and year-two up to $55,000; RSUs up to "
        "$400,000; base up to $215,000. A strong candidate computes year-by-year total compensation, "
        "notices the first two years are lower than they look, and negotiates the signing bonuses to "
        "flatten it.",
        "Candidate asks what happens to the signing bonus if they leave in year one (pro-rated "
        "clawback) · Candidate compares year-one cash with another offer.",
    ),
]

BANK = {
    "system_design": SYSTEM_DESIGN,
    "behavioral": BEHAVIORAL,
    "coding": CODING,
    "compensation": COMPENSATION,
}


def seed(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    for interview_type, questions in BANK.items():
        for level, title, prompt, notes, follow_ups in questions:
            Question.objects.get_or_create(
                interview_type=interview_type,
                title=title,
                defaults={
                    "level": level,
                    "prompt": prompt,
                    "interviewer_notes": notes,
                    "follow_ups": follow_ups,
                },
            )


def unseed(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    for interview_type, questions in BANK.items():
        Question.objects.filter(
            interview_type=interview_type, title__in=[q[1] for q in questions]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_no_overlapping_bookings")]

    operations = [migrations.RunPython(seed, unseed)]
