"""The wording of the feedback demo: complaint cases per theme, ideas, reasons and kudos."""

from collections.abc import Sequence
from dataclasses import dataclass

# The partner whose bad spell the demo year shows.
TROUBLE_PARTNER = "SwiftParcel"


# Texts ------------------------------------------------------------------------------------------
# Placeholders filled per complaint: {product} {part} {days} {minutes} {hours} {amount} {weekday}
# {order} {owner} (the touchpoint's department or partner) {since} (the customer's first year).


@dataclass(frozen=True)
class Case:
    """One kind of complaint: what happened, what the customer asks, what was found and decided."""

    description: str
    remedies: tuple[str, ...]
    decisions: tuple[str, ...]
    root_causes: tuple[tuple[str, str], ...]  # (fishbone category, what the investigation found)
    touchpoints: tuple[str, ...] = ()  # the only touchpoints it happens at (none: any of its theme)


def cases(paragraphs: str) -> list[Case]:
    """Parse complaint cases: one per paragraph, the description on its first line, then lines
    starting "remedy:", "decision:" and "cause: <category>:", one or more of each, and
    optionally "only:" with the touchpoints it is limited to, separated by semicolons."""
    parsed = []
    for paragraph in paragraphs.strip().split("\n\n"):
        description, *lines = paragraph.strip().split("\n")
        found: dict[str, list[str]] = {"only": [], "remedy": [], "decision": [], "cause": []}
        for line in lines:
            label, _colon, text = line.partition(": ")
            found[label].append(text)
        causes = tuple(
            (cause.split(": ", 1)[0], cause.split(": ", 1)[1]) for cause in found["cause"]
        )
        if not (found["remedy"] and found["decision"] and causes):
            raise ValueError(f"Incomplete demo complaint case: {description}")
        touchpoints = tuple(name for line in found["only"] for name in line.split("; "))
        parsed.append(
            Case(description, tuple(found["remedy"]), tuple(found["decision"]), causes, touchpoints)
        )
    return parsed


@dataclass(frozen=True)
class Theme:
    """The complaints about one kind of touchpoint, and the notes written while handling them."""

    minor: Sequence[Case]  # low and medium severity
    serious: Sequence[Case]  # high and critical
    details: Sequence[str]  # an optional second sentence of the description
    comments: Sequence[str]
    heating: float = 1.0  # how strongly the heating season drives its volume (0: not at all)


DELIVERY = Theme(
    minor=cases("""
Parcel delivered a day after the promised {weekday}; nobody told the customer.
remedy: Refund of the delivery fee.
remedy: A delivery day that holds, and a message when it changes.
decision: Apologised and refunded the €{amount} delivery fee.
decision: Apologised; the customer now gets the delivery day by text message the evening before.
cause: material: {owner} routes were overbooked; parcels rolled over to the next day.
cause: method: The promised day ignores the courier's afternoon cut-off time.

Tracking said delivered, but the {product} was left with a neighbour three doors down.
remedy: Only wants to know why nobody said where it was.
remedy: Drop-off at a neighbour only with permission.
decision: Apologised; {owner} added "no neighbour drop-off" to the customer's address.
decision: Apologised and sent a €{amount} voucher; {owner} spoke to the driver.
cause: people: The driver did not leave a card saying which neighbour had the parcel.
cause: method: {owner} allows neighbour drop-off unless the customer opts out.

Courier came outside the two-hour window; the customer had taken the morning off.
remedy: Compensation for the lost morning.
remedy: A delivery window that is kept.
decision: Apologised and paid €{amount} for the lost morning off work.
decision: Apologised; the next deliveries get a one-hour window confirmed by phone.
cause: material: {owner} planned the route without the time windows we sold.
cause: environment: Road works closed the main road into the area that morning.

Delivery moved twice by {owner} without a reason.
remedy: A fixed delivery date.
decision: Fixed delivery on {weekday} arranged directly with the depot; apologised.
cause: material: {owner} moves parcels when a route is full, without telling us or the customer.

Driver did not ring; a 'sorry we missed you' card was left while the customer was in.
remedy: Redeliver this week.
remedy: An explanation from the courier.
decision: Redelivered on {weekday} between 8 and 10, as the customer asked; apologised.
decision: {owner} checked the driver's GPS: no stop at the address. Redelivered, fee refunded.
cause: people: The driver marked the parcel 'not home' without stopping.
cause: measurement: 'Not home' scans are not checked against the driver's GPS.

Parcel left at the wrong address; the customer found it the next day.
remedy: An apology and a safer delivery next time.
decision: Apologised; the delivery instructions now say to hand it over in person.
cause: people: The driver mixed up two house numbers in the same street.
cause: method: The house number suffix is dropped from the shipping label.

Box arrived dented; the {product} seems fine but the customer wants it checked.
only: Parcel delivery
remedy: Have the unit checked before it is installed.
remedy: A new unit if there is any damage.
decision: The engineer checked the unit at the installation: no damage. Apologised for the worry.
decision: Damage found on the housing; the unit was exchanged at the installation visit.
cause: method: The {product} box has no corner protection and is not made for parcel networks.
cause: material: {owner}'s depot stacks heavy boxes on top of each other.

Proof-of-delivery photo shows a different front door.
remedy: Find the parcel or send a new one.
decision: Parcel found two streets away and brought over by {owner} the same day.
decision: Parcel not found; a new one sent by express and a claim filed with {owner}.
cause: people: The driver delivered in the wrong street and took the photo there.

Driver refused to carry the box upstairs and left it in the building's hallway.
only: Parcel delivery
remedy: Carry it up, as promised at checkout.
decision: Our engineer carried it up at the installation visit; delivery fee refunded.
cause: method: Checkout promises delivery to the door; {owner}'s contract says ground floor.

Replacement {part} sent to the billing address instead of the installation address.
only: Replacement part shipped
remedy: Get the part to the right address quickly.
decision: Part picked up and delivered to the installation address the next day.
cause: method: Replacement parts are shipped to the billing address by default.

No tracking update for {days} days; the page still says 'at the depot'.
remedy: Tell the customer where the parcel is.
decision: {owner} found the parcel at the depot; delivered on {weekday}, apologised.
cause: material: Parcels without a depot scan are not looked for until someone asks.
cause: measurement: Tracking only updates on scans; a missed scan freezes the status.
"""),
    serious=cases("""
Box arrived dented, {product} panel cracked; the installation on {weekday} is off.
only: Parcel delivery
remedy: Replace the damaged unit at no cost and keep the installation date.
remedy: Compensation for the cancelled installation day.
decision: New {product} sent by express and installed as planned; the damaged one collected.
decision: New unit installed a week later; €{amount} compensation and a claim filed with {owner}.
cause: method: The {product} box has no corner protection and is not made for parcel networks.
cause: material: {owner}'s depot handles large boxes on the same belt as small parcels.

Parcel lost: {days} days after dispatch {owner} still cannot trace it.
remedy: A new parcel by express.
remedy: Compensation for the wait.
decision: Replacement sent by express the same day; claim filed with {owner}; €{amount} voucher.
cause: material: {owner} lost the parcel between the sorting centre and the depot.

Replacement {part} not delivered on time; no heating in the house for {days} days.
only: Replacement part shipped
remedy: A temporary heater, and the part tomorrow.
remedy: Compensation for the days without heating.
decision: Temporary heater delivered that evening; the part brought by our own van next morning.
decision: Part delivered and fitted on {weekday}; €{amount} compensation for the cold days.
cause: material: {owner}'s next-day service took three days on this route.
cause: method: Urgent parts go with the standard courier service.

Driver left the {product} outside in the rain; the unit is water-damaged.
only: Parcel delivery
remedy: A new unit at no cost.
decision: New unit delivered and installed; the damaged one collected; {owner} accepted the claim.
cause: people: The driver left the box at the door without a signature, against the instruction.

Wrong {part} delivered for the second time; another engineer visit wasted.
only: Replacement part shipped
remedy: The right part, checked before it leaves.
remedy: Compensation for two wasted days.
decision: Right part checked by the engineer at the warehouse, fitted on {weekday}; €{amount} back.
cause: method: Part numbers of two models differ by one letter and are picked by eye.

Driver threw the parcel over the garden fence; the customer filmed it.
remedy: A new unit and an apology from the courier.
decision: Unit exchanged; {owner} apologised in writing and took the driver off the route.
cause: people: Driver under time pressure on an overbooked route.
"""),
    details=[
        "Order {order}.",
        "The customer had taken a day off for the delivery.",
        "Second late delivery for this customer this year.",
        "The customer has posted about it on social media.",
        "The engineer was already booked for the day after.",
    ],
    comments=[
        "Asked {owner} for the delivery scan history and the driver's GPS stamp.",
        "Shared the case with {owner}'s account manager.",
        "Customer called for an update; promised news by tomorrow noon.",
        "Checked the address on the shipping label: it matches the order.",
    ],
    heating=0.5,
)

