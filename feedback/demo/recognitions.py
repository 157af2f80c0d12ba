"""Plan the year's kudos for complaints handled well and ideas that worked."""

from datetime import datetime, timedelta

from feedback.models import Recognition

from .handling import ComplaintDraft, Status
from .ideas import IdeaDraft, IdeaStatus
from .planning import YearPlanner, in_sentence
from .texts import kudos_wording

RECOGNITION_COUNTS = {"complaint": 20, "idea": 10}


class RecognitionPlanner(YearPlanner):
    """Plan the recognitions: kudos for frontline staff, given after what they are for."""

    def recognitions(
        self, complaints: list[ComplaintDraft], ideas: list[IdeaDraft]
    ) -> list[Recognition]:
        """Return kudos for frontline staff, for complaints handled well and ideas that worked."""
        self.draw_from("recognitions")
        rng = self.random
        login = self.people.frontline_login
        frontline_ids = {user.pk for user in self.people.frontline} | {login.pk}

        def praised(draft: ComplaintDraft) -> bool:
            complaint = draft.complaint
            return (
                complaint.status == Status.CLOSED
                # Closed before today: the same choice at any hour of the day.
                and complaint.closed_at is not None
                and self.days_ago(complaint.closed_at) > 0
                and draft.handler is not None
                and draft.handler.pk in frontline_ids
                and (
                    complaint.resolved_at_first_contact
                    or (complaint.customer_satisfaction or 0) >= 4
                )
            )

        handled = [draft for draft in complaints if praised(draft)]
        mine = [draft for draft in handled if draft.handler and draft.handler.pk == login.pk]
        others = [draft for draft in handled if draft not in mine]
        count = RECOGNITION_COUNTS["complaint"]
        chosen = rng.sample(mine, min(2, len(mine)))
        login_wanted = 3 - len(chosen)  # the demo login's page shows at least three
        chosen += rng.sample(others, min(count - len(chosen), len(others)))
        recognitions = [self.complaint_kudos(draft, index) for index, draft in enumerate(chosen)]

        worked = [
            draft
            for draft in ideas
            if draft.duplicate_of is None
            and draft.idea.status in (IdeaStatus.ACCEPTED, IdeaStatus.IMPLEMENTED)
            and draft.idea.decided_at is not None
            and self.days_ago(draft.idea.decided_at) > 0
            and draft.submitted_by.pk in frontline_ids
        ]
        mine_ideas = [draft for draft in worked if draft.submitted_by.pk == login.pk]
        other_ideas = [draft for draft in worked if draft.submitted_by.pk != login.pk]
        count = RECOGNITION_COUNTS["idea"]
        chosen_ideas = rng.sample(mine_ideas, min(login_wanted, len(mine_ideas)))
        chosen_ideas += rng.sample(other_ideas, min(count - len(chosen_ideas), len(other_ideas)))
        recognitions += [self.idea_kudos(draft) for draft in chosen_ideas]
        return recognitions

    def given_after(self, moment: datetime) -> datetime:
        """Return when kudos are given for something that happened at `moment`."""
        given = self.working_moment(moment + timedelta(days=self.random.uniform(0.5, 10)))
        return given if given <= self.now else moment + (self.now - moment) / 2

    def complaint_kudos(self, draft: ComplaintDraft, index: int) -> Recognition:
        """Return kudos for a complaint handled well."""
        complaint = draft.complaint
        recipient = draft.handler or draft.logged_by
        wording = kudos_wording()
        specific = wording.themes.get(draft.theme_key, ())
        if specific and self.random.random() < 0.5:
            template = self.random.choice(specific)
        else:
            template = wording.complaints[index % len(wording.complaints)]
        behaviour = template.format(
            first_name=recipient.first_name or recipient.get_username(),
            reference=complaint.reference,
            touchpoint=in_sentence(draft.touchpoint),
        )
        return Recognition(
            recipient=recipient,
            given_by=self.recogniser(),
            behaviour=behaviour,
            complaint=complaint,
            given_at=self.given_after(complaint.closed_at or complaint.received_at),
        )

    def idea_kudos(self, draft: IdeaDraft) -> Recognition:
        """Return kudos for an idea that was accepted or implemented."""
        idea = draft.idea
        implemented = idea.status == IdeaStatus.IMPLEMENTED
        wording = kudos_wording()
        template = self.random.choice(
            wording.ideas_implemented if implemented else wording.ideas_accepted
        )
        recipient = draft.submitted_by
        behaviour = template.format(
            first_name=recipient.first_name or recipient.get_username(),
            reference=idea.reference,
            title=idea.title,
        )
        return Recognition(
            recipient=recipient,
            given_by=self.recogniser(),
            behaviour=behaviour,
            idea=idea,
            given_at=self.given_after(idea.implemented_at or idea.decided_at or idea.submitted_at),
        )
