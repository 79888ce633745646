"""What grading announces. Receivers run inside the sender's transaction."""

from django.dispatch import Signal

# scorecard: a Scorecard its grader just submitted.
scorecard_submitted = Signal()
# booking, candidates: every round of the booking has a submitted scorecard now;
# the candidates may read their feedback.
feedback_revealed = Signal()