PICKING = Theme(
    minor=cases("""
Accessory kit missing: no wall bracket for the {product}.
remedy: Send the missing parts by express.
decision: Wall bracket sent by express the same day; apologised for the extra wait.
cause: method: Small parts are picked by hand without a checklist.
cause: people: Temporary pickers in the peak weeks had one day of training.

Wrong colour thermostat sent: black instead of white.
remedy: Exchange it for the white one.
decision: White thermostat sent; the black one collected at the same time.
cause: method: Black and white models share a box and differ by one letter in the code.

Order left the warehouse two days after the promised dispatch date.
remedy: An explanation and a refund of the shipping costs.
decision: Apologised and refunded the €{amount} shipping cost.
cause: people: Not enough pickers in the peak week.
cause: measurement: Stock count showed the model as available; it was not on the shelf.

Only one of the two boxes arrived; the second came a week later.
remedy: The second box at once.
decision: Second box found in the warehouse and sent by express; apologised.
cause: machine: The order system split the order into two shipments without flagging it.

Manual in German only; the Dutch manual was missing.
remedy: The Dutch manual.
decision: Dutch manual sent by e-mail the same day, and by post.
cause: material: The supplier's Dutch manuals were out of stock and nobody flagged it.

Parcel contained someone else's delivery note.
remedy: Assurance that their own details did not go elsewhere.
decision: Checked: the customer's details went to no one else. The other customer was informed.
cause: people: Two orders were packed at once on the same table.
"""),
    serious=cases("""
Wrong {product} model shipped; the installation had to be cancelled on the day.
remedy: The right model and a new installation date this week.
remedy: Compensation for the cancelled installation day.
decision: Right model delivered and installed on {weekday}; €{amount} compensation.
cause: method: No check of the model against the order before the box is closed.

Order {order} stuck in the warehouse for {days} days while the installer was booked.
remedy: Deliver before the installation date.
decision: Order sent by express and the installation moved by one day; apologised.
cause: machine: The order was stuck in the warehouse system after a failed payment check.

A returned unit was shipped as new: scratches and a stranger's settings in the app.
remedy: A brand-new unit.
decision: Sent a brand-new unit and collected the returned one; €{amount} credited.
cause: method: Returned units go back to stock without a 'returned' flag.

Heavy unit packed on top of the thermostat; the display is broken.
remedy: A new thermostat before the installation.
decision: New thermostat sent by express; the installation on {weekday} went ahead.
cause: method: No packing rule for orders with heavy and fragile items together.
"""),
    details=[
        "Order {order}.",
        "The engineer noticed it at the start of the installation.",
        "The customer checked the box against the packing list.",
    ],
    comments=[
        "Asked Logistics for the packing photo.",
        "Checked the order against the packing list.",
        "Warehouse confirms the order was packed in the evening shift.",
    ],
    heating=0.5,
)

FIELD = Theme(
    minor=cases("""
Engineer arrived {hours} hours after the agreed slot without calling.
remedy: A call when the engineer runs late.
remedy: Refund of the call-out charge.
decision: Apologised and refunded the call-out charge.
decision: Apologised; engineers now text the customer when they run more than 30 minutes late.
cause: method: Planning books visits back to back with no time for overruns.
cause: people: The engineer had no time to call between two overrunning jobs.

Engineer left packaging and dust behind in the utility room.
remedy: Someone to clean it up.
decision: The engineer came back the next day to clean up; apologised.
cause: material: The van had no dust sheets or vacuum cleaner that week.

Maintenance visit not planned in the contract month; the customer had to chase it.
only: Maintenance visit
remedy: A visit this month.
decision: Visit planned for {weekday} at 08:00; apologised.
cause: method: Maintenance visits are planned by hand from a spreadsheet.

Engineer could not explain the app; the customer cannot set a schedule.
only: Installation visit
remedy: Someone to explain the app.
decision: Called the customer and set up the heating schedule together over the phone.
cause: people: Engineer not trained on the new app version.

Visit rescheduled the evening before by text message.
remedy: A new visit this week in the first slot of the day.
decision: Visit rebooked for {weekday} at 08:00; €{amount} goodwill credit on the next invoice.
cause: environment: Cold snap: breakdowns were given priority over planned visits.
cause: method: Planning moves visits without calling the customer.

No service report left behind; the customer has nothing on paper.
only: Maintenance visit; Engineer visit
remedy: The report by e-mail.
decision: Service report sent by e-mail the same day.
cause: machine: The tablet did not sync the report after the visit.

Outdoor unit placed a metre from the agreed spot.
only: Installation visit
remedy: Move it to the agreed spot.
decision: Outdoor unit moved to the agreed spot at our cost on {weekday}.
cause: measurement: The site survey did not mark the agreed spot on the drawing.

Engineer skipped the yearly filter clean listed in the contract.
only: Maintenance visit
remedy: Come back and do the full service.
decision: The engineer came back on {weekday} for the filter clean, at no charge.
cause: people: Engineer used an old checklist without the filter clean.

Engineer could not find the fault and left without a plan.
only: Engineer visit
remedy: A senior engineer, and a plan.
decision: A senior engineer found the faulty {part} on {weekday} and replaced it.
cause: people: Engineer not trained on fault-finding for this model.

First available repair visit was {days} days away.
only: Engineer visit
remedy: A visit this week.
decision: Visit moved forward to {weekday} by swapping with a planned maintenance visit.
cause: method: Repairs and maintenance visits share one planning pool.
"""),
    serious=cases("""
Engineer did not turn up at all; the customer took a day off for nothing.
remedy: Compensation for the lost day.
remedy: A senior engineer, not the same one.
decision: Apologised; €{amount} paid for the lost day and a senior engineer came on {weekday}.
cause: method: The visit was cancelled in the planning, but the customer was never told.
cause: people: The engineer was ill and nobody took over the route.

{product} installed but not working after the visit; no heating for {days} days.
only: Installation visit
remedy: A temporary heater until it is fixed.
remedy: An engineer tomorrow morning.
decision: Temporary heater sent the same day; a senior engineer fixed the settings on {weekday}.
cause: method: No end-of-visit check that the system heats before the engineer leaves.

Water leak from the indoor unit after the visit; damage to the ceiling below.
remedy: Pay for the repair of the ceiling.
decision: Leak fixed under warranty and the ceiling repair paid (€{amount}).
cause: people: Engineer new on this model; no buddy on the first installations.

Second visit needed: the engineer did not have the {part} in the van.
only: Engineer visit; Maintenance visit
remedy: Bring the part the next day.
decision: {part} fitted on {weekday}; call-out charge refunded.
cause: material: Van stock lacks the {part}, one of the most used parts.

Engineer drilled through a water pipe during the installation.
only: Installation visit
remedy: Repair of the pipe and the water damage.
decision: Plumber sent the same day; the water damage repaired at our cost.
cause: measurement: The site survey did not record the pipework behind the wall.

Burning smell from the indoor unit after the maintenance visit; unit switched off.
only: Maintenance visit
remedy: An engineer today.
decision: Engineer came within four hours: a loose connection, fixed and tested.
cause: people: A connection was not tightened after the maintenance.

Outdoor unit against the neighbour's wall; the neighbour complains about night noise.
only: Installation visit
remedy: Move the unit.
decision: Unit moved and fitted with anti-vibration feet; noise measured within the limits.
cause: method: The installation plan did not consider the neighbour's bedroom wall.
"""),
    details=[
        "The customer is elderly and relies on the heating.",
        "There is a baby in the house.",
        "Work order {order}.",
        "The customer sent photos.",
    ],
    comments=[
        "Asked Field Service for the engineer's visit report.",
        "Planning offers {weekday} 08:00-10:00; waiting for the customer's answer.",
        "Engineer's report received and attached.",
        "Called the customer to go through the visit.",
    ],
    heating=1.6,
)

