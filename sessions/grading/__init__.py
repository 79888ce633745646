"""Grading: rubrics, scorecards, the reveal rule, interviewer ratings, the dashboard and charts."""
