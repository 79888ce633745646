"""What the room leaves behind: the checklist, the final code and board, the replay."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pycrdt import Map

from sessions.grading import services as grading
from sessions.models import Score
from sessions.room import services
from sessions.room.models import RoomDocument
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data, past_booking

pytestmark = pytest.mark.django_db


def write_document(round_, *steps, start=None):
    """Store one update per step (a function of the pycrdt document), a minute apart."""
    document, _ = RoomDocument.objects.get_or_create(round=round_)
    doc = services.new_doc()
    start = start or timezone.now() - timedelta(minutes=30)
    for i, step in enumerate(steps):
        state = doc.get_state()
        step(doc)
        services.append_update(document.pk, doc.get_update(state), now=start + timedelta(minutes=i))
    return document


def type_text(text):
    return lambda doc: doc["code"].insert(len(doc["code"]), text)


def draw(element_id):
    element = {"id": element_id, "type": "rectangle", "x": 0, "y": 0, "width": 50,
               "height": 20, "version": 1, "isDeleted": False}  # fmt: skip
    return lambda doc: doc["elements"].append(Map({"pos": "a0", "el": element}))


def checklist_url(round_):
    return reverse("room:checklist", args=[round_.pk])


class TestChecklist:
    @pytest.fixture
    def round_(self):
        start = timezone.now() - timedelta(minutes=10)
        return make_booking(starts_at=start, interview_type="system_design").rounds.get()

    def test_the_interviewer_ticks_and_unticks(self, client, round_):
        client.force_login(round_.interviewer)
        response = client.post(
            checklist_url(round_),
            {"item": "scale", "ticked": True},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert set(response.json()["checklist"]) == {"scale"}
        client.post(
            checklist_url(round_),
            {"item": "scale", "ticked": False},
            content_type="application/json",
        )
        assert RoomDocument.objects.get(round=round_).checklist == {}

    def test_the_candidate_and_strangers_get_404(self, client, round_):
        for person in (round_.candidate, UserFactory()):
            client.force_login(person)
            response = client.post(
                checklist_url(round_),
                {"item": "scale", "ticked": True},
                content_type="application/json",
            )
            assert response.status_code == 404
        assert not RoomDocument.objects.filter(round=round_).exists()

    def test_an_unknown_item_is_refused_and_changes_nothing(self, client, round_):
        client.force_login(round_.interviewer)
        response = client.post(
            checklist_url(round_),
            {"item": "vibes", "ticked": True},
            content_type="application/json",
        )
        assert response.status_code == 409
        assert "Unknown checklist item" in response.json()["error"]
        assert not RoomDocument.objects.filter(round=round_, checklist__has_key="vibes").exists()

    def test_bad_json_is_a_400(self, client, round_):
        client.force_login(round_.interviewer)
        response = client.post(checklist_url(round_), "{", content_type="application/json")
        assert response.status_code == 400

    def test_it_refuses_get(self, client, round_):
        client.force_login(round_.interviewer)
        assert client.get(checklist_url(round_)).status_code == 405

    def test_a_coding_round_has_no_checklist(self, client):
        round_ = make_booking(interview_type="coding").rounds.get()
        client.force_login(round_.interviewer)
        response = client.post(
            checklist_url(round_),
            {"item": "scale", "ticked": True},
            content_type="application/json",
        )
        assert response.status_code == 409

    def test_the_ticks_become_the_clarifying_evidence_of_the_scorecard(self, round_):
        services.tick_checklist(round_=round_, by=round_.interviewer, item="use_case", ticked=True)
        services.tick_checklist(round_=round_, by=round_.interviewer, item="sla", ticked=True)
        card = grading.start_scorecard(round=round_)
        evidence = Score.objects.get(
            scorecard=card, dimension__key="requirements_clarification"
        ).evidence
        assert evidence == (
            "Ticked in the room: Use case: who uses it and for which flows (minute 10); "
            "SLA: latency, availability, consistency (minute 10)."
        )

    def test_evidence_the_grader_wrote_is_kept(self, round_):
        card = grading.start_scorecard(round=round_)
        Score.objects.filter(scorecard=card, dimension__key="requirements_clarification").update(
            evidence="Asked about peak traffic first."
        )
        services.tick_checklist(round_=round_, by=round_.interviewer, item="scale", ticked=True)
        grading.start_scorecard(round=round_)
        score = Score.objects.get(scorecard=card, dimension__key="requirements_clarification")
        assert score.evidence == "Asked about peak traffic first."


class TestRecordPages:
    @pytest.fixture
    def round_(self):
        return past_booking().rounds.get()

    def test_the_scorecard_form_shows_the_final_code_board_and_replay(self, client, round_):
        write_document(
            round_,
            type_text("def area(r):\n"),
            draw("box-1"),
            type_text("    return 3.14 * r * r\n"),
            lambda doc: doc["meta"].__setitem__("language", "python"),
        )
        client.force_login(round_.interviewer)
        body = client.get(reverse("grading:scorecard", args=[round_.pk])).content.decode()
        assert "From the room" in body
        assert "def area(r):\n    return 3.14 * r * r" in body
        assert "(Python)" in body
        assert 'data-board-view="board-' in body and "box-1" in body
        assert f'id="replay-{round_.pk}"' in body and "Replay the editor" in body

    def test_the_candidate_sees_it_on_the_feedback_page_only_after_the_reveal(self, client, round_):
        write_document(round_, type_text("SELECT 42;"))
        client.force_login(round_.candidate)
        feedback = reverse("grading:scorecard_view", args=[round_.pk])
        assert client.get(feedback).status_code == 404
        grading.submit_scorecard(
            round=round_, grader=round_.interviewer, data=complete_data("system_design")
        )
        # One round: its one scorecard submitted reveals it.
        body = client.get(feedback).content.decode()
        assert "From the room" in body
        assert "SELECT 42;" in body

    def test_an_empty_room_says_so(self, client, round_):
        client.force_login(round_.interviewer)
        body = client.get(reverse("grading:scorecard", args=[round_.pk])).content.decode()
        assert "Nothing was written in the shared editor" in body


class TestReplay:
    def test_frames_follow_the_stored_updates_and_drop_repeats(self):
        round_ = make_booking().rounds.get()
        write_document(round_, type_text("a"), draw("x"), type_text("b"))
        frames = services.replay_frames(round_)
        assert [f["code"] for f in frames] == ["a", "ab"]

    def test_compaction_keeps_the_final_state(self):
        round_ = make_booking().rounds.get()
        start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
        document = write_document(round_, *[type_text(str(i)) for i in range(12)], start=start)
        removed = services.compact_document(document.pk, bucket=timedelta(minutes=5))
        assert removed > 0
        assert services.round_contents(round_).code == "01234567891011"
        assert len(services.replay_frames(round_)) == document.updates.count()