PHONE = Theme(
    minor=cases("""
Waited {minutes} minutes on hold before the call was answered.
remedy: A call-back instead of waiting.
decision: Apologised; the question answered in a call-back the same day.
cause: material: {owner} staffs for average days, not for cold Monday mornings.
cause: environment: A price letter went out the day before and call volumes doubled.

Transferred three times and had to explain the problem each time.
remedy: One person who owns the problem.
decision: Team leader called back, solved the question and gave a direct number.
cause: method: Call notes are not passed on when a call is transferred.

Agent promised a call-back that never came.
remedy: The call-back, today.
decision: Called back the same day and answered the question; apologised.
cause: measurement: Call-back requests are not tracked, so missed ones go unnoticed.

Agent could not see the order and asked for details already sent by e-mail.
only: Phone support
remedy: Stop asking for the same information.
decision: Apologised; the order was linked to the customer record and the question answered.
cause: machine: {owner}'s system does not show orders placed in the last 24 hours.

Call dropped after {minutes} minutes on hold; no call-back.
remedy: A call-back.
decision: Called back the same afternoon; apologised for the dropped call.
cause: machine: A telephony outage at {owner} dropped the calls in the queue.

Agent quoted a different renewal price than the e-mail.
only: Renewal questions
remedy: Honour the price the agent quoted.
decision: Honoured the quoted price of €{amount} for the first year.
cause: people: Agent not trained on the new contract prices.

Agent gave wrong advice on the thermostat settings; the house stayed cold.
only: Phone support
remedy: Correct advice, and someone to check the settings.
decision: A specialist called and corrected the settings with the customer; apologised.
cause: people: Agent answered from memory instead of the knowledge base.
"""),
    serious=cases("""
Agent was rude and ended the call when the customer asked for a manager.
remedy: A call from a manager and an apology.
decision: Team leader at {owner} called back and apologised; the call was used in coaching.
cause: people: The agent broke the call-handling rules; handled by {owner}.

Told an engineer was booked; there was no booking and the customer waited all day.
only: Phone support
remedy: Compensation for the lost day and a real booking.
decision: Engineer booked for {weekday} 08:00, text the day before; €{amount} compensation.
cause: method: Bookings made by phone are not confirmed by the planning system.

Agent cancelled the service contract instead of renewing it.
only: Renewal questions
remedy: Restore the contract with the old conditions.
decision: Contract restored with its original conditions and start date.
cause: machine: 'Cancel' and 'renew' sit next to each other on the agent's screen.

Customer without heating told to wait for the next slot in {days} days.
only: Phone support
remedy: An engineer within a day.
decision: Engineer sent the next morning as an emergency; apologised.
cause: method: The phone script has no priority route for customers without heating.
"""),
    details=[
        "Call on {weekday} morning, the busiest time.",
        "The customer had called twice before about the same problem.",
        "The customer wrote down the agent's name.",
        "The customer has been with Brightline since {since}.",
    ],
    comments=[
        "Listened to the call recording.",
        "Asked {owner} for the call log and the agent's notes.",
        "Team leader at {owner} will call the customer today.",
    ],
    heating=1.3,
)

CHAT = Theme(
    minor=cases("""
Chatbot kept looping; the customer could not reach a person.
remedy: Talk to a person, not a bot.
decision: Apologised and answered the question by phone; the bot now offers a person sooner.
cause: machine: The chatbot flow has no way out to a person for this question.

Chat closed while the customer was still typing.
remedy: An answer to the question.
decision: Answered the question by e-mail the same day.
cause: method: Chats are closed automatically after two minutes of silence.

First reply came after {minutes} minutes.
remedy: Faster answers in the chat.
decision: Apologised and answered the question; more chat staff in the evening from now on.
cause: measurement: Waiting time in the chat queue is not monitored.

Agent sent a link to a help article that no longer exists.
remedy: The right information.
decision: Sent the right article and corrected the standard answer.
cause: method: Standard chat answers are not checked when articles move.

Follow-up by e-mail was promised in the chat and never came.
remedy: The promised e-mail.
decision: E-mail sent the same day with the full answer; apologised.
cause: people: The agent forgot to create the follow-up task.
"""),
    serious=cases("""
Chat agent shared another customer's order details.
remedy: An explanation of how their data is protected.
decision: Data incident reported to the privacy officer; both customers informed in writing.
cause: people: Agent copied an answer from a previous chat without checking it.

Refund promised in the chat never arrived, and nobody can find the transcript.
remedy: Pay the refund that was promised.
decision: Refund of €{amount} paid; the transcript was found and the agent coached.
cause: machine: Chat transcripts are not attached to the customer record.
"""),
    details=[
        "Chat on {weekday} evening.",
        "The customer kept a screenshot of the chat.",
        "The customer had tried the help centre first.",
    ],
    comments=[
        "Transcript retrieved from the chat platform.",
        "Asked E-commerce to check the chat flow.",
    ],
)

TRIAGE = Theme(
    minor=cases("""
Support ticket untouched for {days} days.
remedy: An answer this week.
decision: Apologised; the ticket was answered in full the same day.
cause: measurement: Nobody sees the age of open tickets.

Ticket closed as solved without any answer.
remedy: A real answer.
decision: Ticket reopened and answered by phone; apologised.
cause: machine: The auto-close rule closed tickets without a reply.

Only an automatic reply; no follow-up.
remedy: An answer from a person.
decision: Answered in full by phone and confirmed by e-mail.
cause: method: Tickets with an automatic reply are treated as handled.

Ticket sent to the wrong team and bounced back.
remedy: A direct contact person.
decision: Gave the customer a direct contact in Customer Service until it is solved.
cause: method: Tickets are categorised in free text, so they reach the wrong team.
cause: people: New colleague not yet trained on the triage rules.
"""),
    serious=cases("""
Urgent 'no heating' ticket filed as a general question and left for {days} days.
remedy: Priority for the repair.
decision: Engineer sent the same day; apologised, with a €{amount} goodwill credit.
cause: method: Tickets are categorised in free text, so urgent ones are missed.

Ticket routed to the wrong team three times; the customer gave up and called.
remedy: One contact person.
decision: A quality manager took ownership and solved it within two days.
cause: method: Tickets are categorised in free text, so they reach the wrong team.
"""),
    details=[
        "Ticket sent through the web form on {weekday}.",
        "The customer attached photos of the error code.",
        "The customer has been with Brightline since {since}.",
    ],
    comments=[
        "Checked the ticket history.",
        "Ticket moved to the right team.",
    ],
    heating=1.2,
)

CALLBACK = Theme(
    minor=cases("""
No call-back after the repair as promised.
remedy: A call to check the repair.
decision: Called the customer: the repair holds. Apologised for the late call.
cause: measurement: Call-back attempts are not recorded, so a missed one is not retried.

Call-back came while the customer was at work; no second attempt.
remedy: A call at a time that suits the customer.
decision: Called at the customer's preferred time; the repair is confirmed.
cause: method: Call-backs are planned in office hours only.

Call-back asked questions the customer had already answered twice.
remedy: Read the file before calling.
decision: Apologised; the call-back now starts from the engineer's report.
cause: people: The call-back script was not followed.
"""),
    serious=cases("""
Fault came back the evening after the call-back; nobody took ownership.
remedy: A manager who checks the repair is really done.
decision: A senior engineer fixed the fault on {weekday}; a manager called to confirm.
cause: method: The call-back closes the case without checking the system data.
"""),
    details=[
        "Repair done on {weekday}.",
        "The customer left a voicemail asking to be called after 18:00.",
    ],
    comments=[
        "Two call-back attempts, no answer; text message sent.",
        "Customer prefers calls after 18:00; noted in the CRM.",
    ],
)

WEB = Theme(
    minor=cases("""
Product page said delivery in 2 days; the order confirmation said 2 weeks.
only: Product pages
remedy: Deliver as the page promised.
decision: Delivered from another warehouse within the week; apologised for the wrong promise.
cause: method: Delivery times on product pages are updated by hand.

Suitability check recommended a {product} that does not fit the customer's home.
only: Home suitability check
remedy: Advice from a person, and a free exchange.
decision: An advisor called, chose the right {product} with the customer and changed the order.
cause: measurement: The suitability check ignores the home's insulation level.

Checkout added €{amount} installation cost only at the last step.
only: Online checkout
remedy: Honour the price shown before the last step.
decision: Honoured the price shown before the last step and refunded €{amount}.
cause: method: Installation costs are added in the last checkout step only.

Discount code refused at checkout.
only: Online checkout
remedy: The discount.
decision: Discount applied by hand and the difference refunded.
cause: machine: The code was set to expire a day early.

Help article on resetting the thermostat is out of date.
only: Help centre
remedy: Correct instructions.
decision: Sent the right instructions; the article was corrected the same week.
cause: method: Help articles are not reviewed after app updates.

Account page still shows last year's contract price.
only: Account page offer
remedy: Show the right price.
decision: Price corrected and confirmed by e-mail.
cause: machine: The account page reads prices from a cache refreshed once a year.

Could not sign in to see the renewal offer.
only: Account page offer
remedy: Access to the offer.
decision: Account unlocked, and the offer sent by e-mail as well.
cause: machine: Password reset e-mails were delayed for a day.

Page crashed on the phone; the customer had to start the order again.
only: Online checkout
remedy: Fix the page.
decision: Order completed by phone at the same price; the bug was fixed in the next release.
cause: machine: The checkout crashed on older phones after a release.

Product page showed the {product} as in stock; it was not.
only: Product pages
remedy: Deliver as promised or cancel without costs.
decision: Offered a similar model at the same price; the customer accepted.
cause: measurement: Stock on the website is updated once a day.

Suitability check cannot be finished on a phone.
only: Home suitability check
remedy: Help to finish the check.
decision: An advisor went through the check with the customer by phone.
cause: machine: The check does not work on small screens.

Searching the help centre for the error code on the display finds nothing.
only: Help centre
remedy: An answer about the error code.
decision: Explained the error code by phone; the article can now be found by its code.
cause: method: Help articles are not tagged with error codes.
"""),
    serious=cases("""
Checkout crashed after payment: no order, but the money was taken.
only: Online checkout
remedy: Refund the amount taken.
decision: Payment refunded within a day; order placed by phone at the same price.
cause: machine: Checkout times out when PayFlow answers slowly; the order is not saved.

Product page promised a subsidy that was €{amount} too high.
only: Product pages
remedy: Pay the difference.
decision: Difference of €{amount} credited; the page was corrected the same week.
cause: environment: Subsidy rules changed on 1 January; the page used last year's.

Renewal offer on the account page showed another customer's address.
only: Account page offer
remedy: Assurance that their data is safe.
decision: Data incident reported; the account corrected and the customer informed.
cause: machine: The account page cached another session after a release.

Suitability check advised a {product} for a home it cannot heat; the house stayed cold.
only: Home suitability check
remedy: Exchange it for a product that works, at no cost.
decision: A hybrid heat pump installed at no extra cost; the first unit taken back.
cause: measurement: The suitability check ignores the home's insulation level.

A help article advised a factory reset; all settings of the {product} were lost.
only: Help centre
remedy: Restore the settings.
decision: An engineer restored the settings remotely; the article was corrected.
cause: method: Articles are written without testing them on every model.
"""),
    details=[
        "Screenshots attached by the customer.",
        "The customer tried on both phone and laptop.",
        "Order {order}.",
    ],
    comments=[
        "Reproduced the problem; ticket raised with E-commerce.",
        "The customer's screenshot matches the page of that day.",
    ],
    heating=0.5,
)

PAYMENT = Theme(
    minor=cases("""
Payment refused without a reason; the second attempt worked.
only: Card and iDEAL payment
remedy: An explanation.
decision: Explained the refusal (the bank's risk check) and confirmed the order by e-mail.
cause: material: {owner} passes refusal codes on without a readable reason.

iDEAL payment showed as paid only after {days} days; the order was held back.
only: Card and iDEAL payment
remedy: Ship the order now.
decision: Order shipped the same day; apologised for the delay.
cause: material: {owner}'s payment status reached us late after an outage.

Direct debit mandate confirmation never arrived.
only: Direct debit set-up
remedy: A written confirmation that the mandate is active.
decision: Confirmation sent by e-mail and by post.
cause: machine: Confirmation e-mails for mandates failed for a week after a change.

Refund took {days} working days instead of three.
remedy: The refund, and an explanation.
decision: Refund checked and paid; apologised.
cause: material: {owner} held refunds in a manual review queue.

Invoice shows the payment twice, although the bank shows it once.
remedy: A correct invoice.
decision: Invoice corrected and sent again.
cause: machine: A retried payment was booked twice in the invoicing system.

Direct debit collected on the wrong day of the month.
only: Direct debit set-up
remedy: Refund of the bank's fee.
decision: Reimbursed the €{amount} bank fee; the collection day corrected.
cause: machine: The collection date did not move with the contract's new start date.
"""),
    serious=cases("""
Charged twice for the annual service contract (€{amount} each).
remedy: Refund the double charge today.
decision: Double charge refunded the same day; apologised in writing.
cause: machine: {owner} retries a timed-out payment, which can charge twice.

Direct debit collected before the renewal was confirmed.
only: Direct debit set-up
remedy: Reverse the collection.
decision: Collection reversed; the renewal now starts on the agreed date.
cause: method: The direct debit run starts before renewals are confirmed.

Payment failed three times; the order was cancelled and the installation slot lost.
only: Card and iDEAL payment
remedy: Keep the installation slot.
decision: Order restored with the original installation slot on {weekday}.
cause: machine: Failed payments cancel the order automatically after three attempts.
"""),
    details=[
        "The customer sent the bank statement.",
        "The customer is on a tight budget this month.",
    ],
    comments=[
        "Asked {owner} for the transaction log.",
        "Finance checked the bank statement.",
    ],
    heating=0.2,
)

EMAIL = Theme(
    minor=cases("""
Welcome e-mail arrived two days after the installation.
only: Welcome e-mail
remedy: Information on how to use the system.
decision: Welcome information sent again and explained by phone.
cause: method: The welcome e-mail waits until the installation report is typed in.

Renewal reminder landed in the spam folder; the contract lapsed.
only: Renewal e-mail
remedy: Reinstate the contract without a gap.
decision: Contract reinstated without a gap.
cause: machine: Renewal e-mails go out from a domain with a poor sender reputation.

Renewal confirmation shows the wrong start date.
only: Renewal confirmation
remedy: A corrected confirmation.
decision: Corrected confirmation sent; the start date is now as agreed.
cause: method: Confirmations are generated before the renewal is processed.

Invoice in the confirmation does not match the agreed price.
only: Renewal confirmation
remedy: The agreed price.
decision: Invoice corrected to the agreed price; apologised for the confusion.
cause: method: Confirmations are generated before the price change is processed.

E-mail addressed to the previous occupant of the home.
remedy: Update the name and address.
decision: Customer record corrected; apologised.
cause: people: The change of occupant was typed into the wrong customer record.

Links in the welcome e-mail lead to an error page.
only: Welcome e-mail
remedy: Working links.
decision: Sent the right links; the template was corrected.
cause: machine: The help centre moved and the e-mail template was not updated.

Renewal e-mail shows a price increase without explaining it.
only: Renewal e-mail
remedy: An explanation of the new price.
decision: Explained the new price by phone; the e-mail text was rewritten.
cause: method: The renewal template shows the new price without the old one.
"""),
    serious=cases("""
Contract lapsed because the renewal e-mail never arrived; no cover in a breakdown.
only: Renewal e-mail
remedy: Cover the breakdown as if the contract had run on.
decision: Contract reinstated without a gap; the breakdown repair is covered.
cause: measurement: Bounced renewal e-mails are not reported to anyone.

Renewal confirmation sent to another customer's e-mail address.
only: Renewal confirmation
remedy: Assurance that their data is safe.
decision: Data incident reported; the wrong recipient was asked to delete the e-mail.
cause: people: An e-mail address was changed by hand in the wrong customer record.

Welcome e-mail contained another customer's installation report.
only: Welcome e-mail
remedy: Assurance that their own data is safe.
decision: Data incident reported; both customers informed and the e-mail recalled.
cause: machine: The report attachment was taken from the previous job in the queue.
"""),
    details=[
        "The customer forwarded the e-mail.",
        "The customer has been with Brightline since {since}.",
    ],
    comments=[
        "Checked the mailing log.",
        "Customer record checked and corrected.",
    ],
    heating=0.3,
)

GENERAL = Theme(
    minor=cases("""
Four contacts for one question and nobody took ownership.
remedy: One person who takes care of it.
decision: A quality manager called, took ownership and agreed a plan with dates.
cause: method: No single owner for complaints that cross departments.

Marketing e-mail received after unsubscribing twice.
remedy: No more marketing e-mails.
decision: Removed from all mailing lists; apologised.
cause: machine: The mailing tool ignores unsubscribes made by phone.

Energy savings promised in the brochure are not reached.
remedy: An explanation or compensation.
decision: Energy use analysed with the customer; settings changed, €{amount} goodwill credit.
cause: measurement: Savings in the brochure assume a well-insulated home.

App shows the {product} offline every night.
remedy: Make the app work.
decision: Wi-fi module replaced; the app stays online now.
cause: material: A batch of wi-fi modules loses the connection at night.

Unhappy about the price increase of the service contract.
remedy: An explanation of the new price.
decision: Explained the new price by phone and offered the yearly payment discount.
cause: environment: The price follows the energy market; the letter did not explain it.

Letters and e-mails contradict each other about the next visit.
remedy: One clear date.
decision: Visit date confirmed by phone and in writing; apologised.
cause: method: Letters and e-mails are sent from two systems that are not linked.
"""),
    serious=cases("""
Customer will go to the disputes committee after months without a solution.
remedy: A solution, with a date.
decision: A quality manager visited the customer at home; a settlement of €{amount} was agreed.
cause: method: No single owner for complaints that cross departments.

The {product} hums loudly at night; neighbours have complained to the council.
remedy: Stop the noise.
decision: Engineer checked the noise; anti-vibration feet and night mode set up free of charge.
cause: method: Night mode is not switched on at installation.

Customer says a Brightline employee was rude at their door.
remedy: An apology.
decision: The manager apologised in person; the employee was spoken to.
cause: people: Behaviour of one employee; handled by the manager.
"""),
    details=[
        "The customer could not say which team was involved.",
        "The customer has been with Brightline since {since}.",
    ],
    comments=[
        "Went through the customer's contact history.",
        "Asked the teams involved for their notes.",
    ],
)

THEMES = {
    "delivery": DELIVERY,
    "picking": PICKING,
    "field": FIELD,
    "phone": PHONE,
    "chat": CHAT,
    "triage": TRIAGE,
    "callback": CALLBACK,
    "web": WEB,
    "payment": PAYMENT,
    "email": EMAIL,
    "general": GENERAL,
}

# The demo touchpoints (journeys/demo.py): their theme and yearly share of complaints.
TOUCHPOINT_THEMES = {
    "Product pages": ("web", 1.5),
    "Home suitability check": ("web", 2),
    "Online checkout": ("web", 4),
    "Card and iDEAL payment": ("payment", 4),
    "Order picking": ("picking", 5),
    "Parcel delivery": ("delivery", 9),
    "Installation visit": ("field", 9),
    "Welcome e-mail": ("email", 1),
    "Help centre": ("web", 2),
    "Phone support": ("phone", 10),
    "Live chat": ("chat", 4),
    "Ticket triage": ("triage", 4),
    "Engineer visit": ("field", 9),
    "Replacement part shipped": ("delivery", 4),
    "Resolution call-back": ("callback", 3),
    "Renewal e-mail": ("email", 3),
    "Account page offer": ("web", 2),
    "Renewal questions": ("phone", 3),
    "Direct debit set-up": ("payment", 4),
    "Renewal confirmation": ("email", 2),
    "Maintenance visit": ("field", 5),
}
# Touchpoints added later get the theme of their channel and this share.
CHANNEL_THEMES = {
    "delivery": "delivery",
    "on_site": "field",
    "phone": "phone",
    "chat": "chat",
    "web": "web",
    "app": "web",
    "payment": "payment",
    "email": "email",
    "mail": "email",
}
OTHER_TOUCHPOINT_SHARE = 3.0
UNKNOWN_TOUCHPOINT_SHARE = 6.0  # the customer or the colleague could not say where it went wrong

PRODUCTS = [
    "heat pump",
    "hybrid heat pump",
    "air-to-water heat pump",
    "smart thermostat",
    "home battery",
    "solar inverter",
    "indoor unit",
    "buffer tank",
]
PARTS = [
    "circulation pump",
    "pressure sensor",
    "outdoor fan motor",
    "thermostat bridge",
    "control board",
    "expansion vessel",
    "filter set",
    "wall bracket",
    "flow sensor",
]
AMOUNTS = [25, 35, 49, 65, 89, 120, 149, 189, 240]
WAITING_MINUTES = [25, 30, 35, 40, 45, 50, 55, 65, 80]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

SHARED_DETAILS = [
    "The customer was calm but clearly disappointed.",
    "The customer mentioned writing a review.",
    "The customer asked for the answer in writing.",
]
WINTER_DETAILS = [
    "It was freezing that week.",
    "The house was at 14 degrees when the customer called.",
]
SHARED_COMMENTS = [
    "Called the customer; left a voicemail and sent an e-mail.",
    "Customer confirmed by e-mail; photos attached to the file.",
    "Asked {owner} for their side of the story.",
    "Reminder sent to {owner}: reply needed by tomorrow.",
    "Customer called again for news; explained the next step.",
]
ACKNOWLEDGEMENT_NOTES = [
    "Called the customer to confirm we are on it.",
    "Acknowledgement e-mail sent with the reference number.",
    "Told the customer to expect an answer within the week.",
]
ESCALATION_NOTES = [
    "Customer without heating; needs a manager's decision on an emergency visit.",
    "Beyond what I may decide: the customer asks for compensation.",
    "Customer threatens to go public; please take over.",
    "Safety concern, escalating straight away.",
    "",
]
REOPEN_REASONS = [
    "Customer called back: the problem is back.",
    "Customer disagrees with the outcome and sent new photos.",
    "The refund promised in our response was never paid.",
    "The fix did not hold; the heating failed again after {days} days.",
    "The replacement promised in our response did not arrive.",
]
NO_REACTION_COMMENT = "No reaction from the customer after two reminders; closing."

# SwiftParcel's bad spell: what the investigations found, and the notes along the way.
TROUBLE_ROOT_CAUSES = [
    "SwiftParcel moved our region to a subcontracted depot with untrained drivers.",
    "SwiftParcel is short of drivers since its subcontractor left; routes run late daily.",
    "SwiftParcel's new depot skips the damage check on large boxes.",
    "SwiftParcel's sorting centre misroutes parcels since its new scanners went live.",
]
TROUBLE_COMMENTS = [
    "Third complaint about SwiftParcel's new depot this week; flagged to quality.",
    "Raised in the weekly call with SwiftParcel.",
    "Added to the SwiftParcel damage list for the partner review.",
]

# One idea per paragraph: "touchpoint | title" ("-" for none), then the problem, the proposal and
# the expected benefit, one line each.
IDEA_PARAGRAPHS = """
Parcel delivery | Photo proof of delivery for every parcel
Customers say a parcel never arrived and we cannot check it: SwiftParcel only scans the label.
Make a doorstep photo part of SwiftParcel's contract and show it in the customer's tracking page.
Fewer "lost parcel" calls, and disputes settled in minutes instead of days.

Parcel delivery | Daily list of late parcels from SwiftParcel
We hear about late SwiftParcel deliveries from angry customers, never from SwiftParcel itself.
Ask SwiftParcel for a daily file of parcels that missed the promised day; call those customers.
Customers hear it from us before they have to chase us.

Parcel delivery | Corner protectors for heat pump boxes
Outdoor units keep arriving dented; the boxes have no corner protection at all.
Add cardboard corner protectors and "this side up" labels to every heat pump box (about €4 a box).
Fewer damaged units, fewer cancelled installations.

Parcel delivery | A second courier for the northern provinces
Since SwiftParcel changed depots, most late deliveries are in Groningen, Friesland and Drenthe.
Send parcels for those provinces with a second courier for three months and compare the results.
On-time delivery back above 95% in the north, and a fair comparison for the SwiftParcel review.

Parcel delivery | Text message with a two-hour delivery window
Customers stay at home all day for a parcel that could come any time between 8 and 18.
Ask the courier to send a text message the evening before with a two-hour window.
Fewer missed deliveries and fewer days off work for our customers.

Parcel delivery | Pick-up points for small parcels
Thermostats and valves are small enough for a pick-up point, but we only offer home delivery.
Offer pick-up points at checkout for parcels under 5 kg.
Fewer failed deliveries for customers who work during the day.

Parcel delivery | Penalty clause for late deliveries in the SwiftParcel contract
SwiftParcel's contract has no consequence for late or damaged deliveries, so nothing changes.
Add a penalty per parcel that misses the promised day, and a bonus above 97% on time.
SwiftParcel gets a reason to fix its depot problems quickly.

Parcel delivery | Open big boxes at the door
Damage to outdoor units is often found days later, and then the courier disputes the claim.
Ask drivers to wait while the customer opens boxes over 20 kg, and note any damage on the scanner.
Damage claims accepted at once; the customer gets a new unit faster.

Installation visit | The engineer brings the heat pump in the van
Heat pumps go by courier to the customer, and the engineer installs them days later.
Let the engineer collect the unit at the warehouse and bring it to the installation.
No courier damage, and one appointment less for the customer.

Parcel delivery | Live position of the courier on the order page
Customers call to ask where their parcel is, and our agents cannot see more than they can.
Show the courier's live position on the order page on the day of delivery.
Fewer "where is my parcel" calls on delivery days.

Parcel delivery | Monthly root-cause session with SwiftParcel
We discuss SwiftParcel complaints among ourselves, but their depot managers never see the cases.
Go through the ten worst cases of the month together with SwiftParcel's depot managers.
Problems fixed at the depot instead of apologised for on the phone.

Online checkout | No next-day promise while SwiftParcel recovers
The checkout promises next-day delivery, and SwiftParcel misses that day for one parcel in four.
Promise two working days until SwiftParcel is back above 95% on time.
Honest promises: fewer complaints about late delivery, even with the same courier.

Replacement part shipped | Scan the part number before shipping
Wrong parts go out because part numbers differ by one letter between models.
Let the picker scan the part and have the system check it against the customer's installed model.
No more second engineer visits because of a wrong part.

Replacement part shipped | Send replacement parts to the engineer
Parts go to the customer, who has to keep them until the engineer comes, and sometimes loses them.
Ship replacement parts to the engineer's van or the regional hub instead.
The engineer arrives with the part; the customer has one thing less to worry about.

Replacement part shipped | Same-day courier for customers without heating
A customer without heating waits for SwiftParcel's next-day service, which often takes two days.
Use a same-day courier for parts when the customer has no heating in winter.
No customer without heating for more than a day because of a part.

Order picking | Checklist for accessory kits
Wall brackets and sensors go missing from parcels because small parts are picked from memory.
Print a checklist per order with every accessory and tick it off before the box is closed.
Fewer "something is missing" complaints and fewer extra shipments.

Order picking | Weigh every parcel before it leaves
A missing bracket or sensor is only noticed by the engineer at the customer's home.
Weigh each parcel and compare it with the expected weight; a missing bracket weighs 1.2 kg.
Incomplete parcels stopped at the warehouse, not at the customer's door.

Order picking | Manuals in the customer's language
Customers receive manuals in German only because the supplier's Dutch version is out of stock.
Print the Dutch manual ourselves, or send it as a link in the order e-mail.
Customers can install and use their thermostat without calling us.

Order picking | Colour labels on look-alike thermostats
The black and white thermostats have the same box and a code that differs by one letter.
Put a coloured sticker on the shelf and on the box so black and white cannot be mixed up.
No more wrong colours sent.

Order picking | Extra picking shift in December
Dispatch slips from one to three days in December and customers miss their installation slot.
Plan an extra evening shift from 1 to 22 December, with experienced pickers on small parts.
Orders leave on time in the busiest month.

Installation visit | Text customers when the engineer is on the way
Customers wait at home all morning without knowing when the engineer will arrive.
Send a text message with a 30-minute arrival window when the engineer leaves the previous job.
Customers can plan their morning; fewer "where is the engineer" calls.

Installation visit | Photos of the installation spot before the visit
Engineers find out on the day that the agreed spot for the outdoor unit is not suitable.
Ask customers to upload photos of the spot and the meter cupboard when they order.
Fewer cancelled installations and better planning of the work.

Installation visit | Set up the app together before leaving
Customers call in the first week because they cannot set a heating schedule in the app.
Make setting up the app with the customer the last step of every installation.
Fewer calls in the first week, and happier customers.

Installation visit | Dust sheets and floor protection in every van
Customers complain about dust and dirt left behind after drilling for the pipes.
Give every van dust sheets, floor protection and a small vacuum cleaner.
A clean home after the visit, and a better first impression.

Installation visit | A letter for the neighbours before the outdoor unit goes up
Neighbours complain about noise after installations, and our customer gets the blame.
Offer customers a letter for their neighbours with the unit's noise level and our phone number.
Fewer disputes between neighbours and fewer noise complaints.

Installation visit | Two engineers for hybrid heat pumps
Hybrid installations take a full day for one engineer and often overrun into the next slot.
Plan two engineers for every hybrid installation.
Installations finished in half a day, and the next customer's slot kept.

Installation visit | End-of-visit checklist signed by the customer
Sometimes the system is not heating when the engineer leaves, and the customer finds out at night.
A short checklist on the tablet, signed by the customer: system heats, app works, area clean.
Problems caught while the engineer is still there.

Engineer visit | Van stock of the ten most-used parts
A quarter of repairs need a second visit because the part is not in the van.
Keep the ten most-used parts in every van, restocked weekly from the regional hub.
More repairs finished in one visit.

Engineer visit | Remote diagnosis before sending an engineer
About a third of visits turn out to be settings problems that could be fixed through the app.
Let a specialist check the unit remotely before an engineer is sent.
Fewer visits, and faster help for the customer.

Engineer visit | Evening slots for working customers
Customers take a day off work because visits are only between 8 and 17.
Offer visits until 20:00 on two evenings a week.
Fewer missed visits and fewer days off for our customers.

Engineer visit | Priority for vulnerable customers without heating
Elderly customers and families with babies wait in the same queue as everyone else.
Flag vulnerable customers in the CRM and give them a visit within 24 hours in winter.
No vulnerable customer left in the cold.

Engineer visit | One-tap "running late" message for engineers
Engineers who run late have no time to call, so customers wait without news.
Add a button in the planning app that texts the customer the new arrival time.
Customers hear when the engineer runs late, without the engineer stopping work.

Maintenance visit | Plan the yearly service when the contract renews
Maintenance visits are planned by hand and some are forgotten until the customer calls.
Book the maintenance visit automatically at renewal, in the contract month.
No missed yearly services.

Maintenance visit | Let customers book their own maintenance visit
Customers call to move their maintenance visit, and the phone lines are busy in autumn.
Let customers choose and change the date of their maintenance visit on the account page.
Fewer calls in the busy season.

Maintenance visit | Service report by e-mail the same day
Customers have no record of what the engineer did during the maintenance visit.
Send the service report by e-mail as soon as the engineer closes the work order.
Customers know what was done; fewer questions afterwards.

Maintenance visit | Summer discount for maintenance visits
Maintenance visits pile up in autumn, when engineers are also busy with breakdowns.
Offer €15 off for maintenance visits between May and August.
A quieter autumn and shorter waiting times for breakdowns.

Welcome e-mail | A short video instead of the PDF manual
Nobody reads the 40-page PDF; customers call with questions answered on page 3.
Send a three-minute video about the first week of use with the welcome e-mail.
Fewer "how do I" calls in the first week.

Welcome e-mail | Send the welcome e-mail before the engineer leaves
The welcome e-mail comes the day after, when the customer is already struggling with the app.
Send it at the end of the visit, so the engineer can go through it with the customer.
Customers start with the right information.

Product pages | Real delivery time per postcode
The product page promises delivery in 2 days everywhere, but some regions take 4 or 5.
Show the expected delivery date for the customer's postcode on the product page.
Honest promises and fewer complaints about late delivery.

Product pages | Price including installation on every product page
Customers see the installation cost only in the checkout and feel misled.
Show the total price including standard installation on the product page.
No surprises at checkout, and fewer abandoned orders.

Product pages | Noise levels compared on heat pump pages
Customers and their neighbours are surprised by the noise of the outdoor unit.
Show the noise level in decibels with a simple comparison, such as "as loud as a fridge".
Customers choose with the right expectations.

Product pages | Subsidy calculator next to the price
Customers call to ask which subsidy they get, and our agents have to look it up.
Add a small subsidy calculator next to the price, kept up to date by E-commerce.
Fewer calls, and fewer complaints about wrong subsidy amounts.

Home suitability check | Ask for the energy label in the suitability check
The check recommends heat pumps for poorly insulated homes, where they will not heat enough.
Ask for the home's energy label and advise insulation first below label C.
Fewer disappointed customers in their first winter.

Home suitability check | Suggest a hybrid heat pump where it fits better
Owners of older homes are advised an all-electric heat pump while a hybrid would suit them better.
Add a question about the radiators and suggest a hybrid when they are small.
The right product for the home, and fewer returns.

Home suitability check | Talk to an advisor after the check
Customers with doubts after the suitability check have no easy way to ask a person.
Show a "call me back" button on the result page, answered by an advisor within one working day.
More confident customers and fewer wrong orders.

Online checkout | Show every cost before the last step
Installation and disposal costs appear in the last checkout step, and customers feel tricked.
Show a full price overview in the first step of the checkout.
Fewer complaints about hidden costs.

Online checkout | Keep the basket when payment fails
When a payment fails, the basket is emptied and customers have to start again.
Keep the basket and the chosen installation slot for 24 hours after a failed payment.
Fewer lost orders and fewer angry calls.

Online checkout | Choose the installation date in the checkout
Customers order online and then wait for a call to plan the installation.
Show the available installation dates in the checkout.
One contact less, and a date the customer chose.

Card and iDEAL payment | Explain refused payments in plain language
When a payment is refused, customers see "error 402" and call us to ask what it means.
Translate PayFlow's refusal codes into plain advice, such as "your bank's daily limit was reached".
Customers can solve it themselves.

Card and iDEAL payment | Automatic refund of double payments
PayFlow retries payments after a time-out, and sometimes the customer is charged twice.
Detect two identical payments within 10 minutes and refund the second one automatically.
Double charges refunded before the customer notices.

Card and iDEAL payment | Pay for heat pumps in instalments
Some customers cancel at checkout because paying the full amount at once is too much.
Offer payment in instalments through PayFlow for orders above €2,000.
More completed orders, fewer cancellations.

Help centre | Top five error codes on the help centre home page
Most calls about breakdowns are about the same five error codes on the display.
Put those error codes with a short fix on the help centre's home page.
Customers fix simple faults themselves; fewer calls in winter.

Help centre | "Was this helpful?" with a comment field
We do not know which help articles are wrong or unclear until customers complain.
Add a "Was this helpful?" button with a free-text field to every article.
Wrong articles found and fixed quickly.

Help centre | Review help articles after each product update
Articles still describe old app screens months after an update.
Make reviewing the help articles part of every product update's checklist.
Help that matches what customers see.

Help centre | Short videos for resetting the thermostat
Resetting the thermostat is the most-read article, and still the top reason for calls.
Replace the text with a one-minute video for each thermostat model.
Fewer calls about the thermostat.

Phone support | Call-back instead of waiting on hold
On cold mornings customers wait on hold for more than half an hour.
Offer a call-back when the wait is longer than 5 minutes, keeping the customer's place in line.
No more long waits on hold, and fewer dropped calls.

Phone support | Pass call notes to the ticket automatically
Customers have to repeat their story after every transfer because notes are not passed on.
Let CallPoint's system add the call notes to the ticket in LoyaltyQMS automatically.
Customers tell their story once.

Phone support | "No heating" calls to the front of the queue
A customer without heating waits in the same queue as someone asking about an invoice.
Add a menu option for "no heating" that goes to the front of the queue in winter.
Urgent problems get help first.

Phone support | Show open complaints to the agent
Agents do not see that a caller already has an open complaint, and start from scratch.
Show open complaints and their status on the agent's screen when the customer is identified.
Better answers and fewer repeated complaints.

Phone support | Roster CallPoint agents on the weather forecast
Calls double after the first cold weekend, and CallPoint cannot answer them all.
Share the temperature forecast with CallPoint and roster extra agents when it drops below zero.
Shorter waiting times on the busiest days.

Phone support | Monthly listening session with CallPoint agents
CallPoint's agents hear every day what goes wrong, but that knowledge never reaches us.
Hold a one-hour session each month where agents tell us the top problems they heard.
Problems found early, and agents who feel heard.

Live chat | Hand over to a person after two bot answers
Customers get stuck in loops with the chatbot and give up or call.
Offer a person after two bot answers that did not help.
Fewer frustrated customers and fewer calls after a chat.

Live chat | Show the waiting time in the chat
Customers close the chat because they do not know whether anyone will answer.
Show the expected waiting time and the place in the queue.
Fewer abandoned chats.

Live chat | Send the chat transcript by e-mail
Customers cannot prove what was promised in a chat.
Offer to send the transcript by e-mail at the end of every chat.
Clear agreements and fewer disputes.

Ticket triage | Categories from a fixed list, not free text
Tickets are routed on free-text categories and end up with the wrong team.
Use a fixed list of categories linked to the journey touchpoints.
Right team, first time.

Ticket triage | Spot "no heating" tickets automatically
Urgent tickets about no heating wait in the general queue for days.
Flag tickets that mention "no heating", "cold" or an error code and move them to the top.
No urgent ticket forgotten.

Ticket triage | Daily check of tickets older than three days
Some tickets are untouched for a week before the customer complains about it.
The team leader checks the list of tickets older than three days every morning.
No ticket left behind.

Resolution call-back | Call back within 48 hours after every repair
We promise a call-back after a repair, but there is no rule for when, and some are forgotten.
Make the call-back a task that falls due 48 hours after the engineer closes the work order.
Problems that come back are found quickly.

Resolution call-back | Text message option for the resolution check
Customers are hard to reach by phone during the day, so call-backs fail.
Let customers confirm by text message that the problem is solved, or ask for a call.
More customers reached, fewer missed call-backs.

Renewal e-mail | Send renewal reminders from our own domain
Renewal reminders land in spam because they are sent from the mailing provider's domain.
Send them from brightline.example with proper sender authentication.
Reminders read, and fewer contracts that lapse by accident.

Renewal e-mail | Renewal reminder by letter for customers over 75
Older customers miss the renewal e-mail and their contract lapses.
Send a letter as well as the e-mail to customers over 75 or without an e-mail address.
Fewer lapsed contracts among our most loyal customers.

Renewal e-mail | Show the price change in euros
The renewal e-mail shows the increase as a percentage, and customers call to ask what they pay.
Show the old and new price in euros, per month and per year.
Fewer calls and fewer complaints about the price.

Account page offer | Old and new contract side by side
Customers cannot see what changes in the renewal offer compared with their current contract.
Show the old and new contract side by side on the account page.
Customers renew with confidence.

Account page offer | One-click renewal from the reminder e-mail
Customers have to sign in, find the offer and fill in a form to renew.
Add a secure one-click renewal link to the reminder e-mail.
A higher renewal rate with less effort for the customer.

Renewal questions | Contract specialists on the renewal line in November
Most renewal questions come in November, when specialists are on holiday or busy elsewhere.
Plan contract specialists on the renewal line for every day in November.
Questions answered in one call.

Renewal questions | One answer sheet on the new prices
Agents give different answers about the new contract prices.
Give agents one sheet with the approved answers to the ten most asked questions.
Consistent answers and fewer complaints about wrong information.

Direct debit set-up | Block a second collection within 24 hours
Some customers were charged twice for their contract after a technical retry.
Block any second collection on the same mandate within 24 hours unless Finance approves it.
No double charges.

Direct debit set-up | Confirm the mandate by text message
Customers do not know whether their direct debit was set up, and call to check.
Send a text message when the mandate is confirmed.
Fewer calls, and peace of mind.

Renewal confirmation | Check the confirmation against the invoice
Renewal confirmations sometimes show a different price than the invoice that follows.
Generate both from the same contract record and compare them automatically before sending.
Documents that agree, and fewer complaints.

Renewal confirmation | The maintenance month in the confirmation
Customers do not know when their maintenance visit will be.
Mention the planned maintenance month in the renewal confirmation.
Fewer calls about when the engineer comes.

- | One owner per complaint from start to end
Complaints that cross departments bounce between teams, and nobody feels responsible.
Give every complaint one named owner who keeps the customer informed until it is closed.
Customers always know who to talk to.

- | Monthly complaint review with all departments
Each department sees only its own complaints; the patterns across the journey are missed.
Review the top complaint themes every month with all departments and the partners.
Problems fixed where they start.

- | Share customer compliments with the teams
Teams only hear about complaints, never about the customers who are happy.
Share compliments from surveys and calls in a weekly message to all teams.
Better morale, and examples of what works.

- | A customer panel of twenty households
Changes are designed without asking customers what they think.
Invite twenty households to a panel that tests new letters, pages and processes.
Fewer changes that confuse customers.

- | Thank customers who complain
Customers who complain help us improve, but we never thank them.
Send a short thank-you note after closing a complaint, with what we changed because of it.
Customers feel heard and stay with us.

- | No marketing e-mails during an open complaint
Customers with an open complaint receive cheerful marketing e-mails and are annoyed.
Pause marketing e-mails for customers with an open complaint.
No more salt in the wound.

- | A day in the field for office staff
Office staff do not know what a heat pump installation looks like from the customer's side.
Let every new office colleague spend a day with an engineer.
Better understanding, and better answers to customers.

- | A board with open complaints per team
Teams do not see how many complaints are open and which are overdue.
Put a screen in each team room with their open complaints and SLA status.
Overdue complaints are seen and picked up.

- | Flag vulnerable customers in the CRM
We do not know which customers are elderly, ill or have small children.
Let staff flag vulnerable customers, with their consent, so they get priority.
Help goes first to those who need it most.

- | Count repeat contacts per customer
Customers who contact us several times about one problem are not noticed.
Count contacts per customer and problem, and alert the team leader at the third contact.
Problems solved before they become complaints.

Replacement part shipped | Return damaged units straight to the supplier
Damaged units are first returned to our warehouse and then sent on to the supplier.
Let the courier return damaged units straight to the supplier, with our claim form.
Faster credit from the supplier and less handling.

Parcel delivery | Weekly call with SwiftParcel's account manager
Problems with SwiftParcel are discussed only at the quarterly review, months after they happen.
Hold a 30-minute call every week with SwiftParcel's account manager about last week's failures.
Problems addressed in days, not months.

Parcel delivery | No Friday shipping until SwiftParcel recovers
Parcels sent on Friday sit in SwiftParcel's depot over the weekend and arrive damaged or late.
Stop shipping large items on Fridays until SwiftParcel's depot problems are solved.
Fewer parcels lost over the weekend.

Ticket triage | Send SwiftParcel tickets straight to Logistics
Delivery complaints first go to general support and reach Logistics days later.
Route tickets that mention SwiftParcel or a tracking number straight to Logistics & Fulfilment.
Faster answers about late and lost parcels.

Engineer visit | Shoe covers at every visit
Customers complain about dirty floors after a visit, especially in winter.
Give engineers shoe covers and make wearing them standard.
A small gesture that customers notice.

Installation visit | Noise measurement after the installation
Customers and neighbours argue about the noise of the outdoor unit.
Measure the noise at the property line after installation and leave the result with the customer.
Facts instead of arguments between neighbours.

Phone support | A script for the first 30 seconds of a complaint call
Agents start defending the company before the customer has finished the story.
Train a short opening: listen, thank, summarise, and say what happens next.
Calmer calls, and more problems solved on the spot.

Live chat | Chat open until 21:00 in winter
Customers discover heating problems in the evening, when the chat is closed.
Keep the chat open until 21:00 from November to February.
Help when customers need it.

Online checkout | Check the address against the postcode register
Typos in addresses send parcels and engineers to the wrong house.
Fill in street and town from the postcode and house number in the checkout.
Fewer parcels at the wrong address.

Card and iDEAL payment | Link to PayFlow's status page when payments fail
During PayFlow outages customers keep trying, and call us when it does not work.
Show a message with PayFlow's status page when payments fail for everyone.
Fewer calls during outages.

Parcel delivery | Unpacking instructions on the box
Customers damage units by unpacking them the wrong way, and then blame the courier.
Print simple unpacking pictures on the box.
Fewer damaged units and fewer disputed claims.

Order picking | Scan serial numbers at packing
A returned unit was sent to a new customer as new.
Scan the serial number of every unit at packing and block returned units.
Only new units reach new customers.

Maintenance visit | Reminder the day before the maintenance visit
Customers forget the maintenance visit and are not at home.
Send a text message the day before with the time window.
Fewer wasted visits.

Help centre | Search that understands error codes
Searching for "E12" in the help centre finds nothing.
Add the error codes to the search, so that "E12" finds the right article.
Customers find the fix themselves.

Ticket triage | Acknowledge e-mailed complaints within an hour
Customers who complain by e-mail do not know whether we received it.
Send an automatic acknowledgement with the complaint reference and the expected answer date.
Fewer "did you get my e-mail" calls.

- | A quality minute at the start of team meetings
Teams talk about targets but rarely about what customers experienced.
Start every team meeting with one real complaint or compliment of the week.
The customer's experience stays on everyone's mind.

- | Celebrate ideas that are implemented
Colleagues stop sharing ideas because they never hear what happened to them.
Mention implemented ideas and their submitters in the monthly newsletter.
More ideas, and more people taking part.

Welcome e-mail | Follow-up e-mail after one week
Customers have new questions after a week of use, when the welcome e-mail is forgotten.
Send a short e-mail after one week with the three most asked questions.
Fewer calls in the second week.

Renewal e-mail | Send the reminder 90 days before the end date
Sixty days is too short for housing associations, which need their board's approval.
Send the renewal reminder to business customers 90 days before the end date.
Fewer lapsed contracts among landlords.

Installation visit | Confirm the slot by phone the day before
Customers forget the installation date or are not ready for it.
Call every customer the day before to confirm the slot and check the preparations.
Fewer wasted visits.

Engineer visit | Let customers rate the visit in the app
We hear about bad visits only when the customer complains.
Ask for a one-tap rating in the app after every visit.
Problems seen early, and good engineers recognised.

Product pages | Customer reviews on product pages
Customers look for reviews on other websites, some of them wrong.
Show verified customer reviews on the product pages.
Better-informed customers.

Phone support | Tell callers the expected waiting time
Customers do not know how long they will wait, and hang up.
Tell callers the expected waiting time and offer a call-back.
Fewer dropped calls.

Direct debit set-up | Let customers choose the collection day
Collections at the start of the month clash with customers' rent or mortgage.
Let customers choose the day of the month for the collection.
Fewer failed collections and fewer reminder fees.

Resolution call-back | Ask what we could have done better
The call-back checks that the fault is fixed, but not how the customer experienced us.
Add one question, "What could we have done better?", and log the answers in LoyaltyQMS.
Improvement ideas straight from customers.

Parcel delivery | Heat pumps on pallets with a tail-lift truck
Outdoor units are heavy and get dropped when one driver carries them from the van.
Deliver units over 50 kg on a pallet with a tail-lift truck.
Fewer damaged units, and no injured drivers.

Replacement part shipped | Tracking for replacement parts too
Customers cannot follow replacement parts the way they follow orders.
Send a tracking link for replacement parts too.
Fewer "where is my part" calls.

Account page offer | Maintenance history on the account page
Customers do not know when their last maintenance visit was or what was done.
Show the maintenance history and service reports on the account page.
Fewer questions and more trust.

Installation visit | The engineer's name and photo before the visit
Customers are unsure who is at the door.
Send the engineer's name and photo with the appointment reminder.
Customers feel safe and recognise the engineer.

Phone support | A €25 goodwill voucher without approval
Agents need a manager's approval for a small gesture, so customers wait for days.
Let agents give a goodwill voucher of up to €25 on their own.
Complaints settled in the first call.

Live chat | Review the standard chat answers every quarter
Some standard chat answers are outdated or unfriendly.
Quality reviews the standard answers with the chat team every quarter.
Answers that are correct and kind.

Parcel delivery | Ask for a safe place at checkout
Couriers leave parcels in random places when nobody is home.
Ask customers for a safe place or a neighbour at checkout and print it on the label.
Fewer parcels lost or left in the rain.

Card and iDEAL payment | Apple Pay and Google Pay at checkout
Customers on a phone give up when they have to type their card details.
Offer Apple Pay and Google Pay through PayFlow.
More completed orders on phones.

Maintenance visit | One maintenance day per street for landlords
Housing associations get maintenance visits on ten different days for one street.
Plan the maintenance of all of one landlord's homes in a street on the same day.
Less travel for engineers, and less effort for the landlord.

Renewal questions | Call large landlords before their renewal
Housing associations call with many questions just before the renewal deadline.
Call large landlords a month before their renewal to go through the offer.
Renewals done without a rush.

Renewal confirmation | The contract in plain language
Customers do not understand their contract and call with questions.
Rewrite the contract in plain language, with a one-page summary.
Fewer questions and fewer disputes.

- | Share the complaint figures with all staff every month
Only managers see the complaint figures.
Share the monthly figures and the top three themes with all staff.
Everyone knows where we stand.

Order picking | A second check on orders above €5,000
Mistakes on large orders cost a lost installation day for two engineers.
A second person checks every order above €5,000 before the box is closed.
No large orders shipped incomplete.

Engineer visit | A photo of the fault before the visit
Engineers arrive without knowing what they will find.
Ask the customer for a photo of the display or the fault when booking the visit.
The right part and the right engineer the first time.

Welcome e-mail | Ask for a rating of the installation
We do not know how customers experienced the installation until they complain.
Add a one-click rating of the installation to the welcome e-mail.
An early warning of problems after installation.

Help centre | Help articles for landlords and housing associations
Landlords have other questions than households, but the help centre only serves households.
Add a section for landlords about contracts, maintenance planning and tenants.
Fewer calls from business customers.

Product pages | Say clearly which homes need insulation first
Customers buy a heat pump for a home that needs insulation first, and are disappointed.
Explain on the product page which homes need insulation first, with a link to the check.
Fewer disappointed customers.

Parcel delivery | Share our SwiftParcel complaints with SwiftParcel every week
SwiftParcel says it does not recognise our complaint figures.
Send SwiftParcel a weekly export of the complaints about its deliveries, with references.
One version of the truth in the partner review.
"""


@dataclass(frozen=True)
class IdeaText:
    """One improvement idea of the demo, as its submitter wrote it."""

    touchpoint: str  # "" when the idea is about no touchpoint in particular
    title: str
    problem: str
    proposal: str
    benefit: str

    @property
    def about_trouble_partner(self) -> bool:
        """Return whether the idea is about the courier's bad spell."""
        return TROUBLE_PARTNER in f"{self.title} {self.problem} {self.proposal}"


def idea_texts() -> list[IdeaText]:
    """Return the demo's improvement ideas, parsed from their paragraphs."""
    texts = []
    for paragraph in IDEA_PARAGRAPHS.strip().split("\n\n"):
        heading, problem, proposal, benefit = paragraph.strip().split("\n")
        touchpoint, _bar, title = heading.partition(" | ")
        texts.append(IdeaText(touchpoint.strip(" -"), title, problem, proposal, benefit))
    return texts


ACCEPT_REASONS = [
    "Cheap to try: a six-week pilot, then we decide on the roll-out.",
    "The complaint data backs this up. Taken into the improvement backlog.",
    "Accepted; the owner of {touchpoint} plans it this quarter.",
    "Many colleagues support it and the cost is small. Go!",
    "Accepted. We will compare the complaints on {touchpoint} before and after.",
    "Good idea, and it fits next quarter's plan. Thank you!",
    "",
]
TROUBLE_ACCEPT_REASONS = [
    "Part of the SwiftParcel recovery plan agreed with the partner while on probation.",
    "Agreed with SwiftParcel's account manager; it is in their improvement plan.",
]
DECLINE_REASONS = [
    "The cost is higher than the benefit we can measure today. Bring numbers if it grows.",
    "Already covered by a change to {touchpoint} that went live last month. Thanks!",
    "A small pilot showed no difference in complaints or calls, so we stop here.",
    "It moves the problem to another team instead of solving it. Let's find the root cause.",
    "Good thought, but other ideas for {touchpoint} have more impact this year; kept on file.",
    "Not this year: the new customer platform changes this part of the journey.",
]
PARTNER_DECLINE_REASON = "Not before {owner}'s contract is renewed; noted for the negotiation."
DUPLICATE_REASON = "Same idea as {original}, which is already on the list: please support it there."
IMPLEMENT_NOTES = [
    "Live since {date}. First month: fewer complaints on {touchpoint}.",
    "Rolled out to all teams after a four-week pilot.",
    "Done: the work instruction is updated and the team is trained.",
    "Implemented by {owner}; the effect is checked in the monthly review.",
    "Live since {date}; we keep an eye on the numbers.",
]

COMPLAINT_KUDOS = [
    "{first_name} owned {reference} from the first call to the last; the customer never "
    "had to repeat the story.",
    "Calm and kind with a very upset customer in {reference}, and a promise kept.",
    "Spotted that {reference} was part of a pattern at {touchpoint} and told quality at once.",
    "Logged {reference} with photos and the order number straight away, which saved the "
    "investigation days.",
    "Called the customer back on a Saturday as promised ({reference}). Small thing, big "
    "difference.",
    "Turned {reference} around with one call: an apology, a date, and it happened on that date.",
    "Kept the customer informed every day while {reference} was open. Exactly how we want it.",
    "Honest about our mistake in {reference} and fixed it without a fight. The customer wrote "
    "to thank us.",
]
THEME_KUDOS = {
    "delivery": [
        "Kept chasing the courier every day until {reference} was sorted out, and kept the "
        "customer posted.",
    ],
    "field": [
        "Swapped slots with a colleague so the customer in {reference} was helped the next "
        "morning.",
    ],
    "payment": [
        "Went through the transactions behind {reference} line by line until the money was back "
        "with the customer.",
    ],
    "phone": [
        "Took ownership of {reference} instead of transferring the call; one call, solved.",
    ],
}
IDEA_KUDOS_IMPLEMENTED = [
    "{first_name}'s idea {reference}, '{title}', is live and customers noticed. Thank you!",
    "Thanks for {reference}: simple, cheap, and it works. More of this, please.",
    "'{title}' came from listening to customers. Exactly the kind of idea we need.",
]
IDEA_KUDOS_ACCEPTED = [
    "'{title}' was one of the best-supported ideas of the quarter. Thanks for speaking up, "
    "{first_name}.",
    "Great analysis behind {reference}: you brought numbers, not just an opinion.",
]
